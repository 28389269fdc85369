/**
 * NDJSON for SIEMs: one JSON object per line, one line per service, each
 * self-contained (run id, time, place, findings) so a line can be indexed on
 * its own. Schema name "exposure-service/1"; fields are those of a service in
 * the JSON report (docs/report-formats.md), plus geoData: which geo databases
 * of which date placed it.
 */
import { safeJson } from './json.ts';
import type { ReportModel } from './model.ts';
import { geoDatesText } from './tables.ts';

export const SERVICE_SCHEMA = 'exposure-service/1';

export function renderNdjson(model: ReportModel): string {
  const geoData = geoDatesText(model.geo);
  return model.services
    .map((s) => `${safeJson({ schema: SERVICE_SCHEMA, run: model.run.id, runStartedAt: model.run.startedAt, ...s, geoData })}\n`)
    .join('');
}
