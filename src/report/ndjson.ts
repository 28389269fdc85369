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

function ndjsonDocument(head: ReportHead): ServiceDocument {
  const geoData = geoDatesText(head.geo);
  return lineDocument('', (s) => [`${safeJson({ schema: SERVICE_SCHEMA, run: head.run.id, runStartedAt: head.run.startedAt, ...s, geoData })}\n`]);
}

export function renderNdjson(model: ReportModel): string {
  return collectDocument(ndjsonDocument(model), model.services);
}

/** renderNdjson's bytes in chunks, as the services come. */
export function streamNdjson(head: ReportHead, services: AsyncIterable<ServiceReport>): AsyncIterable<string> {
  return streamDocument(ndjsonDocument(head), services);
}
