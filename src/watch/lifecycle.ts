/**
 * A scope's findings over time: each identity (rule, address, port, protocol)
 * with when it was first and last seen, and whether it is open, fixed (a
 * later run of the scope looked at its endpoint and did not find it) or
 * reopened (seen again after such a run). The store computes the runs
 * (findingLifecycles); this names the status and dates them. A finding whose
 * latest sighting is on a likely honeypot is left out unless kept, as the
 * study's tables, diff and alerts do (docs/decisions/0027-honeypots-told-apart.md).
 */
import { isIP } from 'node:net';
import { endpointText } from '../report/format.ts';
import type { FindingLifecycleRow, FindingRef, RunRow, StoreReader } from '../store/index.ts';
import type { EndpointFinding } from './alert.ts';
import { WatchError } from './errors.ts';
import { lifecycleRuns, namedScope, runsOfScope, scopeKeyOf, verifiesOf } from '../store/scope-runs.ts';

export const FINDINGS_SCHEMA = 'exposure-findings/1';

export type LifecycleStatus = 'open' | 'fixed' | 'reopened';

export interface Sighting {
  run: number;
  at: string;
}

export interface FindingLifecycle extends EndpointFinding {
  /** The finding row of its latest sighting: `exposure verify ID`. */
  id: number;
  /** RULE@ADDRESS:PORT: `exposure verify` takes this too. */
  key: string;
  status: LifecycleStatus;
  firstSeen: Sighting;
  lastSeen: Sighting;
  fixed?: Sighting;
  reopened?: Sighting;
  runsSeen: number;
  /** Its latest sighting's service is a likely honeypot: only ever present (true) when they are kept. */
  likelyHoneypot?: true;
}

export interface ScopeLifecycle {
  schema: typeof FINDINGS_SCHEMA;
  scope: string;
  /** The completed runs read, oldest first. */
  runs: number[];
  findings: FindingLifecycle[];
  /** Findings on likely honeypots are listed (--keep-honeypots), each marked. */
  honeypotsKept: boolean;
  /** Findings whose latest sighting is on a likely honeypot, left out of `findings` (0 when kept). */
  likelyHoneypotsLeftOut: number;
}

export interface LifecycleOptions {
  /** List findings on likely honeypots as archives' (marked); by default they are left out and counted. */
  keepHoneypots?: boolean;
}

function statusOf(row: Pick<FindingLifecycleRow, 'fixedRun' | 'reopenedRun'>): LifecycleStatus {
  if (row.fixedRun !== undefined) return 'fixed';
  return row.reopenedRun !== undefined ? 'reopened' : 'open';
}

/** "EXP-DICOM-001@10.0.0.5:104", "EXP-DICOM-001@[2001:db8::5]:104". */
export function findingKey(ruleId: string, ip: string, port: number): string {
  return `${ruleId}@${endpointText(ip, port)}`;
}

/** A finding id, or RULE@ADDRESS:PORT (an IPv6 address in brackets). */
export function parseFindingRef(text: string): FindingRef {
  const t = text.trim();
  if (/^\d+$/.test(t) && Number.isSafeInteger(Number(t)) && Number(t) > 0) return { id: Number(t) };
  const m = /^(EXP-[A-Z]+-\d{3})@(?:\[([0-9A-Fa-f:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(t);
  const ip = m?.[2] ?? m?.[3];
  const port = Number(m?.[4]);
  if (!m || ip === undefined || isIP(ip) === 0 || port < 1 || port > 65535) {
    throw new WatchError('FINDING_REF', `"${text}" is not a finding: give its id (exposure findings lists them) or RULE@ADDRESS:PORT, e.g. EXP-DICOM-001@10.0.0.5:104`);
  }
  return { ruleId: m[1] as string, ip: ip.toLowerCase(), port };
}

/** The scope a `findings` command reads: the named watch scope, or the scope of the store's latest run that is not a verification. */
export function chooseScope(runs: readonly RunRow[], name: string | undefined, where: string): string {
  if (name !== undefined) {
    const key = namedScope(name);
    if (!runs.some((r) => scopeKeyOf(r) === key)) throw new WatchError('UNKNOWN_SCOPE', `${where} has no run of a scope named "${name}"`);
    return key;
  }
  const latest = [...runs].reverse().find((r) => !verifiesOf(r));
  if (!latest) throw new WatchError('UNKNOWN_SCOPE', `${where} holds no run yet`);
  return scopeKeyOf(latest);
}

/** The lifecycle of every finding of a scope's completed runs, most severe first. */
export async function scopeLifecycle(store: StoreReader, scope: string, options: LifecycleOptions = {}): Promise<ScopeLifecycle> {
  const keep = options.keepHoneypots === true;
  const runs = runsOfScope(await store.runs(), scope);
  const scopeRuns = lifecycleRuns(runs);
  const startedAt = new Map(runs.map((r) => [r.id, r.startedAt]));
  const sighting = (run: number): Sighting => ({ run, at: startedAt.get(run) ?? '' });
  const all = await store.findingLifecycles(scopeRuns);
  const rows = keep ? all : all.filter((r) => !r.likelyHoneypot);
  return {
    schema: FINDINGS_SCHEMA,
    scope,
    runs: scopeRuns.map((r) => r.id),
    honeypotsKept: keep,
    likelyHoneypotsLeftOut: all.length - rows.length,
    findings: rows.map((r) => ({
      id: r.findingId,
      key: findingKey(r.ruleId, r.ip, r.port),
      ruleId: r.ruleId,
      title: r.title,
      severity: r.severity,
      ip: r.ip,
      port: r.port,
      protocol: r.protocol,
      status: statusOf(r),
      firstSeen: sighting(r.firstRun),
      lastSeen: sighting(r.lastRun),
      ...(r.fixedRun !== undefined ? { fixed: sighting(r.fixedRun) } : {}),
      ...(r.reopenedRun !== undefined ? { reopened: sighting(r.reopenedRun) } : {}),
      runsSeen: r.runsSeen,
      ...(r.likelyHoneypot ? { likelyHoneypot: true as const } : {}),
    })),
  };
}
