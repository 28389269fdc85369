/**
 * Scale without a fleet to compare against: the pure codec, ZMap ingest,
 * target specs by the million, and a /16 (127.4.0.0/16) with 1,000 live
 * simulated PACS among 65,536 addresses × 3 ports.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { readResultFile } from '../src/scope/result-files.ts';
import { decodePdu, encodePdu } from '../src/protocols/dicom/ul/index.ts';
import { UID } from '../src/protocols/dicom/uids.ts';
import { CLI, mb, n, readRun, type Bench } from './common.ts';
import { withFleet } from './fleets.ts';
import { runChild } from './measure.ts';

function codecFigures(bench: Bench): void {
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
  bench.row('A-ASSOCIATE-RQ decode (pure codec)', `${n((count / (performance.now() - t0)) * 1000)} PDUs/s`);
}

async function zmapIngest(bench: Bench): Promise<void> {
  const file = join(bench.dir, 'zmap.csv');
  const out = createWriteStream(file);
  const lines = 1_000_000;
  out.write('saddr,sport,classification,success\n');
  for (let i = 0; i < lines; i++) out.write(`10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255},104,synack,1\n`);
  await new Promise((r) => out.end(r));
  const t0 = performance.now();
  let count = 0;
  for await (const _ of readResultFile(file)) count++;
  const s = (performance.now() - t0) / 1000;
  bench.row('ZMap CSV ingest (parse and validate, streamed)', `${n(count / s)} lines/s (${n(count)} lines in ${s.toFixed(1)} s)`);
}

/** Peak RSS while parsing, excluding and walking the whole permutation of N scattered target specs. */
async function specMemory(bench: Bench): Promise<void> {
  for (const count of [10_000, 100_000, 1_000_000]) {
    const file = join(bench.dir, `specs-${count}.txt`);
    const out = createWriteStream(file);
    // Every other address of 10.0.0.0/8: no two specs merge into one range.
    for (let i = 0; i < count; i++) {
      const a = 0x0a000000 + i * 2;
      out.write(`${(a >>> 24) & 255}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}\n`);
    }
    await new Promise((r) => out.end(r));
    const f = await runChild(process.execPath, [CLI, 'scan', `@${file}`, '--dry-run', '--seed', '1'], 120_000);
    bench.row(`peak RSS, ${n(count)} target specs (@file parsed, excluded, whole permutation walked, --dry-run)`, `${mb(f.peakRssMb)} in ${f.seconds.toFixed(1)} s${f.code === 0 ? '' : ` (exit ${f.code})`}`);
  }
}

async function slash16(bench: Bench): Promise<void> {
  const config = {
    // 1,000 live PACS spread over 127.4.0.0/16, on 104, 4242 and 11112 in turn.
    groups: [{ first: '127.4.0.3', stride: 65, count: 1000, ports: [104, 4242, 11112], mix: { open: 90, 'ae-checking': 5, rejecting: 5 } }],
    aeTitle: 'ORTHANC',
    slowMs: 0,
  };
  await withFleet(config, async () => {
    const db = join(bench.dir, 'slash16.db');
    const f = await runChild(process.execPath, [CLI, 'scan', '127.4.0.0/16', '--ports', '104,4242,11112', '--rate', '0', '--concurrency', '512', '--db', db, '--quiet', '--seed', '1'], 600_000);
    const what = 'a /16 (65,536 addresses × ports 104, 4242, 11112) with 1,000 live simulated PACS, 512 in flight';
    if (f.code !== 0) return bench.row(what, `failed (exit ${f.code}${f.timedOut ? ', timed out' : ''})`);
    const s = readRun(db);
    bench.row(what, `${s.seconds.toFixed(1)} s (${f.seconds.toFixed(1)} s with process start), ${n(s.dicom)} DICOM services found; peak RSS ${mb(f.peakRssMb)}`);
  });
}

export async function scalePiece(bench: Bench): Promise<void> {
  codecFigures(bench);
  await zmapIngest(bench);
  await specMemory(bench);
  await slash16(bench);
}
