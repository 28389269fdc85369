/**
 * NDJSON for SIEMs: one JSON object per line, one line per service, each
 * self-contained (run id, time, place, findings) so a line can be indexed on
 * its own. Schema name "exposure-service/1"; fields are those of a service in
 * the JSON report (docs/report-formats.md), plus geoData: which geo databases
 * of which date placed it.
 */
import { safeJson } from './json.ts';
import type { ReportHead, ReportModel, ServiceReport } from './model.ts';
import { collectDocument, lineDocument, streamDocument, type ServiceDocument } from './stream.ts';
import { geoDatesText } from './tables.ts';

export const SERVICE_SCHEMA = 'exposure-service/1';

/** What a line takes from the run: its id, start and geo databases (summary.ts summariseRun). */
type NdjsonHead = Pick<ReportHead, 'run' | 'geo'>;

function ndjsonDocument(head: NdjsonHead): ServiceDocument {
  // Only these three values are kept while the services go by, not the head they come from.
  const { id: run, startedAt: runStartedAt } = head.run;
  const geoData = geoDatesText(head.geo);
  return lineDocument('', (s) => [`${safeJson({ schema: SERVICE_SCHEMA, run, runStartedAt, ...s, geoData })}\n`]);
}

export function renderNdjson(model: ReportModel): string {
  return collectDocument(ndjsonDocument(model), model.services);
}

/** renderNdjson's bytes in chunks, as the services come. */
export function streamNdjson(head: NdjsonHead, services: AsyncIterable<ServiceReport>): AsyncIterable<string> {
  return streamDocument(ndjsonDocument(head), services);
}
