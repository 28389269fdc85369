/**
 * From a run's parameters to its plan: the work source, what is excluded, the
 * scope the dialer enforces — all decided, and the guard passed, before a
 * packet leaves. A resumed run (or a worker) plans again from the recorded
 * parameters and gets the same order.
 */
import { isAuthorisedAddress, checkSpaceAuthorised, spacePolicy, OutOfScopeError } from '../scope/guard.ts';
import { isExcluded, mergeLists, NO_EXCLUSIONS, readRangeLines, type ExclusionList } from '../scope/exclusions.ts';
import { permutationFor } from '../scope/permutation.ts';
import { readResultFile, type ResultFormat } from '../scope/result-files.ts';
import { TargetSpaceBuilder, type ResolvedName, type Resolver } from '../scope/space.ts';
import type { ScopePolicy } from '../scope/policy.ts';
import { addTargetArgs } from '../scope/target-args.ts';
import { ScanError } from './errors.ts';
import type { RunParameters } from './run-parameters.ts';
import { fileSource, spaceSource, type WorkSource } from './sources.ts';

/** The parameters a plan depends on. */
export type PlanParameters = Pick<RunParameters, 'targets' | 'exclude' | 'allowList' | 'defaultExclusions' | 'seed' | 'shard'>;

export interface ScanPlan {
  readonly source: WorkSource;
  readonly excluded: number;
  readonly scope: ScopePolicy;
  /** Hostnames as resolved at start: recorded in the run, reused on resume. */
  readonly resolved: readonly ResolvedName[];
  readonly notes: string[];
}

function lists(p: PlanParameters): { exclude: ExclusionList; allow: ExclusionList } {
  const exclude = mergeLists(p.exclude.map((f) => readRangeLines(f, '--exclude')));
  const allow = p.allowList ? readRangeLines(p.allowList, '--allow-list') : NO_EXCLUSIONS;
  return { exclude, allow };
}

/** Hostnames answer as they did when the run started: the recorded addresses, nothing asked of DNS. */
function recordedResolver(resolved: readonly ResolvedName[]): Resolver {
  return async (name) => [...(resolved.find((r) => r.name === name)?.addresses ?? [])];
}

export async function planScan(p: PlanParameters): Promise<ScanPlan> {
  const { exclude, allow } = lists(p);
  const targets = p.targets;
  if (targets.kind === 'result-file') return planFile(targets.path, targets.format, p, exclude, allow);
  const resolve = targets.resolved ? recordedResolver(targets.resolved) : undefined;
  const builder = new TargetSpaceBuilder({ exclude, defaultExclusions: p.defaultExclusions, ...(resolve ? { resolve } : {}) });
  addTargetArgs(targets.specs, builder);
  const space = await builder.build();
  if (space.size === 0) throw new ScanError('NOTHING_TO_SCAN', `every target is excluded (${space.excluded} addresses): nothing to scan`);
  // Refused before a single packet leaves.
  checkSpaceAuthorised(space, allow);
  const params = permutationFor(space.size, p.seed);
  return { source: spaceSource(space, params, p.shard), excluded: space.excluded, scope: spacePolicy(space), resolved: space.resolved, notes: [] };
}

/** A validating pre-pass streams the file once: syntax, guard and counts, in constant memory. */
async function planFile(path: string, format: ResultFormat | 'auto', p: PlanParameters, exclude: ExclusionList, allow: ExclusionList): Promise<ScanPlan> {
  let mine = 0;
  let excluded = 0;
  const shard = p.shard;
  const accept = (ip: string): boolean => !isExcluded(ip, exclude, p.defaultExclusions);
  for await (const e of readResultFile(path, format)) {
    if (e.index % shard.count !== shard.index) continue;
    mine++;
    if (!accept(e.ip)) {
      excluded++;
      continue;
    }
    if (!isAuthorisedAddress(e.ip, allow)) {
      throw new OutOfScopeError(
        `refusing to scan ${e.ip} (entry ${e.index + 1} of ${path}): it is outside loopback and private space and no allow-list covers it: pass --allow-list FILE naming the ranges you are authorised to test`,
      );
    }
  }
  const notes: string[] = [];
  if (excluded > 0 && p.defaultExclusions) {
    notes.push(`${excluded} entries of ${path} fall in excluded ranges (the IANA special-purpose ranges apply in full to a result file); if they are yours to scan, pass --no-default-exclusions`);
  }
  const source = fileSource({ path, format, shard, entries: mine - excluded, accept });
  return {
    source,
    excluded,
    scope: {
      check: (ip) => (accept(ip) && isAuthorisedAddress(ip, allow) ? { allowed: true } : { allowed: false, reason: `${ip} is excluded or not authorised` }),
    },
    resolved: [],
    notes,
  };
}
