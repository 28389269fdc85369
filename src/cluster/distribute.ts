/**
 * `exposure scan … --distribute`: the run is planned as any scan is (the
 * guard passes before anything is recorded), recorded with its parameters and
 * the digests of the files they name, and its order cut into blocks of steps
 * for workers to claim. Nothing is probed here.
 */
import { permutationFor, shardLength, WHOLE } from '../scope/permutation.ts';
import type { ScanPlan } from '../scan/plan.ts';
import type { RunParameters } from '../scan/run-parameters.ts';
import type { RunMeta } from '../store/index.ts';
import { enqueueBlocks } from '../store/postgres/queue.ts';
import { ClusterError } from './errors.ts';
import type { QueueStore } from './queue-store.ts';
import { fileDigests } from './run-files.ts';

/** The key of a distributed run's meta options: block size, blocks, steps, and the digests of its files. */
export const DISTRIBUTED_KEY = 'distributed';

/** Steps per block unless asked otherwise: a lost block costs little, claiming costs nothing next to probing. */
const DEFAULT_BLOCK_SIZE = 1000;
/** At most this many blocks a run: larger spaces get larger blocks. */
const MAX_BLOCKS = 65_536;

export interface Distribution {
  readonly blockSize: number;
  readonly blocks: number;
  readonly steps: number;
  readonly files: Record<string, string>;
}

export interface DistributedRun extends Distribution {
  readonly runId: number;
  readonly targets: number;
}

export async function distributeRun(store: QueueStore, params: RunParameters, plan: ScanPlan, meta: RunMeta, requestedBlockSize = DEFAULT_BLOCK_SIZE): Promise<DistributedRun> {
  if (params.targets.kind !== 'specs') {
    throw new ClusterError('NOT_DISTRIBUTABLE', '--distribute takes target specs, not --from: a result file would have to travel with the run to every worker');
  }
  if (params.shard.count !== 1) throw new ClusterError('NOT_DISTRIBUTABLE', '--distribute cuts the whole order into blocks itself: leave out --shard');
  const targets = plan.source.total;
  if (targets === undefined || targets < 1) throw new ClusterError('NOT_DISTRIBUTABLE', 'nothing to distribute: the targets are empty');
  const steps = shardLength(permutationFor(targets, params.seed), WHOLE);
  const blockSize = Math.max(requestedBlockSize, Math.ceil(steps / MAX_BLOCKS));
  let files: Record<string, string>;
  try {
    files = fileDigests(params);
  } catch (err) {
    throw new ClusterError('NOT_DISTRIBUTABLE', (err as Error).message);
  }
  const distribution: Distribution = { blockSize, blocks: Math.ceil(steps / blockSize), steps, files };
  const runId = await store.startRun({ ...meta, options: { ...meta.options, [DISTRIBUTED_KEY]: distribution } });
  try {
    await store.inTransaction(async (tx) => enqueueBlocks(tx, runId, steps, blockSize));
  } catch (err) {
    await store.finishRun(runId, { targetsTotal: targets, hostsDone: 0, openPorts: 0, excluded: plan.excluded, status: 'failed' });
    throw err;
  }
  return { runId, targets, ...distribution };
}
