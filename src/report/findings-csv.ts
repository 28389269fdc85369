/**
 * The findings CSV: one row per finding on a service (RFC 4180, CRLF,
 * formula-guarded like the services CSV), with where the service is and the
 * command that shows it (or "no command: " and why).
 */
import { csvField } from './escape.ts';
import type { ReportModel, ServiceFinding, ServiceReport } from './model.ts';
import { proofLine } from './proof.ts';
import { collectDocument, lineDocument } from './stream.ts';

type Value = string | number | boolean | undefined;

const COLUMNS: ReadonlyArray<readonly [string, (s: ServiceReport, f: ServiceFinding) => Value]> = [
  ['ip', (s) => s.ip],
  ['port', (s) => s.port],
  ['protocol', (s) => s.protocol],
  ['rule_id', (_, f) => f.ruleId],
  ['severity', (_, f) => f.severity],
  ['title', (_, f) => f.title],
  ['evidence', (_, f) => f.evidence],
  ['remediation', (_, f) => f.remediation],
  ['references', (_, f) => f.references.join('; ')],
  ['cwe', (_, f) => f.cwe],
  ['product', (s) => s.product],
  ['space', (s) => s.space],
  ['country', (s) => s.country],
  ['asn', (s) => s.asn],
  ['org', (s) => s.org],
  // Last, so positional readers of the earlier columns keep working.
  ['proof', (_, f) => proofLine(f.proof)],
];

export const FINDINGS_CSV_HEADER = COLUMNS.map(([name]) => name).join(',');

export const FINDINGS_CSV_DOCUMENT = lineDocument(`${FINDINGS_CSV_HEADER}\r\n`, (s) =>
  s.findings.map((f) => `${COLUMNS.map(([, get]) => csvField(get(s, f))).join(',')}\r\n`),
);

export function renderFindingsCsv(model: ReportModel): string {
  return collectDocument(FINDINGS_CSV_DOCUMENT, model.services);
}
