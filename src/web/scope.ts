/**
 * A scope is what a run was asked to scan: its targets and ports. Runs of the
 * same scope (a nightly job's) line up in a timeline and are diffed with the
 * one before.
 */
import type { RunRow } from '../store/index.ts';

export function scopeKey(run: Pick<RunRow, 'meta'>): string {
  return JSON.stringify([run.meta.targets, [...new Set(run.meta.ports)].sort((a, b) => a - b)]);
}

/** Runs of the same scope as `run`, oldest first, `run` among them. */
export function runsOfScope(runs: readonly RunRow[], run: RunRow): RunRow[] {
  const key = scopeKey(run);
  return runs.filter((r) => scopeKey(r) === key).sort((a, b) => a.id - b.id);
}

/** The run of the same scope just before `run`; undefined for the first. */
export function previousOfScope(runs: readonly RunRow[], run: RunRow): RunRow | undefined {
  return runsOfScope(runs, run).filter((r) => r.id < run.id).at(-1);
}

/** "127.0.0.2, 10.0.0.0/24 · ports 104, 4242", cut to a length a table cell holds. */
export function scopeText(run: Pick<RunRow, 'meta'>, max = 120): string {
  const targets = run.meta.targets.join(', ');
  const text = `${targets.length > max ? `${targets.slice(0, max - 1)}…` : targets} · ports ${run.meta.ports.join(', ')}`;
  return text;
}
