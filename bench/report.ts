/**
 * Report figures: geo load and lookup rate, the study's aggregate queries and
 * the HTML render over a synthetic store of many hosts. Printed, never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assess } from '../src/assess/assess.ts';
import { openGeo } from '../src/geo/index.ts';
import type { Observation } from '../src/observation/observation.ts';
import { summariseBounded } from '../src/report/bounded.ts';
import { renderHtml } from '../src/report/html.ts';
import { HTML_BOUNDS } from '../src/report/html-sections.ts';
import { openSqliteStore } from '../src/store/index.ts';

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const v = fn();
  return [v, performance.now() - t0];
}

function randomPublicV4(i: number): string {
  // A fixed pseudo-random walk over 1.0.0.0–223.255.255.255 (deterministic figures).
  const n = (Math.imul(i + 1, 2654435761) >>> 0) % (223 * 2 ** 24) + 2 ** 24;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export async function reportFigures(): Promise<void> {
  const geo = openGeo();
  const [, loadV4] = time(() => geo.lookup('193.0.6.139'));
  const [, loadV6] = time(() => geo.lookup('2001:4860:4860::8888'));
  const n = 200_000;
  const ips = Array.from({ length: n }, (_, i) => randomPublicV4(i));
  const [, lookupMs] = time(() => {
    for (const ip of ips) geo.lookup(ip);
  });
  console.log(`geo: first IPv4 lookup (loads MMDB + ASN table) ${loadV4.toFixed(0)} ms, first IPv6 ${loadV6.toFixed(0)} ms; then ${Math.round((n / lookupMs) * 1000).toLocaleString('en')} lookups/s; heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`);

  const dir = mkdtempSync(join(tmpdir(), 'exposure-bench-report-'));
  try {
    const store = openSqliteStore(join(dir, 'bench.db'));
    const runId = await store.startRun({ targets: ['bench'], ports: [104], options: {}, scanner: { callingAeTitle: 'BENCH', userAgent: 'Exposure/bench' } });
    const hosts = 20_000;
    const t0 = performance.now();
    for (let i = 0; i < hosts; i++) {
      const ip = randomPublicV4(i);
      const exposed = i % 3 === 0;
      const obs: Observation = {
        protocol: 'dicom',
        endpoint: { ip, port: 104 },
        status: exposed ? 'success' : 'rejected',
        startedAt: '2026-01-01T00:00:00.000Z',
        durationMs: 10,
        tls: false,
        product: { name: ['Orthanc', 'DCMTK', 'Conquest'][i % 3] ?? 'x', version: String(i % 7), basis: 'bench', confidence: 'guess' },
        exposure: exposed ? { studies: { n: i % 500, atLeast: false }, images: { n: (i * 37) % 2_000_000, atLeast: false } } : {},
        details: {
          protocol: 'dicom',
          attempts: [],
          acceptsAnyCalledAeTitle: exposed,
          echo: { outcome: exposed ? 'success' : 'not-attempted' },
          find: { outcome: exposed ? 'success' : 'not-attempted', level: 'STUDY', matches: exposed ? 1 + (i % 500) : 0, capped: false, modalities: [] },
          release: 'released',
        },
      };
      await store.recordHost(runId, { ip, geo: geo.lookup(ip), services: [{ observation: obs, findings: assess(obs) }] });
    }
    const writeS = (performance.now() - t0) / 1000;
    await store.finishRun(runId, { targetsTotal: hosts, hostsDone: hosts, openPorts: hosts, excluded: 0, status: 'completed' });
    const t1 = performance.now();
    const model = await summariseBounded(store, runId, HTML_BOUNDS);
    const summariseMs = performance.now() - t1;
    const [html, htmlMs] = time(() => renderHtml(model));
    console.log(`report over ${hosts.toLocaleString('en')} hosts (geo at record time): stored in ${writeS.toFixed(1)} s; head, tables and bounded lists ${summariseMs.toFixed(0)} ms; HTML ${htmlMs.toFixed(0)} ms, ${(html.length / 2 ** 20).toFixed(1)} MB`);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
