/**
 * The run-end honeypot pass at scale: a synthetic run of DICOM services that
 * answered (by default 20,000) written through the store's own write path,
 * then the pass over it in a process of its own, with its wall time and its
 * peak resident set (VmHWM), before and during the pass.
 *
 * The mix is the pass's worst case for what it must remember across the run:
 * every service accepts any called AE title and served a dataset of its own
 * (a distinct digest each), and one in a hundred is a honeypot persona of a
 * fleet serving one lure dataset.
 *
 *   node --import tsx bench/honeypot-pass.ts [services]
 *
 * Figures are printed, never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DicomDetails, Observation } from '../src/observation/observation.ts';
import { openSqliteStore, type HostResult } from '../src/store/index.ts';
import { mb, n } from './common.ts';
import { runChild } from './measure.ts';

const BATCH = 500;
/** The old generation the second measurement allows: the pass must fit in it at any size. */
const OLD_SPACE_MB = 64;

function ipOf(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

const hex = (i: number, width: number): string => (i >>> 0).toString(16).padStart(width, '0').slice(-width);

/** An archive (or, one in a hundred, a DICOMHawk persona) at the i-th address. */
function dicomService(i: number): Observation {
  const persona = i % 100 === 0;
  const details: DicomDetails = {
    protocol: 'dicom',
    attempts: [{ calledAeTitle: 'XQZ-UNLIKELY-7', callingAeTitle: 'EXPOSURE-SCAN', origin: 'unlikely', outcome: 'accepted' }],
    acceptedCalledAeTitle: 'XQZ-UNLIKELY-7',
    acceptsAnyCalledAeTitle: true,
    peer: {
      implementationClassUid: persona ? '1.2.840.113619.6.96' : '1.2.826.0.1.3680043.2.1143.107.104.103.115.2.8.4',
      implementationVersionName: persona ? 'GE_PACS_REV_24' : 'ORTHANC_1_12_1',
      maxPduLength: persona ? 16382 : 16384,
      respondingAeTitle: 'ORTHANC',
      acceptedContexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntax: '1.2.840.10008.1.2' }],
      rejectedContexts: [],
    },
    echo: { outcome: 'success', status: 0 },
    find: { outcome: 'success', level: 'STUDY', status: 0xfe00, matches: 26, capped: false, modalities: ['CT'] },
    release: 'released',
    behaviour: persona
      ? { associateMs: 1, findMs: 3, lures: [{ id: 'dicomhawk-sample-tcia', matches: 26 }], signature: 'ab'.repeat(8), studyDigest: 'abcdef01:12345678' }
      : { associateMs: 20, findMs: 80, signature: hex(i, 8) + hex(i * 7919, 8), studyDigest: `abcdef01:${hex(i, 8)}`, patientDigest: `abcdef01:${hex(i * 31, 8)}` },
  };
  return {
    protocol: 'dicom',
    endpoint: { ip: ipOf(i), port: 104 },
    status: 'success',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 120,
    tls: false,
    exposure: { patients: { n: 4, atLeast: false }, studies: { n: 26, atLeast: false } },
    inventory: { records: 26, attributes: [{ keyword: 'PatientID', tag: '00100020', class: 'direct-identifier', present: 26 }] },
    details,
  };
}

async function write(db: string, services: number): Promise<number> {
  const store = openSqliteStore(db);
  try {
    const runId = await store.startRun({ targets: ['10.0.0.0/8'], ports: [104], options: {}, scanner: { callingAeTitle: 'EXPOSURE-SCAN', userAgent: 'bench' } });
    for (let i = 0; i < services; i += BATCH) {
      const hosts: HostResult[] = [];
      for (let j = i; j < Math.min(services, i + BATCH); j++) hosts.push({ ip: ipOf(j), services: [{ observation: dicomService(j), findings: [] }] });
      await store.recordHosts(runId, { hosts });
    }
    await store.finishRun(runId, { targetsTotal: services, hostsDone: services, openPorts: services, excluded: 0, status: 'completed' });
    return runId;
  } finally {
    await store.close();
  }
}

/** In the child: the pass alone, as `scan` runs it at a run's end. */
async function pass(db: string, runId: number): Promise<void> {
  const { honeypotPass } = await import('../src/cli/honeypots.ts');
  const before = process.resourceUsage().maxRSS / 1024;
  const t0 = performance.now();
  const likely = await honeypotPass(db, runId);
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ likely, seconds, rssBeforeMb: before, rssAfterMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === 'pass') return pass(rest[0] as string, Number(rest[1]));
  const services = Number(mode ?? 20_000);
  const dir = mkdtempSync(join(tmpdir(), 'exposure-honeypot-bench-'));
  try {
    const db = join(dir, 'store.db');
    const t0 = performance.now();
    const runId = await write(db, services);
    process.stdout.write(`honeypot pass: ${n(services)} DICOM services written in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    // As V8 runs it by default (garbage left to grow), then with the old generation capped: what the pass keeps alive.
    for (const flags of [[], [`--max-old-space-size=${OLD_SPACE_MB}`]]) {
      const child = await runChild(process.execPath, [...flags, '--import', 'tsx', fileURLToPath(import.meta.url), 'pass', db, String(runId)], 600_000);
      if (child.code !== 0) throw new Error(`the pass failed${flags.length ? ` within ${OLD_SPACE_MB} MB of old space` : ''}: ${child.stderr.slice(0, 2000)}`);
      const figures = JSON.parse(child.stdout) as { likely: number; seconds: number; rssBeforeMb: number; rssAfterMb: number };
      process.stdout.write(
        `honeypot pass${flags.length ? ` (old space ≤ ${OLD_SPACE_MB} MB)` : ''}: ${n(figures.likely)} likely, ${figures.seconds.toFixed(2)} s; ` +
          `peak RSS ${mb(figures.rssBeforeMb)} before the pass, ${mb(figures.rssAfterMb)} after\n`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
