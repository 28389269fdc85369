/**
 * One scan: targets → open ports → probes → findings → store, host by host.
 *
 * Hosts stream from the target ranges through a bounded pool; each host's
 * results reach the store in one transaction, so a killed scan loses at most
 * the hosts in flight.
 */
import { setMaxListeners } from 'node:events';
import { assess } from '../assess/assess.ts';
import { discoverPorts } from '../discovery/tcp-connect.ts';
import type { Dialer } from '../net/dialer.ts';
import type { Probe, ProbeContext } from '../probes/probe.ts';
import type { Ipv4Range } from '../scope/ipv4.ts';
import { addresses, countAddresses } from '../scope/targets.ts';
import type { HostResult, RunMeta, ServiceResult, Store } from '../store/store.ts';
import type { StoredHostGeo } from '../store/aggregates.ts';
import { forEachConcurrent } from './pool.ts';
import { correlateHost } from './correlate.ts';
import type { Observation } from '../probes/observation.ts';

export interface ScanProgress {
  readonly hostsTotal: number;
  readonly hostsDone: number;
  readonly openPorts: number;
  readonly services: number;
  readonly findings: number;
  readonly startedAt: number;
}

export interface ScanOptions {
  readonly targets: readonly Ipv4Range[];
  readonly ports: readonly number[];
  readonly probes: readonly Probe[];
  readonly dialer: Dialer;
  readonly context: Omit<ProbeContext, 'dialer' | 'signal'>;
  readonly store: Store;
  readonly meta: RunMeta;
  /** Hosts probed at once. */
  readonly hostConcurrency: number;
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

/** Which probes to run on a port: those that claim it, or all of them on a port no probe claims. */
export function probesForPort(probes: readonly Probe[], port: number): Probe[] {
  const claiming = probes.filter((p) => p.defaultPorts.includes(port));
  return claiming.length > 0 ? claiming : [...probes];
}

export async function runScan(options: ScanOptions): Promise<ScanOutcome> {
  const { store, signal } = options;
  const runId = await store.startRun(options.meta);
  const progress = {
    hostsTotal: countAddresses(options.targets),
    hostsDone: 0,
    openPorts: 0,
    services: 0,
    findings: 0,
    startedAt: Date.now(),
  };
  // Every probe in flight listens on the scan's signal: that is by design, not a leak.
  setMaxListeners(0, signal);
  const ctx: ProbeContext = { ...options.context, dialer: options.dialer, signal };
  let status: 'completed' | 'interrupted' | 'failed' = 'completed';
  try {
    await forEachConcurrent(
      addresses(options.targets),
      options.hostConcurrency,
      async (ip) => {
        const host = await scanHost(ip, options, ctx);
        progress.openPorts += host.openPorts;
        if (host.result.services.length > 0) {
          const geo = options.geo?.(ip);
          if (geo) host.result.geo = geo;
          await store.recordHost(runId, host.result);
          for (const s of host.result.services) {
            progress.services += 1;
            progress.findings += s.findings.length;
            options.onService?.(s);
          }
        }
        progress.hostsDone += 1;
        options.onProgress?.({ ...progress });
      },
      signal,
    );
    if (signal.aborted) status = 'interrupted';
  } catch (err) {
    status = 'failed';
    throw err;
  } finally {
    await store.finishRun(runId, {
      targetsTotal: progress.hostsTotal,
      hostsDone: progress.hostsDone,
      openPorts: progress.openPorts,
      excluded: 0,
      status,
    });
  }
  return { runId, progress: { ...progress }, interrupted: status === 'interrupted' };
}

async function scanHost(ip: string, options: ScanOptions, ctx: ProbeContext): Promise<{ result: HostResult; openPorts: number }> {
  const ports = await discoverPorts(options.dialer, ip, options.ports, {
    connectTimeoutMs: options.context.limits.connectTimeoutMs,
    signal: options.signal,
  });
  const open = ports.filter((p) => p.state === 'open');
  const observations: Observation[] = [];
  for (const { port } of open) {
    for (const probe of probesForPort(options.probes, port)) {
      const observation = await probe.run({ ip, port }, ctx);
      if (observation.status === 'not-this-protocol' && probesForPort(options.probes, port).length > 1) continue;
      observations.push(observation);
    }
  }
  // Facts from one probe can name what another saw (Orthanc's REST names its DICOM port): see correlate.ts.
  const services: ServiceResult[] = correlateHost(observations).map((observation) => ({ observation, findings: assess(observation) }));
  return { result: { ip, services }, openPorts: open.length };
}
