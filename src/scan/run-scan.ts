/**
 * One scan: targets → open ports → probes → findings → store, host by host.
 *
 * Work streams from a WorkSource (a permuted target space or a result file)
 * through a bounded pool; finished hosts reach the store in batches, each in
 * one transaction together with the checkpoint it moves, so a killed scan
 * resumes losing nothing and probing nothing stored again (scan/host-writer.ts).
 */
import { setMaxListeners } from 'node:events';
import { assess } from '../assess/assess.ts';
import { discoverPorts, releaseAll } from '../discovery/tcp-connect.ts';
import type { ParkingDialer } from '../net/dialer.ts';
import type { Probe, ProbeContext } from '../probes/probe.ts';
import type { Observation } from '../observation/observation.ts';
import type { HostResult, RunMeta, ScanCounters, ServiceResult, StoredHostGeo, StoreSink } from '../store/index.ts';
import { CheckpointTracker } from './checkpoint.ts';
import { correlateHost } from './correlate.ts';
import { HostWriter } from './host-writer.ts';
import { probeService } from './identify.ts';
import { forEachConcurrent } from './pool.ts';
import { FRESH, type WorkItem, type WorkSource } from './sources.ts';

export interface ScanProgress extends ScanCounters {
  /** Targets this run goes through, when known (an estimate for a shard). */
  readonly hostsTotal: number | undefined;
  readonly approximateTotal: boolean;
  readonly excluded: number;
  readonly startedAt: number;
  /** Targets done before this process started (a resumed run): not counted in its rate. */
  readonly doneAtStart: number;
}

/** Start a new run with this meta, or continue a stored one from its checkpoint. */
export type RunStart = { readonly kind: 'new'; readonly meta: RunMeta } | { readonly kind: 'resume'; readonly runId: number };

export interface ScanOptions {
  readonly source: WorkSource;
  readonly ports: readonly number[];
  /** The selected probes (--probes), in the registry's order. */
  readonly probes: readonly Probe[];
  /** How long a port no probe claims is given to speak first (--greeting-wait); absent, derived from each connect time (scan/greeting-wait.ts). */
  readonly greetingWaitMs?: number | undefined;
  readonly dialer: ParkingDialer;
  readonly context: Omit<ProbeContext, 'dialer' | 'signal'>;
  readonly store: StoreSink;
  readonly run: RunStart;
  /** Targets removed by exclusions before the scan: counted, never touched. */
  readonly excluded: number;
  /** Hosts probed at once. */
  readonly hostConcurrency: number;
  /** Connect attempts after a connect timeout during discovery. */
  readonly connectRetries: number;
  readonly signal: AbortSignal;
  readonly onProgress?: (p: ScanProgress) => void;
  readonly onService?: (result: ServiceResult) => void;
  /** Country / AS / organisation of a host with services, stored with it (docs/decisions/0020-geo-at-scan-time.md). */
  readonly geo?: (ip: string) => StoredHostGeo | undefined;
}

export interface ScanOutcome {
  readonly runId: number;
  readonly progress: ScanProgress;
  readonly interrupted: boolean;
}

export async function runScan(options: ScanOptions): Promise<ScanOutcome> {
  const { store, signal } = options;
  let runId: number;
  let resumeFrom = FRESH;
  const counters: ScanCounters = { hostsDone: 0, openPorts: 0, unreachable: 0, services: 0, findings: 0 };
  if (options.run.kind === 'resume') {
    runId = options.run.runId;
    await store.reopenRun(runId);
    const saved = await store.loadCheckpoint(runId);
    if (saved) {
      resumeFrom = { watermark: saved.watermark, done: new Set(saved.done) };
      Object.assign(counters, saved.counters);
    }
  } else {
    runId = await store.startRun(options.run.meta);
  }
  const tracker = new CheckpointTracker(resumeFrom.watermark, counters, [...resumeFrom.done]);
  const writer = new HostWriter({ store, runId, tracker, counters, merge: options.source.mergeHosts });
  const progress = (): ScanProgress => ({
    ...counters,
    hostsTotal: options.source.total,
    approximateTotal: options.source.approximate,
    excluded: options.excluded,
    startedAt,
    doneAtStart,
  });
  const startedAt = Date.now();
  const doneAtStart = counters.hostsDone;
  // Waits link to the scan's signal through net/abort-watch (one listener each signal); libraries
  // handed it (node:http, basic-ftp) may add their own per request: by design, not a leak.
  setMaxListeners(0, signal);
  const ctx: ProbeContext = { ...options.context, dialer: options.dialer, signal };
  let status: 'completed' | 'interrupted' | 'failed' = 'completed';
  try {
    await forEachConcurrent(
      tracked(options.source.items(resumeFrom), tracker),
      options.hostConcurrency,
      async (item) => {
        const host = await scanItem(item, options, ctx);
        if (signal.aborted && host.interrupted) return; // not finished: the resumed run does it again
        if (host.result.services.length > 0) {
          const geo = options.geo?.(item.ip);
          if (geo) host.result.geo = geo;
        }
        // Counted now, stored with its batch: results, step and counters in one transaction.
        await writer.add({ step: item.step, result: host.result, openPorts: host.openPorts });
        for (const s of host.result.services) options.onService?.(s);
        options.onProgress?.(progress());
      },
      signal,
    );
    // The last batch: hosts finished before the end or the interrupt.
    await writer.close();
    if (signal.aborted) status = 'interrupted';
  } catch (err) {
    status = 'failed';
    // Hosts a failing probe left queued are still worth keeping; if the store is what failed,
    // this rejects again with the same error, and those hosts are probed again on resume.
    await writer.close().catch(() => undefined);
    throw err;
  } finally {
    await store.finishRun(runId, {
      targetsTotal: options.source.total ?? counters.hostsDone,
      hostsDone: counters.hostsDone,
      openPorts: counters.openPorts,
      excluded: options.excluded,
      status,
    });
  }
  return { runId, progress: progress(), interrupted: status === 'interrupted' };
}

/** Each item's step issued as it is pulled; a plain iterable stays plain, so the pool pulls it without an await per item. */
function tracked(items: AsyncIterable<WorkItem> | Iterable<WorkItem>, tracker: CheckpointTracker): AsyncIterable<WorkItem> | Iterable<WorkItem> {
  return Symbol.asyncIterator in items ? trackedAsync(items, tracker) : trackedSync(items, tracker);
}

function* trackedSync(items: Iterable<WorkItem>, tracker: CheckpointTracker): Generator<WorkItem> {
  for (const item of items) {
    tracker.issue(item.step);
    yield item;
  }
}

async function* trackedAsync(items: AsyncIterable<WorkItem>, tracker: CheckpointTracker): AsyncGenerator<WorkItem> {
  for await (const item of items) {
    tracker.issue(item.step);
    yield item;
  }
}

interface ItemOutcome {
  result: HostResult;
  openPorts: number;
  interrupted: boolean;
}

async function scanItem(item: WorkItem, options: ScanOptions, ctx: ProbeContext): Promise<ItemOutcome> {
  const { ip } = item;
  const interrupted: ItemOutcome = { result: { ip, services: [] }, openPorts: 0, interrupted: true };
  // A port named by a result file is connected to like any other: it may have closed since, and then it is no service.
  const ports = await discoverPorts(options.dialer, ip, item.port !== undefined ? [item.port] : options.ports, {
    connectTimeoutMs: options.context.limits.connectTimeoutMs,
    retries: options.connectRetries,
    signal: options.signal,
    // A connection waits for its probe at most as long as a silent peer is waited for.
    parkedIdleMs: options.context.limits.ioTimeoutMs,
    ...(item.hostname ? { hostname: item.hostname } : {}),
  });
  const observations: Observation[] = [];
  let open = 0;
  try {
    if (options.signal.aborted) return interrupted;
    // One port at a time: a probe may need a second connection (FTP's data channel), and --per-host bounds them all.
    for (const p of ports) {
      if (p.state !== 'open') continue;
      open++;
      const found = await probeService(p.parked, { probes: options.probes, greetingWaitMs: options.greetingWaitMs }, ctx);
      p.parked.release();
      // A probe cut short by Ctrl-C is not a result: the host stays undone and a resumed run probes it again.
      if (options.signal.aborted) return interrupted;
      observations.push(...found);
    }
  } finally {
    releaseAll(ports);
  }
  // Facts from one probe can name what another saw (Orthanc's REST names its DICOM port): see correlate.ts.
  // One port can carry several services (Orthanc's portal, REST and DICOMweb on 8042): a rule that
  // fires on each of them is one finding for that port, kept on the first service it fired on.
  const fired = new Set<string>();
  const services: ServiceResult[] = correlateHost(observations).map((observation) => ({
    observation,
    findings: assess(observation).filter((f) => {
      const key = `${f.ruleId}@${observation.endpoint.port}`;
      if (fired.has(key)) return false;
      fired.add(key);
      return true;
    }),
  }));
  const result: HostResult = { ip, services, ...(item.hostname ? { hostname: item.hostname } : {}) };
  return { result, openPorts: open, interrupted: false };
}
