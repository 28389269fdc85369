/** Every rule family, in one explicit list. */
import type { Rule } from '../rule.ts';
import { DICOM_RULES } from './dicom.ts';
import { NAS_RULES } from './nas.ts';

export const RULES: readonly Rule[] = [...DICOM_RULES, ...NAS_RULES];
