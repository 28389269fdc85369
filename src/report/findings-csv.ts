/**
 * The findings CSV: one row per finding on a service (RFC 4180, CRLF,
 * formula-guarded like the services CSV), with where the service is.
 */
import { csvField } from './escape.ts';
import type { ReportFinding, ReportModel, ServiceFindings } from './model.ts';
import { collectDocument, lineDocument, streamDocument } from './stream.ts';

type Value = string | number | boolean | undefined;

const COLUMNS: ReadonlyArray<readonly [string, (s: ServiceFindings, f: ReportFinding) => Value]> = [
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
];

export const FINDINGS_CSV_HEADER = COLUMNS.map(([name]) => name).join(',');

const FINDINGS_CSV_DOCUMENT = lineDocument<ServiceFindings>(`${FINDINGS_CSV_HEADER}\r\n`, (s) =>
  s.findings.map((f) => `${COLUMNS.map(([, get]) => csvField(get(s, f))).join(',')}\r\n`),
);

export function renderFindingsCsv(model: ReportModel): string {
  return collectDocument(FINDINGS_CSV_DOCUMENT, model.services);
}

/** renderFindingsCsv's bytes in chunks, as the services with findings come (store.findingPages: no observation read). */
export function streamFindingsCsv(services: AsyncIterable<ServiceFindings>): AsyncIterable<string> {
  return streamDocument(FINDINGS_CSV_DOCUMENT, services);
}
