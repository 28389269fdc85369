/**
 * The whole path against the lab's real servers: `exposure scan` and every
 * `exposure report` format, run as a user runs them, then
 *  - each server's result equals what the lab loaded and how it is configured;
 *  - no canary patient value appears in any byte of the store, the outputs or the logs.
 * Runs on 127.0.30.x so other test files can use their own addresses in parallel.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CANARY_VALUES, startLab, type Lab, type LabServerName } from '../../src/lab/lab.ts';
import type { ServiceRow } from '../../src/store/store.ts';
import { dicomDetails } from '../../src/observation/observation.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';

const run = promisify(execFile);
/** The five DICOM servers; the web and TLS servers are tested in test/integration/web-scan.test.ts. */
const ADDRESSES: Partial<Record<LabServerName, string>> = {
  'orthanc-open': '127.0.30.2',
  'orthanc-locked': '127.0.30.3',
  dcmqrscp: '127.0.30.4',
  storescp: '127.0.30.5',
  'orthanc-echo-only': '127.0.30.6',
};
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'exposure.js');

let labDir: string;
let outDir: string;
let lab: Lab;
let services: ServiceRow[];

async function exposure(args: string[], name: string): Promise<void> {
  const r = await run(process.execPath, [CLI, ...args], {
    env: { ...process.env, EXPOSURE_LOG_LEVEL: 'debug' },
    timeout: 120_000,
    maxBuffer: 64 << 20,
  });
  await writeFile(join(outDir, `${name}.stdout`), r.stdout);
  await writeFile(join(outDir, `${name}.stderr`), r.stderr);
}

function service(name: LabServerName): ServiceRow {
  const s = services.find((x) => x.ip === ADDRESSES[name]);
  assert.ok(s, `no service stored for ${name}`);
  return s;
}

before(async () => {
  labDir = await mkdtemp(join(tmpdir(), 'exposure-lab-'));
  outDir = await mkdtemp(join(tmpdir(), 'exposure-out-'));
  lab = await startLab({ dir: join(labDir, 'lab'), addresses: ADDRESSES, only: Object.keys(ADDRESSES) as LabServerName[] });
  const db = join(outDir, 'scan.db');
  await exposure(['scan', '127.0.30.1-127.0.30.9', '--ports', '104,4242,11112', '--db', db, '--io-timeout', '5000'], 'scan');
  for (const format of ['table', 'json', 'csv', 'md']) {
    await exposure(['report', '--db', db, '--format', format, '--out', join(outDir, `report.${format}`)], `report-${format}`);
  }
  const store = openSqliteStore(db, { readonly: true });
  services = await store.services((await store.latestRunId())!);
  await store.close();
});

after(async () => {
  await lab?.stop();
  await rm(labDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

describe('scan of the lab', () => {
  it('finds exactly the five DICOM services', () => {
    assert.deepEqual(services.map((s) => `${s.ip}:${s.port}`).sort(), Object.values(ADDRESSES).map((ip) => {
      const srv = lab.servers.find((x) => x.ip === ip)!;
      return `${ip}:${srv.dicomPort}`;
    }).sort());
    for (const s of services) assert.equal(s.protocol, 'dicom');
  });

  for (const name of Object.keys(ADDRESSES) as LabServerName[]) {
    it(`${name}: association, echo, query and counts match the lab`, () => {
      const expected = lab.servers.find((s) => s.name === name)!.expected;
      const o = service(name).observation;
      const d = dicomDetails(o);
      assert.ok(d, 'DICOM details recorded');
      assert.equal(d.acceptsAnyCalledAeTitle, expected.acceptsAnyCalledAe, 'accepts any called AE');
      assert.equal(d.echo.outcome === 'success', expected.echo, `C-ECHO ${d.echo.outcome}`);
      assert.equal(d.find.outcome === 'success' && d.find.matches > 0, expected.find, `C-FIND ${d.find.outcome}`);
      if (expected.find) {
        assert.deepEqual(o.exposure.patients, { n: expected.patients, atLeast: false });
        assert.deepEqual(o.exposure.studies, { n: expected.studies, atLeast: false });
        assert.deepEqual(o.exposure.series, { n: expected.series, atLeast: false });
        assert.deepEqual(o.exposure.images, { n: expected.images, atLeast: false });
        assert.deepEqual(d.find.modalities, [...expected.modalities].sort());
      } else {
        assert.equal(o.exposure.patients, undefined);
      }
      // Every lab server answers with DCMTK's identifiers; a rejected one never says who it is, and
      // an Orthanc is told apart by how it behaves (probes/dicom/behaviour-fingerprints.ts).
      const product = lab.servers.find((s) => s.name === name)!.product === 'Orthanc' ? 'Orthanc' : 'DCMTK';
      assert.equal(o.product?.name, d.acceptedCalledAeTitle === undefined ? undefined : product);
    });
  }

  it('orthanc-open: critical finding, PatientName and PatientBirthDate inventoried for every study', () => {
    const s = service('orthanc-open');
    assert.ok(s.findings.some((f) => f.ruleId === 'EXP-DICOM-001' && f.severity === 'critical'));
    assert.ok(s.findings.some((f) => f.ruleId === 'EXP-DICOM-002'));
    const inv = new Map(s.observation.inventory?.attributes.map((a) => [a.keyword, a.present]));
    assert.equal(inv.get('PatientName'), 4);
    assert.equal(inv.get('PatientBirthDate'), 4);
    assert.equal(inv.get('PatientAddress'), 4);
  });

  it('orthanc-locked: every title rejected as "called AE title not recognised", nothing reachable', () => {
    const s = service('orthanc-locked');
    assert.equal(s.status, 'rejected');
    const d = dicomDetails(s.observation)!;
    assert.ok(d.attempts.length > 1);
    for (const a of d.attempts) assert.deepEqual([a.outcome, a.reject?.source, a.reject?.reason], ['rejected', 1, 7]);
    assert.deepEqual(s.findings.map((f) => f.ruleId), ['EXP-DICOM-004']);
  });

  it('dcmqrscp: rejects the unlikely title, found DCMQRSCP from the guess list', () => {
    const s = service('dcmqrscp');
    const d = dicomDetails(s.observation)!;
    assert.equal(d.attempts[0]?.reject?.reason, 7);
    assert.equal(d.acceptedCalledAeTitle, 'DCMQRSCP');
    assert.equal(d.attempts.at(-1)?.origin, 'guess-list');
    assert.ok(s.findings.some((f) => f.ruleId === 'EXP-DICOM-003'));
    assert.ok(s.findings.some((f) => f.ruleId === 'EXP-DICOM-001'));
  });

  it('storescp: echo only, the query context not accepted', () => {
    const d = dicomDetails(service('storescp').observation)!;
    assert.equal(d.find.outcome, 'not-negotiated');
    assert.equal(d.release, 'released');
  });

  it('orthanc-echo-only: the C-FIND is answered with an A-ABORT, no exposure counted', () => {
    const s = service('orthanc-echo-only');
    assert.equal(dicomDetails(s.observation)!.find.outcome, 'aborted');
    assert.ok(!s.findings.some((f) => f.ruleId === 'EXP-DICOM-001' || f.ruleId === 'EXP-DICOM-005'));
  });
});

describe('privacy', () => {
  it('no canary patient value in any byte of the store, the reports or the logs', async () => {
    assert.ok(CANARY_VALUES.length > 50);
    const files = await readdir(outDir);
    assert.ok(files.includes('scan.db') && files.includes('report.json') && files.includes('scan.stderr'));
    for (const f of files) {
      const bytes = await readFile(join(outDir, f));
      const text = bytes.toString('latin1');
      const utf8 = bytes.toString('utf8');
      for (const v of CANARY_VALUES) {
        assert.ok(!text.includes(v) && !utf8.includes(v), `canary value found in ${f}`);
      }
    }
  });

  it('the canary values really are in the servers (the grep above could fail)', async () => {
    const folder = join(labDir, 'lab', 'studies');
    const files = (await readdir(folder, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    assert.ok(files.length >= 17);
    const sample = await readFile(join(files[0]!.parentPath, files[0]!.name));
    assert.ok(CANARY_VALUES.some((v) => sample.toString('latin1').includes(v)));
  });
});
