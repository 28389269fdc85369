/**
 * `exposure verify FINDING`: scans one finding's endpoint again with its
 * run's parameters and says whether it is still open. Exit status 0 when
 * fixed, 3 when still open (as `exposure diff` on new critical findings), 130
 * when stopped before a verdict, 2 for a mistake.
 */
import { openStoreKeeper, storeLabel } from '../store/index.ts';
import { findingKey, parseFindingRef } from '../watch/lifecycle.ts';
import { verifyFinding } from '../watch/verify.ts';
import { NEW_CRITICAL_EXIT } from './diff.ts';
import { hostGeoLookup } from './geo.ts';

export interface VerifyFlags {
  db: string;
}

export async function verifyCommand(ref: string, flags: VerifyFlags): Promise<void> {
  const finding = parseFindingRef(ref);
  const where = storeLabel(flags.db);
  const store = openStoreKeeper(flags.db);
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const v = await verifyFinding(store, finding, where, {
      signal: abort.signal,
      geo: hostGeoLookup((line) => process.stderr.write(`exposure: ${line}\n`)),
      note: (line) => process.stderr.write(`exposure: note: ${line}\n`),
    });
    const f = v.finding;
    const what = `${findingKey(f.ruleId, f.ip, f.port)} ${f.protocol} (finding ${f.id} of run ${f.runId}, ${f.severity}: ${f.title})`;
    switch (v.verdict.kind) {
      case 'still-open':
        process.stdout.write(`still open: ${what}\nrun ${v.runId} stored in ${where}\n`);
        process.exitCode = NEW_CRITICAL_EXIT;
        break;
      case 'fixed':
        process.stdout.write(`fixed: ${what}: ${v.verdict.answered ? 'the service answered and the rule no longer fires' : 'nothing answers there for that protocol any more'}\nrun ${v.runId} stored in ${where}\n`);
        break;
      case 'interrupted':
        process.stdout.write(`stopped before a verdict: ${what}\n`);
        process.exitCode = 130;
        break;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await store.close();
  }
}
