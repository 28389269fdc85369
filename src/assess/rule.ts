/**
 * A rule is data: identity, severity, advice and references, plus one small
 * predicate over an Observation that returns the evidence when it fires.
 * Evidence is composed by us from counts, statuses and attribute keywords,
 * never from a value a peer sent about a patient.
 */
import type { Observation, ProtocolId } from '../observation/observation.ts';
import type { Severity } from '../observation/finding.ts';

export interface Rule {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly protocols: readonly ProtocolId[];
  /** Why it matters, for the report's findings list. */
  readonly rationale: string;
  readonly remediation: string;
  readonly references: readonly string[];
  readonly cwe?: string;
  /** The evidence sentence when the rule fires on this observation, undefined when it does not. */
  match(observation: Observation): string | undefined;
}
