/**
 * Findings: what an assessment concludes from an observation.
 * Rules are data (assess/rules/*.ts); a Finding is one rule firing on one service.
 */
import { z } from 'zod';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

export const Finding = z.object({
  /** Stable rule id, e.g. EXP-DICOM-001. */
  ruleId: z.string().regex(/^EXP-[A-Z]+-\d{3}$/),
  title: z.string(),
  severity: Severity,
  /** What was observed, in our words and counts: never a value a peer sent about a patient. */
  evidence: z.string(),
  remediation: z.string(),
  references: z.array(z.string()),
  cwe: z.string().regex(/^CWE-\d+$/).optional(),
});
export type Finding = z.infer<typeof Finding>;

export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}
