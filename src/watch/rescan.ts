/**
 * A scan the watch or a verification starts: parameters recorded as
 * `exposure scan` records them, planned (the scope guard refuses anything
 * outside loopback and private space that no allow-list covers, before a
 * packet leaves), probed and stored as an ordinary run, with what ties it to
 * its scope or finding added to the run's options.
 */
import { portsToScan, requestedFrom, WHOLE } from '../scan/options.ts';
import { planScan } from '../scan/plan.ts';
import { probingUnder } from '../scan/probing.ts';
import { recordParameters, runMeta, type RunParameters } from '../scan/run-parameters.ts';
import { runScan, type ScanOutcome, type ScanProgress } from '../scan/run-scan.ts';
import type { StoredHostGeo, StoreSink } from '../store/index.ts';
import type { WatchScope } from './config.ts';
import { SCOPE_KEY } from '../store/scope-runs.ts';

/** What the command running a scan hands in: the stop signal, and optionally geo lookup, progress and notes. */
export interface ScanHooks {
  readonly signal: AbortSignal;
  readonly geo?: (ip: string) => StoredHostGeo | undefined;
  readonly onProgress?: (p: ScanProgress) => void;
  /** Lines the plan has for the user (exclusions that removed targets). */
  readonly note?: (line: string) => void;
}

/** A scope's run parameters: its options over `exposure scan`'s defaults, a seed of its own each run. */
export function scopeParameters(scope: WatchScope): RunParameters {
  return recordParameters(
    requestedFrom(scope.scan, {
      targets: { kind: 'specs', specs: [...scope.targets] },
      ports: portsToScan(scope.ports, scope.scan.webPorts, scope.probes),
      webPorts: scope.scan.webPorts,
      probes: scope.probes ? [...scope.probes] : undefined,
      shard: WHOLE,
    }),
  );
}

/** Plans, probes and stores one run under `params`; `options` joins the run's recorded options. */
export async function rescan(
  store: StoreSink,
  params: RunParameters,
  targetsAsGiven: readonly string[],
  options: Record<string, unknown>,
  hooks: ScanHooks,
): Promise<ScanOutcome> {
  const plan = await planScan(params);
  for (const note of plan.notes) hooks.note?.(note);
  const meta = runMeta(params, plan.resolved, targetsAsGiven);
  return runScan({
    ...probingUnder(params, plan.scope),
    source: plan.source,
    store,
    run: { kind: 'new', meta: { ...meta, options: { ...meta.options, ...options } } },
    excluded: plan.excluded,
    signal: hooks.signal,
    ...(hooks.geo ? { geo: hooks.geo } : {}),
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
  });
}

/** A scope's run, stored with the scope's name. */
export function scanScope(store: StoreSink, scope: WatchScope, hooks: ScanHooks): Promise<ScanOutcome> {
  return rescan(store, scopeParameters(scope), scope.targets, { [SCOPE_KEY]: scope.name }, hooks);
}

/**
 * A scope planned without a packet sent: its options valid, its files there,
 * every target within the scope guard. What the watch checks for every scope
 * before its first scan; the notes the plan has for the user are returned.
 */
export async function checkScope(scope: WatchScope): Promise<readonly string[]> {
  return (await planScan(scopeParameters(scope))).notes;
}
