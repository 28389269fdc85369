/**
 * Honeypots told apart: four simulated public honeypots (three DICOMHawk GE
 * personas, one dicompot) serving DICOMHawk's lure studies, beside two real
 * archives of the lab (Orthanc open, dcmqrscp), scanned with `exposure scan`
 * as a user runs it, then
 *  - every persona is assessed a likely honeypot with the signals it shows;
 *  - the real servers are not;
 *  - the study tables and totals leave the personas out and say so, and count
 *    them with --keep-honeypots; the packs write no letter about them;
 *  - no canary value in any byte of the store, any report format, the packs or the logs.
 * Runs on 127.0.99.x, this suite's own block.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CANARY_VALUES, startLab, type Lab, type LabServerName } from '../../src/lab/lab.ts';
import { startHoneypots, type HoneypotInstance, type Honeypots } from '../../src/lab/fleet/honeypot.ts';
import type { ServiceRow } from '../../src/store/store.ts';
import { assertNoValueIn, filesUnder, latestServices, loggedRun } from './scan-outputs.ts';

const ADDRESSES: Partial<Record<LabServerName, string>> = {
  'orthanc-open': '127.0.99.2',
  dcmqrscp: '127.0.99.4',
};
const PERSONAS: readonly HoneypotInstance[] = [
  { ip: '127.0.99.21', port: 11112, persona: 'dicomhawk-ge-ct' },
  { ip: '127.0.99.22', port: 11112, persona: 'dicomhawk-ge-ct' },
  { ip: '127.0.99.23', port: 11112, persona: 'dicomhawk-ge-ct' },
  { ip: '127.0.99.24', port: 11112, persona: 'dicompot' },
];
const FORMATS = ['table', 'json', 'ndjson', 'csv', 'sarif', 'md', 'html'] as const;

let labDir: string;
let outDir: string;
let lab: Lab;
let honeypots: Honeypots;
let services: ServiceRow[];

interface JsonReport {
  totals: { services: number; exposedServices: number; studies?: { n: number }; likelyHoneypots?: { services: number; counted: boolean } };
  services: Array<{ ip: string; honeypot?: { level: string; signals: string[] } }>;
  tables: { byProtocol: Array<{ key: string; services: number }> };
}

const dicomOf = (ip: string): ServiceRow[] => services.filter((s) => s.ip === ip && (s.protocol === 'dicom' || s.protocol === 'dicom-tls') && s.status === 'success');

before(async () => {
  labDir = await mkdtemp(join(tmpdir(), 'exposure-honeypot-lab-'));
  outDir = await mkdtemp(join(tmpdir(), 'exposure-honeypot-out-'));
  honeypots = await startHoneypots(PERSONAS);
  lab = await startLab({ dir: join(labDir, 'lab'), addresses: ADDRESSES, only: Object.keys(ADDRESSES) as LabServerName[] });
  const db = join(outDir, 'scan.db');
  const exposure = (args: string[], name: string): Promise<void> => loggedRun(outDir, args, name);
  await exposure(['scan', '127.0.99.1-127.0.99.25', '--ports', '104,4242,11112', '--db', db, '--io-timeout', '5000'], 'scan');
  for (const format of FORMATS) await exposure(['report', '--db', db, '--format', format, '--out', join(outDir, `report.${format}`)], `report-${format}`);
  await exposure(['report', '--db', db, '--format', 'json', '--keep-honeypots', '--out', join(outDir, 'kept.json')], 'report-kept');
  await exposure(['report', '--db', db, '--by', 'org', '--out', join(outDir, 'packs')], 'report-packs');
  services = await latestServices(db);
});

after(async () => {
  await honeypots?.close();
  await lab?.stop();
  await rm(labDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

describe('honeypots told apart from real archives', () => {
  it('assesses every persona a likely honeypot, with the signals it shows', () => {
    for (const p of PERSONAS) {
      const [s] = dicomOf(p.ip);
      assert.ok(s, `no DICOM service stored for ${p.ip}`);
      assert.equal(s.honeypot?.level, 'likely', `${p.ip}: ${JSON.stringify(s.honeypot)}`);
      const signals = s.honeypot!.signals;
      for (const expected of ['any-called-ae', 'lure-dataset', 'same-keyed-dataset', 'same-dataset']) assert.ok(signals.includes(expected as never), `${p.ip} lacks ${expected}: ${signals.join(', ')}`);
      assert.ok(signals.includes(p.persona === 'dicompot' ? 'no-implementation-uid' : 'honeypot-persona'), `${p.ip}: ${signals.join(', ')}`);
    }
  });

  it('does not flag the real servers', () => {
    for (const ip of Object.values(ADDRESSES)) {
      const found = dicomOf(ip!);
      assert.ok(found.length > 0, `no DICOM service stored for ${ip}`);
      for (const s of found) assert.notEqual(s.honeypot?.level, 'likely', `${ip}: ${JSON.stringify(s.honeypot)}`);
    }
  });

  it('leaves the personas out of the tables and totals, says so, and counts them with --keep-honeypots', async () => {
    const report = JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8')) as JsonReport;
    const kept = JSON.parse(await readFile(join(outDir, 'kept.json'), 'utf8')) as JsonReport;
    assert.deepEqual(report.totals.likelyHoneypots, { services: PERSONAS.length, counted: false });
    assert.deepEqual(kept.totals.likelyHoneypots, { services: PERSONAS.length, counted: true });
    assert.equal(kept.totals.services - report.totals.services, PERSONAS.length);
    assert.equal(kept.totals.exposedServices - report.totals.exposedServices, PERSONAS.length);
    const dicom = (r: JsonReport): number => r.tables.byProtocol.find((b) => b.key === 'dicom')?.services ?? 0;
    assert.equal(dicom(kept) - dicom(report), PERSONAS.length);
    assert.equal(report.services.filter((s) => s.honeypot?.level === 'likely').length, PERSONAS.length, 'each service still lists its assessment');
    const md = await readFile(join(outDir, 'report.md'), 'utf8');
    assert.match(md, /4 likely honeypots excluded \(--keep-honeypots to count them\)/);
    const table = await readFile(join(outDir, 'report.table'), 'utf8');
    assert.match(table, /Honeypots: 4 likely honeypots excluded/);
    const scan = await readFile(join(outDir, 'scan.stdout'), 'utf8');
    assert.match(scan, /Honeypots: 4 likely honeypots excluded/);
    for (const letter of (await filesUnder(join(outDir, 'packs'))).filter((f) => f.endsWith('README.md'))) {
      const text = await readFile(letter, 'utf8');
      for (const p of PERSONAS) assert.ok(!text.includes(`${p.ip}:${p.port}`), `${letter} writes about the honeypot ${p.ip}`);
    }
  });

  it('leaves no canary value in the store, the reports, the packs or the logs', async () => {
    const files = await filesUnder(outDir);
    assert.ok(files.length > FORMATS.length + 3, 'outputs were written');
    await assertNoValueIn(files, CANARY_VALUES);
  });
});
