/**
 * `exposure report`: renders a stored run, or writes notification packs
 * (`--by org`). Reads the store through a reader; the only writes fill what an
 * older run lacks: geo columns of hosts never labelled (cli/geo.ts,
 * docs/decisions/0020-geo-at-scan-time.md) and the honeypot assessment of a
 * finished run never assessed, or assessed in part (cli/honeypots.ts, docs/decisions/0027-honeypots-told-apart.md).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { keepingHoneypots, openStoreReader, storeLabel, type StoreReader } from '../store/index.ts';
import { serviceReports, summarise, summariseHead } from '../report/summary.ts';
import { CSV_DOCUMENT, streamCsv } from '../report/csv.ts';
import { FINDINGS_CSV_DOCUMENT } from '../report/findings-csv.ts';
import { streamJson } from '../report/json.ts';
import { summariseBounded, type ReportBounds } from '../report/bounded.ts';
import { HTML_BOUNDS } from '../report/html-sections.ts';
import { MARKDOWN_BOUNDS, renderMarkdown } from '../report/markdown.ts';
import { streamNdjson } from '../report/ndjson.ts';
import { buildPacks, packsIndex } from '../report/packs.ts';
import { streamSarif } from '../report/sarif.ts';
import { renderTable, TABLE_BOUNDS } from '../report/table.ts';
import { geoDatesText } from '../report/tables.ts';
import type { BoundedReport, ReportModel, ServiceReport } from '../report/model.ts';
import { UsageError } from './errors.ts';
import { fillMissingGeo } from './geo.ts';
import { assessedFirst } from './honeypots.ts';
import { makeDir, makeEmptyDir, pourToStdout, writeOut, writeStreamedTogether } from './output.ts';
import { streamDocuments } from '../report/stream.ts';
import type { REPORT_GROUPINGS, ReportFormat } from './formats.ts';

export interface ReportFlags {
  db: string;
  run?: number;
  format: ReportFormat;
  out?: string;
  by?: (typeof REPORT_GROUPINGS)[number];
  /** Count likely honeypots in the tables and totals (store/keep-honeypots.ts). */
  keepHoneypots?: boolean;
}

/** The reader the report reads: its aggregates count likely honeypots only when asked. */
function readerFor(flags: ReportFlags): StoreReader {
  const reader = openStoreReader(flags.db);
  return flags.keepHoneypots ? keepingHoneypots(reader) : reader;
}

const warn = (line: string): void => {
  process.stderr.write(`exposure: ${line}\n`);
};

async function resolveRun(store: StoreReader, flags: ReportFlags): Promise<number> {
  const runId = flags.run ?? (await store.latestRunId());
  if (runId === undefined) throw new UsageError(`${storeLabel(flags.db)} holds no runs yet: run "exposure scan" first`);
  if (!(await store.run(runId))) throw new UsageError(`${storeLabel(flags.db)} has no run ${runId}`);
  return runId;
}

export async function reportCommand(flags: ReportFlags): Promise<void> {
  if (flags.by === 'org' && !flags.out) throw new UsageError('--by org writes one folder per organisation: give the parent folder with --out DIR');
  let store = readerFor(flags);
  let model: ReportModel | undefined;
  let report: BoundedReport | undefined;
  try {
    const runId = await resolveRun(store, flags);
    // One address is enough to know whether to label: the labelling reads them a page at a time.
    if ((await store.hostsWithoutGeo(runId, 1)).length > 0) {
      await store.close();
      await fillMissingGeo(flags.db, runId, warn);
      store = readerFor(flags);
    }
    store = await assessedFirst(flags.db, store, [runId], warn, () => readerFor(flags));
    if (flags.by === undefined && isStreamed(flags.format)) return await streamReport(store, runId, flags.format, flags.out);
    // The packs group every service by network: they keep the whole model (a pack is as large as its AS).
    if (flags.by === 'org') model = await summarise(store, runId);
    else report = await summariseBounded(store, runId, BOUNDED_FORMATS[flags.format as BoundedFormat]);
  } finally {
    await store.close();
  }
  if (model) return writePacks(model, flags.out as string);
  // Streamed formats returned above, and packs just now: what is left is read by a person, from bounded lists.
  const text = await renderBounded(flags.format as BoundedFormat, report as BoundedReport, flags.out === undefined && process.stdout.isTTY === true);
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

/** Formats written as the store's pages are read, never holding the run's services. */
const STREAMED = ['json', 'ndjson', 'csv', 'sarif'] as const;
type StreamedFormat = (typeof STREAMED)[number];
/** Formats a person reads: totals and tables from aggregates, lists fetched at their length (report/bounded.ts). */
const BOUNDED_FORMATS = { table: TABLE_BOUNDS, md: MARKDOWN_BOUNDS, html: HTML_BOUNDS } as const satisfies Record<Exclude<ReportFormat, StreamedFormat>, ReportBounds>;
type BoundedFormat = keyof typeof BOUNDED_FORMATS;

function isStreamed(format: ReportFormat): format is StreamedFormat {
  return (STREAMED as readonly string[]).includes(format);
}

/**
 * Writes a streamed format of one run: the head from the store's aggregates,
 * then the services a page at a time, to standard output or to the --out
 * file(s), each complete or not there at all (cli/output.ts).
 *
 * CSV is two tables: `--out NAME.csv` writes the services there and the
 * findings beside it as NAME.findings.csv; any other `--out` is a folder
 * (created if needed) receiving services.csv and findings.csv. Without
 * `--out`, standard output gets the services table only.
 */
export async function streamReport(store: StoreReader, runId: number, format: StreamedFormat, out: string | undefined): Promise<void> {
  const head = await summariseHead(store, runId);
  const fired = format === 'sarif' ? await store.firedRules(runId) : undefined;
  const services = (): AsyncIterable<ServiceReport> => serviceReports(store, runId);
  const main = (): AsyncIterable<string> => {
    switch (format) {
      case 'json':
        return streamJson(head, services());
      case 'ndjson':
        return streamNdjson(head, services());
      case 'sarif':
        // The rules from the store's list of those that fired: the services are read once.
        return streamSarif(head, services, fired);
      case 'csv':
        return streamCsv(services());
      default: {
        const never: never = format;
        return never;
      }
    }
  };
  if (out === undefined) return pourToStdout(main());
  if (format !== 'csv') return writeStreamedTogether([out], oneFile(main()));
  // Both tables from one pass over the services.
  const paths = csvPaths(out);
  return writeStreamedTogether([paths.services, paths.findings], streamDocuments([CSV_DOCUMENT, FINDINGS_CSV_DOCUMENT], services()));
}

/** One file's chunks as the steps writeStreamedTogether takes. */
async function* oneFile(chunks: AsyncIterable<string>): AsyncIterable<readonly string[]> {
  for await (const chunk of chunks) yield [chunk];
}

function csvPaths(out: string): { services: string; findings: string } {
  const isFile = extname(out).toLowerCase() === '.csv' && !(existsSync(out) && statSync(out).isDirectory());
  if (isFile) return { services: out, findings: join(dirname(out), `${basename(out, extname(out))}.findings.csv`) };
  makeDir(out);
  return { services: join(out, 'services.csv'), findings: join(out, 'findings.csv') };
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
