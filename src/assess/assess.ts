/** Observation → findings: every rule for the observation's protocol, in severity order. */
import type { Observation } from '../observation/observation.ts';
import { severityRank, type Finding } from '../observation/finding.ts';
import type { Rule } from './rule.ts';
import { RULES } from './rules/index.ts';

export function assess(observation: Observation, rules: readonly Rule[] = RULES): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (!rule.protocols.includes(observation.protocol)) continue;
    const evidence = rule.match(observation);
    if (evidence === undefined) continue;
    findings.push({
      ruleId: rule.id,
      title: rule.title,
      severity: rule.severity,
      evidence,
      remediation: rule.remediation,
      references: [...rule.references],
      ...(rule.cwe ? { cwe: rule.cwe } : {}),
    });
  }
  return findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
}
