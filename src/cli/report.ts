/**
 * `exposure report`: renders a stored run, or writes notification packs
 * (`--by org`). Reads the store through a reader; the only write, filling geo
 * columns of hosts never labelled, is cli/geo.ts's (docs/decisions/0020-geo-at-scan-time.md).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { openStoreReader, type StoreReader } from '../store/index.ts';
import { summarise } from '../report/summary.ts';
import { summariseBounded, type ReportBounds } from '../report/bounded.ts';
import { renderCsv } from '../report/csv.ts';
import { renderFindingsCsv } from '../report/findings-csv.ts';
import { HTML_BOUNDS } from '../report/html-sections.ts';
import { renderJson } from '../report/json.ts';
import { MARKDOWN_BOUNDS, renderMarkdown } from '../report/markdown.ts';
import { renderNdjson } from '../report/ndjson.ts';
import { buildPacks, packsIndex } from '../report/packs.ts';
import { renderSarif } from '../report/sarif.ts';
import { renderTable, TABLE_BOUNDS } from '../report/table.ts';
import { geoDatesText } from '../report/tables.ts';
import type { BoundedReport, ReportModel } from '../report/model.ts';
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

/** The formats a person reads: rendered from the head and lists bounded in the store's queries, never from every service. */
const BOUNDED_FORMATS = { table: TABLE_BOUNDS, md: MARKDOWN_BOUNDS, html: HTML_BOUNDS } as const satisfies Partial<Record<ReportFormat, ReportBounds>>;
type BoundedFormat = keyof typeof BOUNDED_FORMATS;

function isBounded(format: ReportFormat): format is BoundedFormat {
  return Object.hasOwn(BOUNDED_FORMATS, format);
}

/** What a report reads from the store: bounded lists for a reader, every service for an export or the packs. */
type RunRead =
  | { kind: 'packs'; model: ReportModel }
  | { kind: 'bounded'; format: BoundedFormat; report: BoundedReport }
  | { kind: 'export'; format: Exclude<ReportFormat, BoundedFormat>; model: ReportModel };

async function readRun(store: StoreReader, runId: number, flags: ReportFlags): Promise<RunRead> {
  // The packs group every service by network: they keep the whole model (a pack is as large as its AS).
  if (flags.by === 'org') return { kind: 'packs', model: await summarise(store, runId) };
  const format = flags.format;
  if (isBounded(format)) return { kind: 'bounded', format, report: await summariseBounded(store, runId, BOUNDED_FORMATS[format]) };
  return { kind: 'export', format, model: await summarise(store, runId) };
}

async function resolveRun(store: StoreReader, flags: ReportFlags): Promise<number> {
  const runId = flags.run ?? (await store.latestRunId());
  if (runId === undefined) throw new UsageError(`${flags.db} holds no runs yet: run "exposure scan" first`);
  if (!(await store.run(runId))) throw new UsageError(`${flags.db} has no run ${runId}`);
  return runId;
}

export async function reportCommand(flags: ReportFlags): Promise<void> {
  if (flags.by === 'org' && !flags.out) throw new UsageError('--by org writes one folder per organisation: give the parent folder with --out DIR');
  let store = openStoreReader(flags.db);
  let read: RunRead;
  try {
    const runId = await resolveRun(store, flags);
    const missing = await store.hostsWithoutGeo(runId);
    if (missing.length > 0) {
      await store.close();
      await fillMissingGeo(flags.db, runId, missing, warn);
      store = openStoreReader(flags.db);
    }
    read = await readRun(store, runId, flags);
  } finally {
    await store.close();
  }
  switch (read.kind) {
    case 'packs':
      return writePacks(read.model, flags.out as string);
    case 'bounded':
      return emit(flags.out, await renderBounded(read.format, read.report, flags.out === undefined && process.stdout.isTTY === true));
    case 'export':
      if (read.format === 'csv') return writeCsv(read.model, flags.out);
      return emit(flags.out, render(read.format, read.model));
    default: {
      const never: never = read;
      return never;
    }
  }
}

function emit(out: string | undefined, text: string): void {
  if (out) writeOut(out, text);
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

function render(format: Exclude<ReportFormat, 'csv' | BoundedFormat>, model: ReportModel): string {
  switch (format) {
    case 'json':
      return renderJson(model);
    case 'ndjson':
      return renderNdjson(model);
    case 'sarif':
      return renderSarif(model);
    default: {
      const never: never = format;
      return never;
    }
  }
}

async function renderBounded(format: BoundedFormat, report: BoundedReport, color: boolean): Promise<string> {
  switch (format) {
    case 'table':
      // The report adds where its geo data came from to the table.
      return `${renderTable(report, { color, width: process.stdout.columns })}\nGeolocation data: ${geoDatesText(report.geo)}\n`;
    case 'md':
      return renderMarkdown(report);
    case 'html':
      // Loaded only when asked for: the chart library alone costs every other command ~80 MB of RSS.
      return (await import('../report/html.ts')).renderHtml(report);
    default: {
      const never: never = format;
      return never;
    }
  }
}
