/**
 * `exposure report`: renders a stored run, or writes notification packs
 * (`--by org`). Reads the store through a reader; the only write, filling geo
 * columns of hosts never labelled, is cli/geo.ts's (docs/decisions/0020-geo-at-scan-time.md).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { openStoreReader, type StoreReader } from '../store/index.ts';
import { summarise } from '../report/summary.ts';
import { renderCsv } from '../report/csv.ts';
import { renderFindingsCsv } from '../report/findings-csv.ts';
import { renderJson } from '../report/json.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { renderNdjson } from '../report/ndjson.ts';
import { buildPacks, packsIndex } from '../report/packs.ts';
import { renderSarif } from '../report/sarif.ts';
import { renderTable } from '../report/table.ts';
import { geoDatesText } from '../report/tables.ts';
import type { ReportModel } from '../report/model.ts';
import { UsageError } from './errors.ts';
import { fillMissingGeo } from './geo.ts';
import { makeDir, makeEmptyDir, writeOut } from './output.ts';
import type { REPORT_GROUPINGS, ReportFormat } from './formats.ts';

export interface ReportFlags {
  db: string;
  run?: number;
  format: ReportFormat;
  out?: string;
  by?: (typeof REPORT_GROUPINGS)[number];
}

const warn = (line: string): void => {
  process.stderr.write(`exposure: ${line}\n`);
};

async function resolveRun(store: StoreReader, flags: ReportFlags): Promise<number> {
  const runId = flags.run ?? (await store.latestRunId());
  if (runId === undefined) throw new UsageError(`${flags.db} holds no runs yet: run "exposure scan" first`);
  if (!(await store.run(runId))) throw new UsageError(`${flags.db} has no run ${runId}`);
  return runId;
}

export async function reportCommand(flags: ReportFlags): Promise<void> {
  if (flags.by === 'org' && !flags.out) throw new UsageError('--by org writes one folder per organisation: give the parent folder with --out DIR');
  let store = openStoreReader(flags.db);
  let model: ReportModel;
  try {
    const runId = await resolveRun(store, flags);
    const missing = await store.hostsWithoutGeo(runId);
    if (missing.length > 0) {
      await store.close();
      await fillMissingGeo(flags.db, runId, missing, warn);
      store = openStoreReader(flags.db);
    }
    model = await summarise(store, runId);
  } finally {
    await store.close();
  }
  if (flags.by === 'org') return writePacks(model, flags.out as string);
  if (flags.format === 'csv') return writeCsv(model, flags.out);
  const text = await render(flags.format, model, flags.out === undefined && process.stdout.isTTY === true);
  if (flags.out) writeOut(flags.out, text);
  else process.stdout.write(text);
}

function writePacks(model: ReportModel, out: string): void {
  const packs = buildPacks(model);
  makeEmptyDir(out, '--by org');
  for (const p of packs) {
    const dir = join(out, p.folder);
    makeDir(dir);
    for (const f of p.files) writeOut(join(dir, f.name), f.content);
  }
  writeOut(join(out, 'index.md'), packsIndex(model, packs));
  warn(`wrote ${packs.length} notification pack${packs.length === 1 ? '' : 's'} for run ${model.run.id} to ${out}`);
}

/**
 * CSV is two tables. `--out NAME.csv` writes the services there and the
 * findings beside it as NAME.findings.csv; any other `--out` is a folder
 * (created if needed) receiving services.csv and findings.csv. Without
 * `--out`, standard output gets the services table only.
 */
function writeCsv(model: ReportModel, out: string | undefined): void {
  if (out === undefined) {
    process.stdout.write(renderCsv(model));
    return;
  }
  const isFile = extname(out).toLowerCase() === '.csv' && !(existsSync(out) && statSync(out).isDirectory());
  const [services, findings] = isFile
    ? [out, join(dirname(out), `${basename(out, extname(out))}.findings.csv`)]
    : [join(out, 'services.csv'), join(out, 'findings.csv')];
  if (!isFile) makeDir(out);
  writeOut(services, renderCsv(model));
  writeOut(findings, renderFindingsCsv(model));
}

async function render(format: Exclude<ReportFormat, 'csv'>, model: ReportModel, color: boolean): Promise<string> {
  switch (format) {
    case 'table':
      // The scan's summary table stays as it is; the report adds where its geo data came from.
      return `${renderTable(model, { color, width: process.stdout.columns })}\nGeolocation data: ${geoDatesText(model.geo)}\n`;
    case 'json':
      return renderJson(model);
    case 'ndjson':
      return renderNdjson(model);
    case 'sarif':
      return renderSarif(model);
    case 'md':
      return renderMarkdown(model);
    case 'html':
      // Loaded only when asked for: the chart library alone costs every other command ~80 MB of RSS.
      return (await import('../report/html.ts')).renderHtml(model);
    default: {
      const never: never = format;
      return never;
    }
  }
}
