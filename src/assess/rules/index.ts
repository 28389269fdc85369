/** Every rule family, in one explicit list. */
import type { Rule } from '../rule.ts';
import { DICOM_RULES } from './dicom.ts';

export const RULES: readonly Rule[] = [...DICOM_RULES];
