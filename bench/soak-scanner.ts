/**
 * The scanner of the soak benchmark (bench/soak.ts): one process scanning the
 * same targets again and again, each pass a new run in one store, wired as
 * `exposure scan` wires it (plan, probing, store, runScan). Reports each pass
 * over IPC; on "stop" it finishes the pass in flight and exits.
 *
 *   node --import tsx bench/soak-scanner.ts '{"targets":[…],"ports":[…],"db":"…","limits":{…}}'
 */
import { setMaxListeners } from 'node:events';
import { readdirSync } from 'node:fs';
import { DEFAULT_FILE_WALK } from '../src/probes/nas/limits.ts';
import { planScan } from '../src/scan/plan.ts';
import { probingUnder } from '../src/scan/probing.ts';
import { recordParameters, runMeta } from '../src/scan/run-parameters.ts';
import { runScan } from '../src/scan/run-scan.ts';
import { openStoreSink } from '../src/store/index.ts';

export interface SoakScannerConfig {
  readonly targets: readonly string[];
  readonly ports: readonly number[];
  readonly db: string;
  readonly limits: { readonly probeTimeoutMs: number; readonly ioTimeoutMs: number; readonly walkTimeMs: number; readonly maxRecords: number };
  readonly concurrency: number;
}

/** What one pass did, sent to the parent. */
export interface PassReport {
  readonly kind: 'pass';
  readonly pass: number;
  readonly seconds: number;
  readonly hosts: number;
  readonly services: number;
  readonly findings: number;
  /** Longest probe of the pass, per protocol, in ms. */
  readonly longestMs: Readonly<Record<string, number>>;
  /** Probes that ran past the probe timeout plus the slack (closing what they hold). */
  readonly overBound: readonly string[];
  /** Open file descriptors once the pass is over: what a leak would grow (mid-pass counts follow the work in flight). */
  readonly fdsBetweenPasses: number;
  /** process.memoryUsage() once the pass is over and the heap collected, MB: what the heap retains, and what Buffers hold outside it. */
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly externalMb: number;
}

/** A probe's wall clock past its timeout: the time to close what it holds and return. */
export const PROBE_SLACK_MS = 500;

const config = JSON.parse(process.argv[2] ?? '{}') as SoakScannerConfig;
const params = recordParameters({
  targets: { kind: 'specs', specs: [...config.targets] },
  exclude: [],
  defaultExclusions: true,
  ports: [...config.ports],
  seed: 1,
  shard: { index: 0, count: 1 },
  identity: { callingAeTitle: 'EXPOSURE-SCAN' },
  dicom: { aeTitles: [], guessList: true },
  checkLogins: false,
  fileWalk: { ...DEFAULT_FILE_WALK, walkTimeMs: config.limits.walkTimeMs },
  limits: { maxRecords: config.limits.maxRecords, connectTimeoutMs: 3000, ioTimeoutMs: config.limits.ioTimeoutMs, probeTimeoutMs: config.limits.probeTimeoutMs, greetingWaitMs: 300 },
  pace: { concurrency: config.concurrency, rate: 0, perHost: 4, retries: 0 },
});

/** After a full collection (the parent starts this with --expose-gc): what the heap retains, not what awaits collection. */
function memory(): Pick<PassReport, 'heapUsedMb' | 'heapTotalMb' | 'externalMb'> {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { heapUsedMb: m.heapUsed / (1 << 20), heapTotalMb: m.heapTotal / (1 << 20), externalMb: m.external / (1 << 20) };
}

let stopping = false;
process.on('message', (m) => {
  if (m === 'stop') stopping = true;
});
process.on('disconnect', () => (stopping = true));

const store = openStoreSink(config.db);
const signal = new AbortController().signal;
setMaxListeners(0, signal);
try {
  for (let pass = 1; !stopping; pass++) {
    const started = performance.now();
    const plan = await planScan(params);
    const longestMs: Record<string, number> = {};
    const overBound: string[] = [];
    const outcome = await runScan({
      ...probingUnder(params, plan.scope),
      source: plan.source,
      store,
      run: { kind: 'new', meta: runMeta(params, plan.resolved, [...config.targets]) },
      excluded: plan.excluded,
      signal,
      onService: ({ observation: o }) => {
        longestMs[o.protocol] = Math.max(longestMs[o.protocol] ?? 0, o.durationMs);
        if (o.durationMs > config.limits.probeTimeoutMs + PROBE_SLACK_MS) overBound.push(`${o.endpoint.ip}:${o.endpoint.port} ${o.protocol} ${o.durationMs} ms`);
      },
    });
    const p = outcome.progress;
    const seconds = (performance.now() - started) / 1000;
    // Sockets a pass closed are released on the next turns of the event loop: let them go before counting.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const fdsBetweenPasses = readdirSync('/proc/self/fd').length;
    const report: PassReport = { kind: 'pass', pass, seconds, hosts: p.hostsDone, services: p.services, findings: p.findings, longestMs, overBound, fdsBetweenPasses, ...memory() };
    process.send?.(report);
  }
} finally {
  await store.close();
}
process.disconnect?.();
