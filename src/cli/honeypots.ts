/**
 * The honeypot pass a command runs once a run's hosts are all stored: after a scan
 * (a resumed run is assessed again as a whole) and after a merge of shards.
 * docs/decisions/0027-honeypots-told-apart.md.
 */
import { HONEYPOT_ASSESSOR } from '../assess/honeypot/index.ts';
import { openHoneypotPass } from '../store/index.ts';

/** Assesses the run's DICOM services and stores the result; resolves to how many are likely honeypots. */
export async function honeypotPass(db: string, runId: number): Promise<number> {
  const pass = openHoneypotPass(db);
  try {
    return await pass.assessHoneypots(runId, HONEYPOT_ASSESSOR);
  } finally {
    await pass.close();
  }
}
