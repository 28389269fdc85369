/**
 * `exposure verify`: one finding's endpoint scanned again with the parameters
 * of the run that found it (same probes, identity, limits, exclusions and
 * allow-list; the scope guard applies as in any scan), narrowed to that
 * address and port, and stored as a run of its own that records the finding
 * it verifies. The verdict: still open when the same rule fires on the same
 * endpoint and protocol, fixed otherwise (the service answered without it,
 * or no longer answered at all).
 */
import type { FindingRef, FindingRow, KeptStore } from '../store/index.ts';
import { parametersOfRun, type RunParameters } from '../scan/run-parameters.ts';
import { WHOLE } from '../scan/options.ts';
import { WatchError } from './errors.ts';
import { findingKey } from './lifecycle.ts';
import { rescan, type ScanHooks } from './rescan.ts';
import { SCOPE_KEY, scopeKeyOf, VERIFIES_KEY, type Verifies } from '../store/scope-runs.ts';

export type Verdict =
  | { readonly kind: 'still-open' }
  /** `answered`: the service is there and the rule no longer fires; otherwise nothing answered on the endpoint for that protocol. */
  | { readonly kind: 'fixed'; readonly answered: boolean }
  /** Stopped before the endpoint was done: no verdict. */
  | { readonly kind: 'interrupted' };

export interface Verification {
  readonly finding: FindingRow;
  readonly runId: number;
  readonly verdict: Verdict;
}

function describeRef(ref: FindingRef): string {
  return 'id' in ref ? `with id ${ref.id}` : findingKey(ref.ruleId, ref.ip, ref.port);
}

/** The run's parameters narrowed to one endpoint: the same in every other respect. */
function narrowed(p: RunParameters, ip: string, port: number): RunParameters {
  return { ...p, targets: { kind: 'specs', specs: [ip] }, ports: [port], shard: WHOLE };
}

export async function verifyFinding(store: KeptStore, ref: FindingRef, where: string, hooks: ScanHooks): Promise<Verification> {
  const finding = await store.finding(ref);
  if (!finding) throw new WatchError('UNKNOWN_FINDING', `${where} has no finding ${describeRef(ref)} (exposure findings lists them)`);
  const run = await store.run(finding.runId);
  if (!run) throw new WatchError('UNKNOWN_FINDING', `the run of finding ${finding.id} is no longer in ${where}`);
  const params = narrowed(parametersOfRun(run, where, 'verified'), finding.ip, finding.port);
  const verifies: Verifies = {
    finding: finding.id,
    ruleId: finding.ruleId,
    ip: finding.ip,
    port: finding.port,
    protocol: finding.protocol,
    run: run.id,
    scope: scopeKeyOf(run),
  };
  const name = run.meta.options[SCOPE_KEY];
  const options = { [VERIFIES_KEY]: verifies, ...(typeof name === 'string' ? { [SCOPE_KEY]: name } : {}) };
  const outcome = await rescan(store, params, [finding.ip], options, hooks);
  if (outcome.interrupted) return { finding, runId: outcome.runId, verdict: { kind: 'interrupted' } };
  const same = (f: Pick<FindingRow, 'ip' | 'port' | 'protocol'>): boolean => f.ip === finding.ip && f.port === finding.port && f.protocol === finding.protocol;
  const open = (await store.findings(outcome.runId)).some((f) => f.ruleId === finding.ruleId && same(f));
  if (open) return { finding, runId: outcome.runId, verdict: { kind: 'still-open' } };
  // One endpoint's services: a handful at most. A login wall answers too ("rejected").
  const answered = (await store.services(outcome.runId)).some((s) => same(s) && (s.status === 'success' || s.status === 'rejected'));
  return { finding, runId: outcome.runId, verdict: { kind: 'fixed', answered } };
}
