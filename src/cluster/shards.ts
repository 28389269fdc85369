/**
 * Which runs may be merged: shards cut from one run (`scan --shard I/N` with
 * the same seed, targets, ports, probes and options), each index once. What
 * is missing (indexes never given, shards whose run did not complete) is a
 * gap, reported and recorded, not a refusal: a partial merge is still worth
 * reading, and the missing shards can be merged in later from the shards.
 */
import type { RunParameters } from '../scan/run-parameters.ts';
import { sameJsonValue } from '../store/conforms.ts';
import type { RunRow, RunStatus } from '../store/index.ts';
import { MergeError } from './errors.ts';

/** One shard as read from its store: where it is, its run, and that run's recorded parameters. */
export interface ShardRun {
  /** The file (or database) it was read from, as the user named it. */
  readonly where: string;
  readonly run: RunRow;
  readonly parameters: RunParameters;
}

export interface ShardGaps {
  /** Shard indexes of the order (0-based) that no file gave. */
  readonly missing: number[];
  /** Shards whose run is not completed: killed, interrupted or failed part-way. */
  readonly unfinished: Array<{ where: string; runId: number; shard: number; status: RunStatus }>;
}

/** "2/3": how the user wrote the shard (--shard is 1-based). */
export function shardLabel(shard: { index: number; count: number }): string {
  return `${shard.index + 1}/${shard.count}`;
}

/**
 * What must be equal for two shards to be parts of one run: everything but
 * the shard's index, and the pace (hosts at once, rate, per-host limit,
 * retries), which is each machine's share of the load, not what is scanned.
 */
function identity(p: RunParameters): Record<string, unknown> {
  const { pace: _pace, shard, ...rest } = p;
  return { ...rest, shard: { count: shard.count } };
}

/** Top-level parameter names whose values differ (names only: a value could be a long target list). */
export function differingParameters(a: RunParameters, b: RunParameters): string[] {
  const x = identity(a);
  const y = identity(b);
  const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
  return keys.filter((k) => !sameJsonValue(x[k], y[k]));
}

/** "seed", "ports and targets", "limits, ports and seed". */
function listed(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function describe(s: ShardRun): string {
  return `${s.where} (run ${s.run.id}, shard ${shardLabel(s.parameters.shard)})`;
}

/**
 * Refuses shards of different runs and two shards with one index; returns
 * the shards in index order (the order they are merged in: on an address
 * found in two shards, the lower index is kept) and the gaps.
 */
export function checkShards<S extends ShardRun>(shards: readonly S[]): { ordered: S[]; gaps: ShardGaps } {
  const [first] = shards;
  if (first === undefined) throw new RangeError('checkShards needs at least one shard');
  for (const s of shards.slice(1)) {
    const differ = differingParameters(first.parameters, s.parameters);
    if (differ.length > 0) {
      throw new MergeError('DIFFERENT_RUNS', `${describe(s)} is not a shard of the same run as ${describe(first)}: their ${listed(differ)} ${differ.length === 1 ? 'differs' : 'differ'}`);
    }
  }
  const byIndex = new Map<number, S>();
  for (const s of shards) {
    const other = byIndex.get(s.parameters.shard.index);
    if (other !== undefined) throw new MergeError('SAME_SHARD', `${other.where} (run ${other.run.id}) and ${s.where} (run ${s.run.id}) are both shard ${shardLabel(s.parameters.shard)}: give each shard once`);
    byIndex.set(s.parameters.shard.index, s);
  }
  const ordered = [...shards].sort((a, b) => a.parameters.shard.index - b.parameters.shard.index);
  const count = first.parameters.shard.count;
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  const unfinished = ordered
    .filter((s) => s.run.status !== 'completed')
    .map((s) => ({ where: s.where, runId: s.run.id, shard: s.parameters.shard.index, status: s.run.status }));
  return { ordered, gaps: { missing, unfinished } };
}
