/**
 * A scope's runs (a nightly job's) line up in a timeline and are diffed with
 * the one before; which runs belong together is the store's rule
 * (store/scope-runs.ts), the same the watch and the lifecycle follow.
 */
import { previousRun, runsOfScope, scopeKeyOf, type RunRow } from '../store/index.ts';

/** Runs of the same scope as `run` (store/scope-runs.ts: a watch scope, a verification's, or its targets and ports), oldest first. */
export function runsOfRunScope(runs: readonly RunRow[], run: RunRow): RunRow[] {
  return runsOfScope(runs, scopeKeyOf(run));
}

/** The run `run` is compared with: the latest completed whole-scope run before it; undefined for the first. */
export function previousOfScope(runs: readonly RunRow[], run: RunRow): RunRow | undefined {
  return previousRun(runsOfRunScope(runs, run), run.id);
}

/** "127.0.0.2, 10.0.0.0/24 · ports 104, 4242", cut to a length a table cell holds. */
export function scopeText(run: Pick<RunRow, 'meta'>, max = 120): string {
  const targets = run.meta.targets.join(', ');
  return `${targets.length > max ? `${targets.slice(0, max - 1)}…` : targets} · ports ${run.meta.ports.join(', ')}`;
}
