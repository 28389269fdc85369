/**
 * The CSV report: one row per service (RFC 4180: CRLF line ends, quoted
 * fields). Counts are numbers with a separate "at least" column, so a
 * spreadsheet can sum them; lists are joined with "; ".
 */
import { csvField } from './escape.ts';
import { modalitiesText } from './format.ts';
import type { ReportModel, ServiceReport } from './model.ts';
import { collectDocument, lineDocument, streamDocument } from './stream.ts';

type Value = string | number | boolean | undefined;

const COLUMNS: ReadonlyArray<readonly [string, (s: ServiceReport) => Value]> = [
  ['ip', (s) => s.ip],
  ['port', (s) => s.port],
  ['protocol', (s) => s.protocol],
  ['tls', (s) => s.tls],
  ['status', (s) => s.status],
  ['product', (s) => s.productName],
  ['version', (s) => s.productVersion],
  ['ae_titles_tried', (s) => s.aeTitlesTried.join('; ')],
  ['accepted_ae_title', (s) => s.acceptedAeTitle],
  ['accepts_any_called_ae', (s) => s.acceptsAnyCalledAe],
  ['c_echo', (s) => s.echo],
  ['c_find', (s) => s.find],
  ['patients', (s) => s.patients?.n],
  ['patients_at_least', (s) => s.patients?.atLeast],
  ['studies', (s) => s.studies?.n],
  ['studies_at_least', (s) => s.studies?.atLeast],
  ['images', (s) => s.images?.n],
  ['images_at_least', (s) => s.images?.atLeast],
  ['modalities', (s) => modalitiesText(s, '; ')],
  ['identifying_attributes', (s) => s.identifyingAttributes.join('; ')],
  ['exposed', (s) => s.exposed],
  ['highest_severity', (s) => s.highestSeverity],
  ['findings', (s) => s.findings.map((f) => f.ruleId).join('; ')],
  // Added after the first release: new columns go at the end so positional readers keep working.
  ['login', (s) => s.login],
  ['access', (s) => s.access],
  ['tls_certificate', (s) => s.certificate],
  ['space', (s) => s.space],
  ['country', (s) => s.country],
  ['asn', (s) => s.asn],
  ['org', (s) => s.org],
  ['worklist_items', (s) => s.worklistItems?.n],
  ['worklist_items_at_least', (s) => s.worklistItems?.atLeast],
  ['worklist_patients', (s) => s.worklistPatients?.n],
  ['worklist_patients_at_least', (s) => s.worklistPatients?.atLeast],
  // The run-end honeypot assessment (observation/honeypot.ts): empty when the service was not assessed
  // (not a DICOM service that answered, or a run never assessed); a service with no signal is
  // "unlikely", score 0, no signals. The signals are names of a closed vocabulary, never peer text.
  ['honeypot', (s) => s.honeypot?.level],
  ['honeypot_score', (s) => s.honeypot?.score],
  ['honeypot_signals', (s) => s.honeypot?.signals.join('; ')],
];

export const CSV_HEADER = COLUMNS.map(([name]) => name).join(',');

export const CSV_DOCUMENT = lineDocument(`${CSV_HEADER}\r\n`, (s) => [`${COLUMNS.map(([, get]) => csvField(get(s))).join(',')}\r\n`]);

export function renderCsv(model: ReportModel): string {
  return collectDocument(CSV_DOCUMENT, model.services);
}

/** renderCsv's bytes in chunks, as the services come. */
export function streamCsv(services: AsyncIterable<ServiceReport>): AsyncIterable<string> {
  return streamDocument(CSV_DOCUMENT, services);
}
