/**
 * From flags to a plan: the work source, what is excluded, the scope the
 * dialer enforces — all decided, and the guard passed, before a packet leaves.
 */
import { isAuthorisedAddress, checkSpaceAuthorised, spacePolicy, OutOfScopeError } from '../scope/guard.ts';
import { isExcluded, mergeLists, NO_EXCLUSIONS, readRangeLines, type ExclusionList } from '../scope/exclusions.ts';
import { permutationFor, WHOLE, type Shard } from '../scope/permutation.ts';
import { readResultFile, type ResultFormat } from '../scope/result-files.ts';
import { TargetSpaceBuilder, type ResolvedName, type Resolver } from '../scope/space.ts';
import type { ScopePolicy } from '../scope/policy.ts';
import { addTargetArgs } from '../scope/target-args.ts';
import { fileSource, spaceSource, type WorkSource } from '../scan/sources.ts';
import { UsageError } from './errors.ts';

export interface PlanFlags {
  from?: string;
  fromFormat: ResultFormat | 'auto';
  exclude: string[];
  allowList?: string;
  defaultExclusions: boolean;
  seed: number;
  shard: Shard;
}

export interface ScanPlan {
  readonly source: WorkSource;
  readonly excluded: number;
  readonly scope: ScopePolicy;
  /** Hostnames as resolved at start: recorded in the run, reused on resume. */
  readonly resolved: readonly ResolvedName[];
  readonly notes: string[];
}

function lists(flags: PlanFlags): { exclude: ExclusionList; allow: ExclusionList } {
  const exclude = mergeLists(flags.exclude.map((f) => readRangeLines(f, '--exclude')));
  const allow = flags.allowList ? readRangeLines(flags.allowList, '--allow-list') : NO_EXCLUSIONS;
  return { exclude, allow };
}

export async function planScan(targetArgs: readonly string[], flags: PlanFlags, resolve?: Resolver): Promise<ScanPlan> {
  if (flags.from !== undefined && targetArgs.length > 0) {
    throw new UsageError('give either target specs or --from FILE, not both (a result file already names its targets)');
  }
  if (flags.from === undefined && targetArgs.length === 0) throw new UsageError('no targets given: name addresses, ranges, CIDR blocks, hostnames or @FILE, or --from a ZMap/masscan result file');
  const { exclude, allow } = lists(flags);
  if (flags.from !== undefined) return planFile(flags.from, flags, exclude, allow);
  const builder = new TargetSpaceBuilder({ exclude, defaultExclusions: flags.defaultExclusions, ...(resolve ? { resolve } : {}) });
  addTargetArgs(targetArgs, builder);
  const space = await builder.build();
  if (space.size === 0) throw new UsageError(`every target is excluded (${space.excluded} addresses): nothing to scan`);
  // Refused before a single packet leaves.
  checkSpaceAuthorised(space, allow);
  const params = permutationFor(space.size, flags.seed);
  return { source: spaceSource(space, params, flags.shard), excluded: space.excluded, scope: spacePolicy(space), resolved: space.resolved, notes: [] };
}

/** A validating pre-pass streams the file once: syntax, guard and counts, in constant memory. */
async function planFile(path: string, flags: PlanFlags, exclude: ExclusionList, allow: ExclusionList): Promise<ScanPlan> {
  let mine = 0;
  let excluded = 0;
  const shard = flags.shard ?? WHOLE;
  const accept = (ip: string): boolean => !isExcluded(ip, exclude, flags.defaultExclusions);
  for await (const e of readResultFile(path, flags.fromFormat)) {
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
  if (excluded > 0 && flags.defaultExclusions) {
    notes.push(`${excluded} entries of ${path} fall in excluded ranges (the IANA special-purpose ranges apply in full to a result file); if they are yours to scan, pass --no-default-exclusions`);
  }
  const source = fileSource({ path, format: flags.fromFormat, shard, entries: mine - excluded, accept });
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
