/**
 * The watch: each scope scanned when its schedule says (or every scope once,
 * for `--once`), one scope at a time; each run stored as any scan's, compared
 * with the scope's previous run, an alert sent when findings at or above the
 * alert severity appeared or went away, and the scope's runs beyond its
 * retention removed. Between runs the watch sleeps on one timer until the
 * next scope is due; the stop signal ends the sleep and the scan in flight
 * (stored as interrupted, never compared or alerted on).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Severity } from '../observation/finding.ts';
import type { KeptStore, RunRow } from '../store/index.ts';
import { alertFrom, type Alert } from './alert.ts';
import type { AlertChannel } from './channels.ts';
import { compareRuns } from './compare.ts';
import type { WatchConfig, WatchScope } from './config.ts';
import type { DeliveryReport } from './delivery.ts';
import { scanScope, type ScanHooks } from './rescan.ts';
import { dueAt, parseSchedule, type Schedule } from './schedule.ts';
import { namedScope, previousRun, runsOfScope, runsToPrune, verifiesOf } from '../store/scope-runs.ts';

/** What the watch did, as it does it: the command prints these, a dashboard may show them. */
export type WatchEvent =
  | { readonly kind: 'scanning'; readonly scope: string }
  | { readonly kind: 'stored'; readonly scope: string; readonly runId: number; readonly interrupted: boolean }
  | { readonly kind: 'assessed'; readonly scope: string; readonly runId: number; readonly likelyHoneypots: number }
  | { readonly kind: 'assess-failed'; readonly scope: string; readonly runId: number; readonly reason: string }
  | { readonly kind: 'compared'; readonly scope: string; readonly runId: number; readonly previousRunId: number | undefined; readonly newFindings: number; readonly fixedFindings: number }
  | { readonly kind: 'alerted'; readonly scope: string; readonly runId: number; readonly channel: string; readonly report: DeliveryReport }
  | { readonly kind: 'pruned'; readonly scope: string; readonly runIds: readonly number[] }
  | { readonly kind: 'waiting'; readonly scope: string; readonly until: Date }
  | { readonly kind: 'failed'; readonly scope: string; readonly error: Error };

export interface WatchDeps {
  readonly store: KeptStore;
  readonly channels: readonly AlertChannel[];
  readonly minSeverity: Severity;
  /** Compare and alert on likely honeypots as archives (the configuration's `keepHoneypots`); by default they are left out, and the alert says how many. */
  readonly keepHoneypots?: boolean;
  /** The stop signal, geo lookup and plan notes of every scan. */
  readonly hooks: ScanHooks;
  /**
   * What runs on each scope's run stored whole, before it is compared: the run-end honeypot
   * pass (cli/honeypots.ts), as `scan` runs it, so the alert's totals leave likely honeypots
   * out; resolves to how many. Its failure is an event: the run is compared as it is, and
   * `exposure report` assesses it later.
   */
  readonly runStored?: (runId: number) => Promise<number>;
  readonly onEvent?: (e: WatchEvent) => void;
  /** Tests pass a clock and a sleep of their own. */
  readonly now?: () => Date;
  readonly wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface ScopeOutcome {
  readonly scope: string;
  readonly runId?: number;
  readonly interrupted?: boolean;
  readonly alert?: Alert;
  readonly deliveries: readonly DeliveryReport[];
  readonly pruned: readonly number[];
  readonly error?: Error;
}

/** One run of one scope, compared, alerted on and pruned. */
async function runScope(scope: WatchScope, deps: WatchDeps): Promise<ScopeOutcome> {
  const { store } = deps;
  const emit = deps.onEvent ?? (() => undefined);
  emit({ kind: 'scanning', scope: scope.name });
  const outcome = await scanScope(store, scope, deps.hooks);
  emit({ kind: 'stored', scope: scope.name, runId: outcome.runId, interrupted: outcome.interrupted });
  if (outcome.interrupted) return { scope: scope.name, runId: outcome.runId, interrupted: true, deliveries: [], pruned: [] };
  if (deps.runStored) {
    try {
      emit({ kind: 'assessed', scope: scope.name, runId: outcome.runId, likelyHoneypots: await deps.runStored(outcome.runId) });
    } catch (err) {
      emit({ kind: 'assess-failed', scope: scope.name, runId: outcome.runId, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  const key = namedScope(scope.name);
  const current = (await store.run(outcome.runId)) as RunRow;
  // The scope's runs, read once: comparing and alerting add none, so the retention reads the same list.
  const scopeRuns = runsOfScope(await store.runs(), key);
  const previous = previousRun(scopeRuns, current.id);
  const keepHoneypots = deps.keepHoneypots === true;
  const { diff, remediation } = await compareRuns(store, previous, current, { keepHoneypots });
  const alert = alertFrom({
    scope: scope.name,
    run: { id: current.id, startedAt: current.startedAt },
    previousRun: previous && { id: previous.id, startedAt: previous.startedAt },
    diff,
    remediation,
    totals: await store.runTotals(current.id, { keepHoneypots }),
    minSeverity: deps.minSeverity,
  });
  emit({ kind: 'compared', scope: scope.name, runId: current.id, previousRunId: previous?.id, newFindings: alert?.counts.newFindings ?? 0, fixedFindings: alert?.counts.fixedFindings ?? 0 });
  const deliveries: DeliveryReport[] = [];
  if (alert) {
    // One channel after the other: each is bounded (delivery.ts), and an alert is a handful of requests.
    for (const channel of deps.channels) {
      const report = await channel.send(alert, deps.hooks.signal);
      deliveries.push(report);
      emit({ kind: 'alerted', scope: scope.name, runId: current.id, channel: channel.label, report });
    }
  }
  const pruned = runsToPrune(scopeRuns, scope.keepRuns);
  for (const id of pruned) await store.deleteRun(id);
  if (pruned.length > 0) emit({ kind: 'pruned', scope: scope.name, runIds: pruned });
  return { scope: scope.name, runId: current.id, interrupted: false, ...(alert ? { alert } : {}), deliveries, pruned };
}

/** A scope's failure is reported and the watch goes on with the others. */
async function runSafely(scope: WatchScope, deps: WatchDeps): Promise<ScopeOutcome> {
  try {
    return await runScope(scope, deps);
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    deps.onEvent?.({ kind: 'failed', scope: scope.name, error });
    return { scope: scope.name, deliveries: [], pruned: [], error };
  }
}

/**
 * When the scope was last started: its last whole-scope run (any status), or
 * this process's last attempt if later: a scope failing before its run is
 * stored (a target list gone missing) waits for its next time like any other.
 */
function lastStarted(runs: readonly RunRow[], scope: WatchScope, attempted: Date | undefined): Date | undefined {
  const last = runsOfScope(runs, namedScope(scope.name)).filter((r) => !verifiesOf(r)).at(-1);
  const stored = last ? new Date(last.startedAt) : undefined;
  if (stored === undefined || (attempted !== undefined && attempted > stored)) return attempted;
  return stored;
}

export interface DuePlan {
  /** Scopes due now, in the configuration's order. */
  readonly ready: readonly WatchScope[];
  /** When the next scope is due, if none is now. */
  readonly next?: { readonly scope: string; readonly at: Date };
}

/** Which scopes are due at `now`, or when the first one will be; `attempted` holds when this process last started each. */
export function dueScopes(
  scopes: readonly WatchScope[],
  schedules: ReadonlyMap<string, Schedule>,
  runs: readonly RunRow[],
  attempted: ReadonlyMap<string, Date>,
  now: Date,
): DuePlan {
  const due = scopes.map((s) => ({ scope: s, at: dueAt(schedules.get(s.name) as Schedule, lastStarted(runs, s, attempted.get(s.name)), now) }));
  const ready = due.filter((d) => d.at !== undefined && d.at.getTime() <= now.getTime()).map((d) => d.scope);
  if (ready.length > 0) return { ready };
  const later = due.filter((d): d is { scope: WatchScope; at: Date } => d.at !== undefined).sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  return { ready: [], ...(later ? { next: { scope: later.scope.name, at: later.at } } : {}) };
}

/** A timer holds at most ~24.8 days; a longer wait is taken a day at a time. */
const LONGEST_SLEEP_MS = 86_400_000;

async function defaultWait(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}

/**
 * Runs the watch: every scope once and back (`once`), or each when due until
 * the stop signal. The outcomes of every run made are returned.
 */
export async function watchScopes(config: WatchConfig, deps: WatchDeps, options: { readonly once: boolean }): Promise<ScopeOutcome[]> {
  const signal = deps.hooks.signal;
  const outcomes: ScopeOutcome[] = [];
  if (options.once) {
    for (const scope of config.scopes) {
      if (signal.aborted) break;
      outcomes.push(await runSafely(scope, deps));
    }
    return outcomes;
  }
  const schedules = new Map(config.scopes.map((s) => [s.name, parseSchedule(s.schedule, config.timezone)]));
  const now = deps.now ?? (() => new Date());
  const wait = deps.wait ?? defaultWait;
  const attempted = new Map<string, Date>();
  while (!signal.aborted) {
    const plan = dueScopes(config.scopes, schedules, await deps.store.runs(), attempted, now());
    for (const scope of plan.ready) {
      if (signal.aborted) break;
      attempted.set(scope.name, now());
      outcomes.push(await runSafely(scope, deps));
    }
    if (plan.ready.length > 0 || signal.aborted) continue;
    // Validation refused schedules that never fire: there is always a next time.
    if (!plan.next) break;
    deps.onEvent?.({ kind: 'waiting', scope: plan.next.scope, until: plan.next.at });
    await wait(Math.min(Math.max(0, plan.next.at.getTime() - now().getTime()), LONGEST_SLEEP_MS), signal);
  }
  return outcomes;
}
