/**
 * Which runs belong together. A watch records its scope's name in each run's
 * options; a verification records the finding it rescans and the scope of the
 * finding's run; a plain scan belongs with the other runs of the same targets
 * and ports. From that: a scope's runs, the one a new run is compared with,
 * the runs a finding's lifecycle reads, and the runs a retention removes.
 */
import { z } from 'zod';
import { ProtocolId } from '../observation/observation.ts';
import type { RunRow, ScopeRun } from './store.ts';

/** The key of a run's options that names its watch scope. */
export const SCOPE_KEY = 'scope';
/** The key of a run's options that says which finding it verified. */
export const VERIFIES_KEY = 'verifies';

export const Verifies = z.object({
  /** The finding row rescanned, and its identity. */
  finding: z.number().int().positive(),
  ruleId: z.string(),
  ip: z.string(),
  port: z.number().int().min(1).max(65535),
  protocol: ProtocolId,
  /** The run the finding was seen in, whose parameters the rescan used. */
  run: z.number().int().positive(),
  /** The scope of that run (scopeKeyOf): the verification is one of its runs. */
  scope: z.string(),
});
export type Verifies = z.infer<typeof Verifies>;

/** What a verification run recorded; undefined for any other run. */
export function verifiesOf(run: RunRow): Verifies | undefined {
  const parsed = Verifies.safeParse(run.meta.options[VERIFIES_KEY]);
  return parsed.success ? parsed.data : undefined;
}

/** The scope of runs a watch scope's name gives. */
export function namedScope(name: string): string {
  return `scope ${name}`;
}

/** Which scope a run belongs to: its watch scope, the scope of the finding it verified, or its targets and ports. */
export function scopeKeyOf(run: RunRow): string {
  const verifies = verifiesOf(run);
  if (verifies) return verifies.scope;
  const name = run.meta.options[SCOPE_KEY];
  if (typeof name === 'string') return namedScope(name);
  // Ports in any order and repeated are the same ports.
  return `targets ${run.meta.targets.join(' ')} ports ${[...new Set(run.meta.ports)].sort((a, b) => a - b).join(',')}`;
}

/** A scope's runs, oldest first. */
export function runsOfScope(runs: readonly RunRow[], scope: string): RunRow[] {
  return runs.filter((r) => scopeKeyOf(r) === scope).sort((a, b) => a.id - b.id);
}

/** The runs a lifecycle reads: completed ones (a cut-short run saw too little), a verification as the one endpoint it scanned. */
export function lifecycleRuns(scopeRuns: readonly RunRow[]): ScopeRun[] {
  return scopeRuns
    .filter((r) => r.status === 'completed')
    .map((r) => {
      const v = verifiesOf(r);
      return v ? { id: r.id, endpoint: { ip: v.ip, port: v.port } } : { id: r.id };
    });
}

/** The run a new run of the scope is compared with: the latest completed whole-scope run before it. */
export function previousRun(scopeRuns: readonly RunRow[], before: number): RunRow | undefined {
  return scopeRuns.filter((r) => r.id < before && r.status === 'completed' && !verifiesOf(r)).at(-1);
}

/**
 * Runs a retention of `keep` removes from a scope: completed whole-scope runs
 * beyond the newest `keep`, and every other run (cut short, or a
 * verification) older than the oldest one kept. Nothing newer than that is
 * touched: a run still going is always newer.
 */
export function runsToPrune(scopeRuns: readonly RunRow[], keep: number): number[] {
  const whole = scopeRuns.filter((r) => r.status === 'completed' && !verifiesOf(r)).sort((a, b) => b.id - a.id);
  if (whole.length <= Math.max(1, keep)) return [];
  const oldestKept = whole[Math.max(1, keep) - 1]!.id;
  return scopeRuns.filter((r) => r.id < oldestKept).map((r) => r.id).sort((a, b) => a - b);
}
