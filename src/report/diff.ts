/**
 * Differences between two runs, service by service (address, port,
 * protocol): what became exposed, what was fixed, which findings appeared or
 * went away, and how the counts moved.
 *
 * A merge join over the two runs' services in report order (address
 * numerically, port, protocol: what the store's pages hand out): one host of
 * each run is held at a time, so memory grows with the differences found,
 * not with the size of the runs.
 *
 * Likely honeypots are compared apart (docs/decisions/0027-honeypots-told-apart.md):
 * a service likely in either run brings none of its services, exposures or
 * findings into the archives' lists, only a line in `honeypots` (appeared,
 * gone, became likely, no longer likely), unless they are kept as archives.
 */
import { ipSortKey } from '../observation/address-order.ts';
import { severityRank, type Severity } from '../observation/finding.ts';
import type { HoneypotAssessment } from '../observation/honeypot.ts';
import type { ReportRun, ServiceReport } from './model.ts';

export const DIFF_SCHEMA = 'exposure-diff/1';

export interface DiffEndpoint {
  ip: string;
  port: number;
  protocol: string;
  product?: string;
}

export interface DiffFinding extends DiffEndpoint {
  ruleId: string;
  severity: Severity;
  title: string;
}

export interface CountChange {
  from?: number;
  to?: number;
}

export interface ServiceChange extends DiffEndpoint {
  patients?: CountChange;
  studies?: CountChange;
  images?: CountChange;
}

/** A likely honeypot's endpoint, with the assessment of the run that says most of it. */
export interface DiffHoneypot extends DiffEndpoint {
  /** The later run's assessment (the earlier one's for a honeypot gone); absent when the later run has none for the service. */
  honeypot?: HoneypotAssessment;
}

/** Likely honeypots, kept out of the archives' lists; all empty when they are compared as archives. */
export interface HoneypotChanges {
  /** Likely in the second run, not there in the first. */
  appeared: DiffHoneypot[];
  /** Likely in the first run, not there in the second. */
  gone: DiffHoneypot[];
  /** In both runs, likely in the second only: its findings of either run are left out (it was not fixed: it was told apart). */
  becameLikely: DiffHoneypot[];
  /** In both runs, likely in the first only: the second run's service is compared as a new one, so its findings are said. */
  noLongerLikely: DiffHoneypot[];
  /** Likely in both runs: left out, counted only. */
  stillLikely: number;
}

export interface RunDiff {
  schema: typeof DIFF_SCHEMA;
  from: { run: number; startedAt: string };
  to: { run: number; startedAt: string };
  /** Services found in the second run only / in the first only. */
  newServices: DiffEndpoint[];
  goneServices: DiffEndpoint[];
  /** Exposed in the second run and not in the first (new or newly open). */
  newExposures: DiffEndpoint[];
  /** Exposed in the first run and no longer in the second (locked, or gone). */
  fixed: Array<DiffEndpoint & { how: 'locked' | 'gone' }>;
  newFindings: DiffFinding[];
  resolvedFindings: DiffFinding[];
  /** Services in both runs whose patient, study or image counts changed. */
  changedCounts: ServiceChange[];
  /** New findings of severity critical: the gate of a scheduled job. */
  newCritical: number;
  /** The runs were given different targets or ports: "gone" may mean "not scanned". */
  scopeDiffers: boolean;
  honeypots: HoneypotChanges;
  /** Likely honeypots were compared as archives (--keep-honeypots): `honeypots` is empty. */
  honeypotsKept: boolean;
}

/** How many services the lists of a diff leave out as likely honeypots (in either run). */
export function honeypotsLeftOut(d: RunDiff): number {
  const h = d.honeypots;
  return h.appeared.length + h.gone.length + h.becameLikely.length + h.stillLikely;
}

/** How many services the honeypots' section names: those left out, and those no longer likely (compared as new). */
export function honeypotsNamed(d: RunDiff): number {
  return honeypotsLeftOut(d) + d.honeypots.noLongerLikely.length;
}

function key(s: ServiceReport): string {
  return `${s.ip}|${s.port}|${s.protocol}`;
}

function endpoint(s: ServiceReport): DiffEndpoint {
  return { ip: s.ip, port: s.port, protocol: s.protocol, ...(s.product ? { product: s.product } : {}) };
}

const isLikely = (s: ServiceReport | undefined): boolean => s?.honeypot?.level === 'likely';

function honeypotEndpoint(s: ServiceReport): DiffHoneypot {
  return { ...endpoint(s), ...(s.honeypot ? { honeypot: s.honeypot } : {}) };
}

/**
 * One address's services with the likely honeypots of either run taken out
 * and said in `changes`. A service likely in the second run takes its first-run
 * twin out with it; one likely in the first run only leaves its second-run
 * twin to be compared as new (the safe direction: an archive is never hidden).
 */
function setHoneypotsApart(before: readonly ServiceReport[], after: readonly ServiceReport[], changes: HoneypotChanges): [ServiceReport[], ServiceReport[]] {
  const later = new Map(after.map((s) => [key(s), s]));
  const earlier = new Map(before.map((s) => [key(s), s]));
  for (const s of after) {
    const old = earlier.get(key(s));
    if (isLikely(s)) {
      if (!old) changes.appeared.push(honeypotEndpoint(s));
      else if (isLikely(old)) changes.stillLikely += 1;
      else changes.becameLikely.push(honeypotEndpoint(s));
    } else if (isLikely(old)) changes.noLongerLikely.push(honeypotEndpoint(s));
  }
  for (const s of before) if (isLikely(s) && !later.has(key(s))) changes.gone.push(honeypotEndpoint(s));
  return [before.filter((s) => !isLikely(s) && !isLikely(later.get(key(s)))), after.filter((s) => !isLikely(s))];
}

function change(a: ServiceReport['patients'], b: ServiceReport['patients']): CountChange | undefined {
  if (a?.n === b?.n) return undefined;
  const c: CountChange = {};
  if (a) c.from = a.n;
  if (b) c.to = b.n;
  return c;
}

function findingsOf(s: ServiceReport): DiffFinding[] {
  return s.findings.map((f) => ({ ...endpoint(s), ruleId: f.ruleId, severity: f.severity, title: f.title }));
}

const bySeverity = (a: DiffFinding, b: DiffFinding): number => severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId);

/** One run as the diff reads it: what it was asked to scan, and its services in report order. */
export interface DiffSide {
  readonly run: Pick<ReportRun, 'id' | 'startedAt' | 'targets' | 'ports'>;
  readonly services: Iterable<ServiceReport> | AsyncIterable<ServiceReport>;
}

/** The services of one address (one report-order key), as a run lists them. */
interface HostGroup {
  readonly key: string;
  readonly services: ServiceReport[];
}

/**
 * Cuts a report-order stream into one group per address. Services of one
 * address are adjacent in report order; a stream that goes back is refused,
 * since the merge join would silently miss its matches.
 */
async function* hostGroups(services: DiffSide['services'], which: string): AsyncGenerator<HostGroup> {
  let group: HostGroup | undefined;
  for await (const s of services) {
    const key = ipSortKey(s.ip);
    if (group && key === group.key) {
      group.services.push(s);
      continue;
    }
    if (group) {
      if (key < group.key) throw new Error(`the services of ${which} are not in report order: ${s.ip} comes after ${group.services[0]!.ip}`);
      yield group;
    }
    group = { key, services: [s] };
  }
  if (group) yield group;
}

/**
 * One address in both runs (either list may be empty): what the whole-run
 * comparison did, on a host's services only. Lists are appended to in the
 * order of the runs, so the diff reads as it did when it held both runs.
 */
function diffHost(first: readonly ServiceReport[], second: readonly ServiceReport[], diff: RunDiff): void {
  const [before, after] = diff.honeypotsKept ? [first, second] : setHoneypotsApart(first, second, diff.honeypots);
  const was = new Map(before.map((s) => [key(s), s]));
  const now = new Map(after.map((s) => [key(s), s]));
  for (const [k, s] of now) {
    const old = was.get(k);
    if (!old) diff.newServices.push(endpoint(s));
    if (s.exposed && !old?.exposed) diff.newExposures.push(endpoint(s));
    const had = new Set(old?.findings.map((f) => f.ruleId) ?? []);
    diff.newFindings.push(...findingsOf(s).filter((f) => !had.has(f.ruleId)));
    if (old) {
      const c: ServiceChange = endpoint(s);
      const p = change(old.patients, s.patients);
      const st = change(old.studies, s.studies);
      const i = change(old.images, s.images);
      if (p) c.patients = p;
      if (st) c.studies = st;
      if (i) c.images = i;
      if (p || st || i) diff.changedCounts.push(c);
    }
  }
  for (const [k, s] of was) {
    const later = now.get(k);
    if (!later) diff.goneServices.push(endpoint(s));
    if (s.exposed && !later?.exposed) diff.fixed.push({ ...endpoint(s), how: later ? 'locked' : 'gone' });
    const has = new Set(later?.findings.map((f) => f.ruleId) ?? []);
    diff.resolvedFindings.push(...findingsOf(s).filter((f) => !has.has(f.ruleId)));
  }
}

export interface DiffOptions {
  /** Compare likely honeypots as archives (--keep-honeypots). */
  readonly keepHoneypots?: boolean;
}

/** A diff with nothing in it yet: what the comparison fills, and what a run compared with itself gives. */
export function emptyDiff(from: RunDiff['from'], to: RunDiff['to'], scopeDiffers: boolean, honeypotsKept: boolean): RunDiff {
  return {
    schema: DIFF_SCHEMA,
    from,
    to,
    newServices: [],
    goneServices: [],
    newExposures: [],
    fixed: [],
    newFindings: [],
    resolvedFindings: [],
    changedCounts: [],
    newCritical: 0,
    scopeDiffers,
    honeypots: { appeared: [], gone: [], becameLikely: [], noLongerLikely: [], stillLikely: 0 },
    honeypotsKept,
  };
}

/** What changed from run `a` to run `b`; each side's services must come in report order. */
export async function diffRuns(a: DiffSide, b: DiffSide, options: DiffOptions = {}): Promise<RunDiff> {
  const diff = emptyDiff(
    { run: a.run.id, startedAt: a.run.startedAt },
    { run: b.run.id, startedAt: b.run.startedAt },
    JSON.stringify([a.run.targets, a.run.ports]) !== JSON.stringify([b.run.targets, b.run.ports]),
    options.keepHoneypots === true,
  );
  const before = hostGroups(a.services, `run ${a.run.id}`);
  const after = hostGroups(b.services, `run ${b.run.id}`);
  let x = await before.next();
  let y = await after.next();
  for (;;) {
    const was = x.done ? undefined : x.value;
    const now = y.done ? undefined : y.value;
    if (!was && !now) break;
    // The lower address goes first; an address in both runs is compared with itself.
    const takeBefore = was !== undefined && (now === undefined || was.key <= now.key);
    const takeAfter = now !== undefined && (was === undefined || now.key <= was.key);
    diffHost(takeBefore ? was.services : [], takeAfter ? now.services : [], diff);
    if (takeBefore) x = await before.next();
    if (takeAfter) y = await after.next();
  }
  // Stable sorts: findings of one severity and rule keep the runs' report order.
  diff.newFindings.sort(bySeverity);
  diff.resolvedFindings.sort(bySeverity);
  diff.newCritical = diff.newFindings.filter((f) => f.severity === 'critical').length;
  return diff;
}
