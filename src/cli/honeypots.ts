/**
 * The honeypot pass a command runs once a run's hosts are all stored: after a scan
 * (a resumed run is assessed again as a whole) and after a merge of shards; and the
 * pass `report` and `diff` run on a finished run it never reached, or reached only
 * in part. docs/decisions/0027-honeypots-told-apart.md.
 */
import { HONEYPOT_ASSESSOR } from '../assess/honeypot/index.ts';
import { counted } from '../observation/count.ts';
import { openHoneypotPass, type StoreReader } from '../store/index.ts';

/** Assesses the run's DICOM services and stores the result; resolves to how many are likely honeypots. */
export async function honeypotPass(db: string, runId: number): Promise<number> {
  const pass = openHoneypotPass(db);
  try {
    return await pass.assessHoneypots(runId, HONEYPOT_ASSESSOR);
  } finally {
    await pass.close();
  }
}

/**
 * What a finished run lacks of its assessment: `never` when none of its DICOM services that
 * answered has a level (stored before the pass, or by a worker it failed on), `partly` when
 * some have one (an earlier build of the pass left the services with no signal unset).
 */
type AssessmentGap = 'never' | 'partly';

async function assessmentGap(store: StoreReader, runId: number): Promise<AssessmentGap | undefined> {
  const run = await store.run(runId);
  if (run === undefined || run.status === 'running') return undefined;
  const tally = (await store.honeypotTallies([runId])).get(runId);
  if (tally === undefined || tally.assessed === tally.candidates) return undefined;
  return tally.assessed === 0 ? 'never' : 'partly';
}

/**
 * The run-end pass, once, before a command reads the run's figures, said on `warn` in words true
 * to the gap; a store that cannot be written is read as it is, and said so. The caller holds no
 * reader open meanwhile.
 */
async function assessOlderRun(db: string, runId: number, gap: AssessmentGap, warn: (line: string) => void): Promise<void> {
  try {
    const likely = counted(await honeypotPass(db, runId), 'likely honeypot');
    warn(gap === 'never' ? `run ${runId} had no honeypot assessment: assessed now, ${likely}` : `run ${runId}: honeypot assessment brought up to date (some of its DICOM services had none): ${likely}`);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    warn(
      gap === 'never'
        ? `run ${runId} has no honeypot assessment and it could not be stored (${why}): its figures count every service`
        : `run ${runId}'s honeypot assessment could not be brought up to date (${why}): services without one are counted as archives`,
    );
  }
}

/**
 * Each finished run among `runIds` the pass has yet to reach, assessed before a command reads its
 * figures: the reader is closed meanwhile (the pass writes) and `reopen` gives the one to read on;
 * with no gap, the reader given is returned as it is.
 */
export async function assessedFirst(db: string, store: StoreReader, runIds: readonly number[], warn: (line: string) => void, reopen: () => StoreReader): Promise<StoreReader> {
  const gaps: Array<[number, AssessmentGap]> = [];
  for (const id of new Set(runIds)) {
    const gap = await assessmentGap(store, id);
    if (gap !== undefined) gaps.push([id, gap]);
  }
  if (gaps.length === 0) return store;
  await store.close();
  for (const [id, gap] of gaps) await assessOlderRun(db, id, gap, warn);
  return reopen();
}
