/**
 * What each page reads from the store, and which renderer draws it. Lists
 * are read a page at a time or by bounded queries (the findings, a diff's
 * two streams); only the runs table is read whole, and it is small.
 */
import type { Logger } from '../log.ts';
import { exposedAccess } from '../report/bounded.ts';
import { barChartSvg } from '../report/charts.ts';
import { diffRuns, type DiffSide } from '../report/diff.ts';
import { studyCharts } from '../report/html.ts';
import type { ReportHead } from '../report/model.ts';
import { serviceReport, serviceReports, summariseHead } from '../report/summary.ts';
import type { RunRow, RunTotals, StoreReader } from '../store/index.ts';
import { BadRequest, NotFound } from './errors.ts';
import { filterOf, FINDINGS_PER_PAGE, parseFindingQuery } from './filters.ts';
import { LIVE_FINDINGS, liveStatus } from './live.ts';
import { diffPage } from './pages/diff.ts';
import { findingsPage } from './pages/findings.ts';
import { livePage } from './pages/live.ts';
import { runPage } from './pages/run.ts';
import { runsPage } from './pages/runs.ts';
import { servicePage } from './pages/service.ts';
import { TIMELINE_RUNS, timelineCharts, timelinePage, type TimelinePoint } from './pages/timeline.ts';
import { KeptReads } from './kept.ts';
import type { Reply } from './respond.ts';
import { previousOfScope, runsOfRunScope } from './scope.ts';

/** Runs on one page of the runs list. */
const RUNS_PER_PAGE = 25;

export interface HandlerContext {
  readonly store: StoreReader;
  readonly url: URL;
  /** Route parameters: the numbers in the path, in order. */
  readonly ids: readonly number[];
  readonly csrf: string;
  /** How many targets a run has, when its parameters tell (the CLI counts them); for the live view's percentage and time left. */
  readonly targetsOf?: (run: RunRow) => Promise<number | undefined>;
  readonly kept: KeptPages;
  readonly now: () => number;
  readonly log?: Logger;
  /** Whether the dashboard was given a way to verify findings (cli/serve.ts wires `exposure verify`). */
  readonly canVerify: boolean;
}

export type Handler = (c: HandlerContext) => Promise<Reply>;

const htmlReply = (body: string): Reply => ({ status: 200, type: 'html', body });

/**
 * What a page and its chart images share (kept.ts): a run's report head (a
 * run page, then its four chart images), a scope's timeline (a timeline
 * page, then its two chart images).
 */
export interface KeptPages {
  readonly heads: KeptReads<number, ReportHead>;
  /** The totals of the runs shown, keyed by their ids: a new run of the scope, or one removed, is read afresh. */
  readonly timelines: KeptReads<string, RunTotals[]>;
}

export function keptPages(now: () => number): KeptPages {
  return { heads: new KeptReads(now), timelines: new KeptReads(now) };
}

/** A run's report head; a running run's is read afresh. */
function headOf(c: HandlerContext, run: RunRow): Promise<ReportHead> {
  return c.kept.heads.get(run.id, run.status !== 'running', () => summariseHead(c.store, run.id));
}

async function runOf(c: HandlerContext, id = c.ids[0]): Promise<RunRow> {
  const run = id === undefined ? undefined : await c.store.run(id);
  if (!run) throw new NotFound(`There is no run ${id ?? ''} in this store.`);
  return run;
}

function pageNumber(c: HandlerContext): number {
  const text = c.url.searchParams.get('page') ?? '1';
  const n = Number(text);
  if (!/^\d{1,6}$/.test(text) || n < 1) throw new BadRequest(`"${text}" is not a page number.`);
  return n;
}

export const runs: Handler = async (c) => {
  const page = pageNumber(c);
  const all = (await c.store.runs()).reverse();
  const shown = all.slice((page - 1) * RUNS_PER_PAGE, page * RUNS_PER_PAGE);
  const items = [];
  for (const run of shown) items.push(run.status === 'running' ? { run } : { run, totals: await c.store.runTotals(run.id) });
  return htmlReply(runsPage({ items, page, more: all.length > page * RUNS_PER_PAGE, csrf: c.csrf }));
};

export const run: Handler = async (c) => {
  const r = await runOf(c);
  const previous = previousOfScope(await c.store.runs(), r);
  const head = await headOf(c, r);
  // Who can read the exposed services: anyone, or only with a vendor's default login (a bounded read).
  const access = await exposedAccess(c.store, r.id, head);
  return htmlReply(runPage({ run: r, head, access, ...(previous ? { previous } : {}), csrf: c.csrf }));
};

export const findings: Handler = async (c) => {
  const r = await runOf(c);
  const parsed = parseFindingQuery(c.url.searchParams);
  if (!parsed.ok) throw new BadRequest(`The findings list cannot be shown: ${parsed.problem}.`);
  const q = parsed.query;
  const found = await c.store.findingPage(r.id, filterOf(q), 'severity', { limit: FINDINGS_PER_PAGE, offset: (q.page - 1) * FINDINGS_PER_PAGE });
  return htmlReply(findingsPage({ run: r, head: await headOf(c, r), query: q, rows: found.rows, more: found.more, csrf: c.csrf, canVerify: c.canVerify }));
};

export const service: Handler = async (c) => {
  const r = await runOf(c);
  const row = await c.store.service(r.id, c.ids[1] ?? 0);
  if (!row) throw new NotFound(`Run ${r.id} has no service ${c.ids[1] ?? ''}.`);
  return htmlReply(servicePage({ run: r, service: serviceReport(row), csrf: c.csrf }));
};

const svgReply = (body: string): Reply => ({ status: 200, type: 'svg', body });

export const chart: Handler = async (c) => {
  const r = await runOf(c);
  const spec = studyCharts(await headOf(c, r))[c.ids[1] ?? -1];
  if (!spec) throw new NotFound('No such chart.');
  return svgReply(barChartSvg(spec));
};

async function liveOf(c: HandlerContext, r: RunRow) {
  const progress = await c.store.runProgress(r.id);
  const latest = await c.store.findingPage(r.id, {}, 'newest', { limit: LIVE_FINDINGS, offset: 0 });
  // A finished run has its total in its summary; only a running one needs its targets counted.
  const targets = r.status === 'running' && c.targetsOf ? await c.targetsOf(r).catch(() => undefined) : undefined;
  if (progress || r.status === 'running') return liveStatus(r, progress, targets, latest.rows, c.now());
  const t = await c.store.runTotals(r.id);
  const findings = Object.values(t.findings).reduce((a, b) => a + b, 0);
  return liveStatus(r, progress, targets, latest.rows, c.now(), { services: t.services, findings });
}

export const live: Handler = async (c) => {
  const r = await runOf(c);
  return htmlReply(livePage({ run: r, status: await liveOf(c, r), csrf: c.csrf }));
};

export const liveJson: Handler = async (c) => {
  const r = await runOf(c);
  return { status: 200, type: 'json', body: JSON.stringify(await liveOf(c, r)) };
};

async function timelineOf(c: HandlerContext): Promise<{ run: RunRow; points: TimelinePoint[]; earlier: number }> {
  const r = await runOf(c);
  const scope = runsOfRunScope(await c.store.runs(), r);
  const shown = scope.slice(-TIMELINE_RUNS);
  const read = async (): Promise<RunTotals[]> => {
    const totals: RunTotals[] = [];
    for (const s of shown) totals.push(await c.store.runTotals(s.id));
    return totals;
  };
  const totals = await c.kept.timelines.get(shown.map((s) => s.id).join(','), shown.every((s) => s.status !== 'running'), read);
  return { run: r, points: shown.map((s, i) => ({ run: s, totals: totals[i]! })), earlier: scope.length - shown.length };
}

export const timeline: Handler = async (c) => htmlReply(timelinePage({ ...(await timelineOf(c)), csrf: c.csrf }));

export const timelineChart: Handler = async (c) => {
  const spec = timelineCharts((await timelineOf(c)).points)[c.ids[1] ?? -1];
  if (!spec) throw new NotFound('No such chart.');
  return svgReply(barChartSvg(spec));
};

function runParam(c: HandlerContext, name: string): number | undefined {
  const text = c.url.searchParams.get(name);
  if (text === null || text === '') return undefined;
  if (!/^\d{1,15}$/.test(text)) throw new BadRequest(`"${name}" must be a run id, not "${text}".`);
  return Number(text);
}

export const diff: Handler = async (c) => {
  const all = await c.store.runs();
  const from = runParam(c, 'from');
  const to = runParam(c, 'to');
  if (from === undefined || to === undefined) return htmlReply(diffPage({ runs: all, ...(from ? { from } : {}), ...(to ? { to } : {}), csrf: c.csrf }));
  const side = async (id: number): Promise<DiffSide> => {
    const r = await runOf(c, id);
    return { run: { id, startedAt: r.startedAt, targets: r.meta.targets, ports: r.meta.ports }, services: serviceReports(c.store, id) };
  };
  // Both runs stream side by side in report order: a page of each in memory, never a whole run.
  const d = await diffRuns(await side(from), await side(to));
  return htmlReply(diffPage({ runs: all, from, to, diff: d, csrf: c.csrf }));
};
