/**
 * `make bench`: speed and memory figures, printed, never asserted.
 * Traffic goes only to 127.0.0.0/8: a simulated fleet in its own process on
 * 127.1.x (10,000 endpoints) and 127.2.0.0/16 (1,000 live PACS on 3 ports).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import Database from 'better-sqlite3';
import { spawnFleet } from '../src/lab/fleet/spawn.ts';
import { openFileLimits } from '../src/cli/open-files.ts';
import { fleetEndpoints, type FleetConfig } from '../src/lab/fleet/fleet.ts';
import { forEachConcurrent } from '../src/scan/pool.ts';
import { readResultFile } from '../src/scope/result-files.ts';
import { decodePdu, encodePdu } from '../src/protocols/dicom/ul/index.ts';
import { UID } from '../src/protocols/dicom/uids.ts';
import { cpuSeconds, runChild } from './measure.ts';
import { dicomwebProbeFigures, qidoParseFigures } from './web.ts';

const CLI = fileURLToPath(new URL('../bin/exposure.js', import.meta.url));
const DIR = mkdtempSync(join(tmpdir(), 'exposure-bench-'));
process.on('exit', () => rmSync(DIR, { recursive: true, force: true }));

const FLEET_PORT = 11112;
const FLEET: FleetConfig = {
  groups: [
    // 10,000 endpoints: 127.1.0.1 … 127.1.39.16 on one port.
    { first: '127.1.0.1', stride: 1, count: 10_000, ports: [FLEET_PORT], mix: { open: 80, 'ae-checking': 8, rejecting: 4, slow: 3, closed: 5 } },
    // 1,000 live PACS spread over 127.2.0.0/16, on 104, 4242 and 11112 in turn.
    { first: '127.2.0.3', stride: 65, count: 1000, ports: [104, 4242, 11112], mix: { open: 90, 'ae-checking': 5, rejecting: 5 } },
  ],
  aeTitle: 'ORTHANC',
  slowMs: 200,
};
const SWEEP = '127.1.0.1-127.1.39.16';
const n = (x: number): string => Math.round(x).toLocaleString('en');
const rows: [string, string][] = [];
const row = (what: string, figure: string): void => {
  rows.push([what, figure]);
  console.log(`${what}: ${figure}`);
};

function codecFigures(): void {
  const rq = encodePdu({
    type: 'A-ASSOCIATE-RQ',
    calledAeTitle: 'ANY-SCP',
    callingAeTitle: 'EXPOSURE',
    applicationContextName: UID.applicationContext,
    presentationContexts: [
      { id: 1, abstractSyntax: UID.verification, transferSyntaxes: [UID.explicitVrLittleEndian, UID.implicitVrLittleEndian] },
      { id: 3, abstractSyntax: UID.studyRootFind, transferSyntaxes: [UID.explicitVrLittleEndian, UID.implicitVrLittleEndian] },
    ],
    userInformation: { maxLength: 65536, implementationClassUid: '1.2.3', implementationVersionName: 'X' },
  });
  const count = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) decodePdu(rq);
  row('A-ASSOCIATE-RQ decode (pure codec)', `${n((count / (performance.now() - t0)) * 1000)} PDUs/s`);
}

/** The raw limit: connect and close, nothing else, to the same 10,000 endpoints. */
async function connectRate(): Promise<number> {
  const targets = [...fleetEndpoints({ ...FLEET, groups: [FLEET.groups[0]!] })];
  const t0 = performance.now();
  await forEachConcurrent(targets, 256, (e) =>
    new Promise<void>((resolve) => {
      const s = net.connect({ host: e.ip, port: e.port });
      const done = (): void => {
        s.destroy();
        resolve();
      };
      s.once('connect', done);
      s.once('error', done);
      s.setTimeout(5000, done);
    }),
  );
  const rate = targets.length / ((performance.now() - t0) / 1000);
  row('raw TCP connect+close, 256 in flight, same 10,000 endpoints', `${n(rate)} connects/s`);
  return rate;
}

function runSummary(db: string): { seconds: number; services: number } {
  const d = new Database(db, { readonly: true });
  try {
    const r = d.prepare('SELECT started_at, finished_at FROM runs ORDER BY id DESC LIMIT 1').get() as { started_at: string; finished_at: string };
    const services = Number(d.prepare('SELECT count(*) FROM services').pluck().get());
    return { seconds: (Date.parse(r.finished_at) - Date.parse(r.started_at)) / 1000, services };
  } finally {
    d.close();
  }
}

async function exposureSweep(fleetPid: number, nodeFlags: readonly string[] = []): Promise<number> {
  const db = join(DIR, `sweep${nodeFlags.length}.db`);
  rmSync(db, { force: true });
  const fleetCpu0 = cpuSeconds(fleetPid);
  const f = await runChild(process.execPath, [...nodeFlags, CLI, 'scan', SWEEP, '--ports', String(FLEET_PORT), '--rate', '0', '--concurrency', '512', '--db', db, '--quiet', '--seed', '1'], 180_000);
  if (f.code !== 0) {
    row('Exposure DICOM sweep of the 10,000 endpoints', `failed (exit ${f.code}${f.timedOut ? ', timed out' : ''}): ${f.stderr.trim().split('\n').pop()}`);
    return 0;
  }
  const s = runSummary(db);
  const rate = 10_000 / s.seconds;
  const fleetBusy = (100 * (cpuSeconds(fleetPid) - fleetCpu0)) / f.seconds;
  row(
    `Exposure DICOM sweep of the 10,000 endpoints, 512 hosts in flight${nodeFlags.length ? ` (node ${nodeFlags.join(' ')})` : ''} (connect discovery, then associate, C-ECHO, C-FIND, release; AE guessing on AE-checking SCPs)`,
    `${s.seconds.toFixed(1)} s (${f.seconds.toFixed(1)} s with process start) = ${n(rate)} endpoints/s; ${s.services} services stored; peak RSS ${f.peakRssMb.toFixed(0)} MB; fleet process busy ${fleetBusy.toFixed(0)}% of one core`,
  );
  return rate;
}

async function nmapSweep(): Promise<number> {
  const list = join(DIR, 'nmap-targets.txt');
  writeFileSync(list, [...fleetEndpoints({ ...FLEET, groups: [FLEET.groups[0]!] })].map((e) => e.ip).join('\n') + '\n');
  const grepable = join(DIR, 'nmap.gnmap');
  const args = ['-n', '-Pn', '-sT', '-p', String(FLEET_PORT), '--script', '+dicom-ping', '-T4', '-iL', list, '-oG', grepable];
  const f = await runChild('nmap', args, 240_000);
  if (f.code !== 0 || f.timedOut) {
    row('nmap --script +dicom-ping on the same endpoints', `failed (exit ${f.code}${f.timedOut ? ', timed out after 240 s' : ''})`);
    return 0;
  }
  const open = (readFileSync(grepable, 'utf8').match(/\d+\/open\//g) ?? []).length;
  const rate = 10_000 / f.seconds;
  row(`nmap 7.93 -sT -T4 --script +dicom-ping on the same endpoints`, `${f.seconds.toFixed(1)} s = ${n(rate)} endpoints/s (${open} open ports reported)`);
  return rate;
}

async function slash16(): Promise<void> {
  const db = join(DIR, 'slash16.db');
  const f = await runChild(process.execPath, [CLI, 'scan', '127.2.0.0/16', '--ports', '104,4242,11112', '--rate', '0', '--concurrency', '512', '--db', db, '--quiet', '--seed', '1'], 240_000);
  if (f.code !== 0) {
    row('/16 sweep', `failed (exit ${f.code}${f.timedOut ? ', timed out' : ''})`);
    return;
  }
  const s = runSummary(db);
  row('a /16 (65,536 addresses × ports 104, 4242, 11112) with 1,000 live simulated PACS', `${s.seconds.toFixed(1)} s (${f.seconds.toFixed(1)} s with process start), ${s.services} services stored; peak RSS ${f.peakRssMb.toFixed(0)} MB`);
}

/** Peak RSS while parsing, excluding and walking the whole permutation of N scattered target specs. */
async function specMemory(): Promise<void> {
  for (const count of [10_000, 100_000, 1_000_000]) {
    const file = join(DIR, `specs-${count}.txt`);
    const out = createWriteStream(file);
    // Every other address of 10.0.0.0/8: no two specs merge into one range.
    for (let i = 0; i < count; i++) {
      const a = 0x0a000000 + i * 2;
      out.write(`${(a >>> 24) & 255}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}\n`);
    }
    await new Promise((r) => out.end(r));
    const f = await runChild(process.execPath, [CLI, 'scan', `@${file}`, '--dry-run', '--seed', '1'], 120_000);
    row(`peak RSS, ${n(count)} target specs (@file parsed, excluded, whole permutation walked, --dry-run)`, `${f.peakRssMb.toFixed(0)} MB in ${f.seconds.toFixed(1)} s${f.code === 0 ? '' : ` (exit ${f.code})`}`);
  }
}

async function zmapIngest(): Promise<void> {
  const file = join(DIR, 'zmap.csv');
  const out = createWriteStream(file);
  const lines = 1_000_000;
  out.write('saddr,sport,classification,success\n');
  for (let i = 0; i < lines; i++) out.write(`10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255},104,synack,1\n`);
  await new Promise((r) => out.end(r));
  const t0 = performance.now();
  let count = 0;
  for await (const _ of readResultFile(file)) count++;
  const s = (performance.now() - t0) / 1000;
  row('ZMap CSV ingest (parse and validate, streamed)', `${n(count / s)} lines/s (${n(count)} lines in ${s.toFixed(1)} s)`);
}

console.log('# Exposure benchmarks');
const limits = openFileLimits();
console.log(`open-files limit here: soft ${limits?.soft ?? '?'}, hard ${limits?.hard ?? '?'} (the fleet raises its soft limit to the hard one)`);
codecFigures();
await zmapIngest();
await specMemory();
const t0 = performance.now();
const fleet = await spawnFleet(FLEET);
console.log(`fleet: ${fleet.listening} listening SCPs in its own process, started in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
try {
  const raw = await connectRate();
  const ours = await exposureSweep(fleet.child.pid!);
  const theirs = await nmapSweep();
  if (ours > 0 && theirs > 0) row('Exposure / nmap rate', `${(ours / theirs).toFixed(2)}× (target ≥ 2×); Exposure at ${((100 * ours) / raw).toFixed(0)}% of the raw connect rate`);
  await slash16();
  // V8 sizes its heap lazily: the same sweep with the old generation capped (docs/benchmarks.md).
  await exposureSweep(fleet.child.pid!, ['--max-old-space-size=64']);
} finally {
  await fleet.stop();
}
qidoParseFigures();
await dicomwebProbeFigures();
await (await import('./report.ts')).reportFigures();
console.log('\n| what | figure |\n| --- | --- |');
for (const [what, figure] of rows) console.log(`| ${what} | ${figure} |`);
