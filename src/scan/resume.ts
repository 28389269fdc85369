/**
 * Continuing a killed or interrupted run: the run must exist, be unfinished,
 * and have parameters this version can read. The scan then walks the same
 * order from the run's checkpoint (run-scan.ts, checkpoint.ts).
 */
import type { ScanStore } from '../store/index.ts';
import { ScanError } from './errors.ts';
import { MERGED_FROM_KEY, parametersOfRun, type RunParameters } from './run-parameters.ts';

/** The recorded parameters of run `runId`; a ScanError says why it cannot be resumed. `where` names the store. */
export async function resumableParameters(store: Pick<ScanStore, 'run'>, runId: number, where: string): Promise<RunParameters> {
  const run = await store.run(runId);
  if (!run) throw new ScanError('UNKNOWN_RUN', `there is no run ${runId} in ${where}`);
  if (run.status === 'completed') throw new ScanError('RUN_COMPLETED', `run ${runId} of ${where} is already completed`);
  // Its shards' checkpoints stayed with the shards: walking the whole order again would probe what is stored.
  if (run.meta.options[MERGED_FROM_KEY] !== undefined) {
    throw new ScanError('RUN_MERGED', `run ${runId} of ${where} was merged from shards: resume the unfinished shards' own runs, then merge them again`);
  }
  return parametersOfRun(run, where);
}
