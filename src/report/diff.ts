/**
 * Differences between two runs, service by service (address, port,
 * protocol): what became exposed, what was fixed, which findings appeared or
 * went away, and how the counts moved. Pure, over two report models.
 */
import { severityRank, type Severity } from '../observation/finding.ts';
import type { ReportModel, ServiceReport } from './model.ts';

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
}

function key(s: ServiceReport): string {
  return `${s.ip}|${s.port}|${s.protocol}`;
}

function endpoint(s: ServiceReport): DiffEndpoint {
  return { ip: s.ip, port: s.port, protocol: s.protocol, ...(s.product ? { product: s.product } : {}) };
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

export function diffRuns(a: ReportModel, b: ReportModel): RunDiff {
  const before = new Map(a.services.map((s) => [key(s), s]));
  const after = new Map(b.services.map((s) => [key(s), s]));
  const diff: RunDiff = {
    schema: DIFF_SCHEMA,
    from: { run: a.run.id, startedAt: a.run.startedAt },
    to: { run: b.run.id, startedAt: b.run.startedAt },
    newServices: [],
    goneServices: [],
    newExposures: [],
    fixed: [],
    newFindings: [],
    resolvedFindings: [],
    changedCounts: [],
    newCritical: 0,
    scopeDiffers:
      JSON.stringify([a.run.targets, a.run.ports]) !== JSON.stringify([b.run.targets, b.run.ports]),
  };
  for (const [k, s] of after) {
    const old = before.get(k);
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
  for (const [k, s] of before) {
    const now = after.get(k);
    if (!now) diff.goneServices.push(endpoint(s));
    if (s.exposed && !now?.exposed) diff.fixed.push({ ...endpoint(s), how: now ? 'locked' : 'gone' });
    const has = new Set(now?.findings.map((f) => f.ruleId) ?? []);
    diff.resolvedFindings.push(...findingsOf(s).filter((f) => !has.has(f.ruleId)));
  }
  diff.newFindings.sort(bySeverity);
  diff.resolvedFindings.sort(bySeverity);
  diff.newCritical = diff.newFindings.filter((f) => f.severity === 'critical').length;
  return diff;
}
