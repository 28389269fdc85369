/**
 * `exposure scan TARGETS --db postgres://… --distribute`: records the run and
 * enqueues its blocks for `exposure worker`s; probes nothing.
 */
import { counted } from '../observation/count.ts';
import { distributeRun } from '../cluster/distribute.ts';
import { openQueueStore } from '../cluster/open.ts';
import type { ScanPlan } from '../scan/plan.ts';
import type { RunParameters } from '../scan/run-parameters.ts';
import type { RunMeta } from '../store/index.ts';

export async function distributeCommand(params: RunParameters, plan: ScanPlan, meta: RunMeta, db: string, blockSize: number | undefined): Promise<void> {
  const store = await openQueueStore(db, 'exposure scan --distribute');
  try {
    const d = await distributeRun(store.queueStore, params, plan, meta, blockSize);
    process.stdout.write(
      `run ${d.runId} recorded in ${store.where}: ${counted(d.targets, 'target')} in ${counted(d.blocks, 'block')} of ${counted(d.blockSize, 'step')}, waiting for workers\n` +
        `start workers (on any machine that reaches the database and may scan these targets): exposure worker --db URL\n` +
        `follow it: exposure status --db URL --run ${d.runId}\n`,
    );
  } finally {
    await store.close();
  }
}
