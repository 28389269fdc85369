/** Every rule family, in one explicit list. */
import type { Rule } from '../rule.ts';
import { DICOM_RULES } from './dicom.ts';
import { NAS_RULES } from './nas.ts';
import { TLS_RULES } from './tls.ts';
import { WEB_RULES } from './web.ts';

export const RULES: readonly Rule[] = [...DICOM_RULES, ...WEB_RULES, ...TLS_RULES, ...NAS_RULES];
