/**
 * Store writes, measured apart from the network: N synthetic hosts with one
 * echo-only DICOM service each (the findings assess() gives it) go into a
 * fresh SQLite file, one transaction per host (how scans wrote before
 * batching) or through the host writer's batches. Each way runs in its own
 * process, so neither inherits the other's warmed-up code.
 *
 *   node --import tsx bench/store-writes.ts [hosts]
 *
 * Figures are printed, never asserted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assess } from '../src/assess/assess.ts';
import type { Observation } from '../src/observation/observation.ts';
import { CheckpointTracker } from '../src/scan/checkpoint.ts';
import { HostWriter, type FinishedHost } from '../src/scan/host-writer.ts';
import { openSqliteStore, type ScanCounters, type SqliteStore } from '../src/store/index.ts';

const WAYS = ['per-host', 'batched'] as const;
type Way = (typeof WAYS)[number];

function echoOnly(i: number): FinishedHost {
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const observation: Observation = {
    protocol: 'dicom',
    endpoint: { ip, port: 104 },
    status: 'success',
    startedAt: new Date(Date.UTC(2024, 4, 1) + i).toISOString(),
    durationMs: 3.2,
    tls: false,
    product: { name: 'DCMTK storescp', version: '3.6.7', basis: 'implementation class UID', confidence: 'likely' },
    exposure: {},
    details: {
      protocol: 'dicom',
      attempts: [{ calledAeTitle: 'XQZ-UNLIKELY-7', callingAeTitle: 'EXPOSURE', origin: 'unlikely', outcome: 'accepted' }],
      acceptedCalledAeTitle: 'XQZ-UNLIKELY-7',
      acceptsAnyCalledAeTitle: true,
      peer: {
        implementationClassUid: '1.2.276.0.7230010.3.0.3.6.7',
        implementationVersionName: 'OFFIS_DCMTK_367',
        maxPduLength: 16384,
        respondingAeTitle: 'ANY-SCP',
        acceptedContexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntax: '1.2.840.10008.1.2' }],
        rejectedContexts: [],
      },
      echo: { outcome: 'success', status: 0 },
      find: { outcome: 'not-negotiated', level: 'STUDY', matches: 0, capped: false, modalities: [] },
      release: 'released',
    },
  };
  return { step: i, result: { ip, services: [{ observation, findings: assess(observation) }] }, openPorts: 1 };
}

/** One transaction per host with its checkpoint delta: the shape of the writes before batching. */
async function perHost(store: SqliteStore, runId: number, hosts: readonly FinishedHost[], tracker: CheckpointTracker, counters: ScanCounters): Promise<void> {
  for (const h of hosts) {
    counters.hostsDone += 1;
    counters.openPorts += h.openPorts;
    counters.services += h.result.services.length;
    for (const s of h.result.services) counters.findings += s.findings.length;
    tracker.finish(h.step);
    await store.recordHost(runId, h.result, { checkpoint: tracker.delta() });
  }
}

async function batched(store: SqliteStore, runId: number, hosts: readonly FinishedHost[], tracker: CheckpointTracker, counters: ScanCounters): Promise<void> {
  const writer = new HostWriter({ store, runId, tracker, counters, merge: false });
  for (const h of hosts) await writer.add(h);
  await writer.close();
}

async function measure(way: Way, n: number): Promise<void> {
  const hosts = Array.from({ length: n }, (_, i) => echoOnly(i));
  const dir = mkdtempSync(join(tmpdir(), 'exposure-store-bench-'));
  const store = openSqliteStore(join(dir, 'bench.db'));
  try {
    const runId = await store.startRun({ targets: ['10.0.0.0/8'], ports: [104], options: {}, scanner: { callingAeTitle: 'EXPOSURE', userAgent: 'bench' } });
    const counters: ScanCounters = { hostsDone: 0, openPorts: 0, unreachable: 0, services: 0, findings: 0 };
    const tracker = new CheckpointTracker(0, counters);
    for (const h of hosts) tracker.issue(h.step);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await (way === 'per-host' ? perHost : batched)(store, runId, hosts, tracker, counters);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const stored = (await store.services(runId)).length;
    if (stored !== n) throw new Error(`${way}: ${stored} services stored, expected ${n}`);
    const cpuUs = cpu.user + cpu.system;
    console.log(JSON.stringify({ way, hostsPerSecond: n / seconds, cpuUsPerHost: cpuUs / n, cpuShare: cpuUs / 1e6 / seconds }));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const [first, second] = process.argv.slice(2);
if (first === '--way') {
  await measure(second as Way, Number(process.argv[4]));
} else {
  const n = Number(first ?? 20_000);
  const self = fileURLToPath(import.meta.url);
  for (const way of WAYS) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--way', way, String(n)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${way} failed: ${r.stderr}`);
    const f = JSON.parse(r.stdout) as { hostsPerSecond: number; cpuUsPerHost: number; cpuShare: number };
    console.log(
      `${way.padEnd(8)} ${n.toLocaleString('en')} hosts: ${Math.round(f.hostsPerSecond).toLocaleString('en')} hosts/s, ` +
        `${f.cpuUsPerHost.toFixed(1)} µs CPU per host (${Math.round(f.cpuShare * 100)} % of one core)`,
    );
  }
}
