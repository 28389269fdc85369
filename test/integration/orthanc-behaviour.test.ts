/**
 * Orthanc told apart from DCMTK by how it behaves, against the real servers: three
 * Orthanc 1.10.1 (open; echo only; behind its default AE title) and DCMTK's dcmqrscp,
 * storescp and wlmscpfs, every one answering with DCMTK 3.6.7's identifiers. Scanned
 * with `exposure scan` on their DICOM ports only, so no REST API is reachable, then
 *  - each Orthanc is "Orthanc (DICOM behaviour)" with its confidence, no version,
 *    built on DCMTK 3.6.7; DCMTK's own servers stay DCMTK 3.6.7;
 *  - no finding and no report line names DCMTK as an Orthanc's product;
 *  - with the open Orthanc's REST port scanned too, REST confirms it: certain, 1.10.1;
 *  - no canary value in any byte of the store, any report format, the packs or the logs.
 * Runs on 127.0.101.x, this suite's own block.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CANARY_VALUES, startLab, type Lab, type LabServerName } from '../../src/lab/lab.ts';
import type { ServiceRow } from '../../src/store/store.ts';
import { assertNoValueIn, filesUnder, latestServices, loggedRun, scanWithReportsAndPacks } from './scan-outputs.ts';

const ADDRESSES: Partial<Record<LabServerName, string>> = {
  'orthanc-open': '127.0.101.2',
  dcmqrscp: '127.0.101.4',
  storescp: '127.0.101.5',
  'orthanc-echo-only': '127.0.101.6',
  'orthanc-default-login': '127.0.101.11',
  wlmscpfs: '127.0.101.14',
};
const ORTHANCS = ['orthanc-open', 'orthanc-echo-only', 'orthanc-default-login'] as const;
const DCMTKS = ['dcmqrscp', 'storescp', 'wlmscpfs'] as const;
const FORMATS = ['table', 'json', 'csv', 'sarif', 'md', 'html'] as const;

let labDir: string;
let outDir: string;
let lab: Lab;
let services: ServiceRow[];
let confirmed: ServiceRow[];

function service(name: LabServerName, from = services): ServiceRow {
  const s = from.find((x) => x.ip === ADDRESSES[name] && x.protocol === 'dicom');
  assert.ok(s, `no DICOM service stored for ${name}`);
  return s;
}

before(async () => {
  labDir = await mkdtemp(join(tmpdir(), 'exposure-orthanc-lab-'));
  outDir = await mkdtemp(join(tmpdir(), 'exposure-orthanc-out-'));
  lab = await startLab({ dir: join(labDir, 'lab'), addresses: ADDRESSES, only: Object.keys(ADDRESSES) as LabServerName[] });
  // DICOM ports only: no REST API is reachable to name anything.
  services = await scanWithReportsAndPacks(outDir, join(outDir, 'scan.db'), ['127.0.101.1-127.0.101.15', '--ports', '104,4242,11112', '--io-timeout', '5000'], FORMATS);
  const withRest = join(outDir, 'rest.db');
  await loggedRun(outDir, ['scan', ADDRESSES['orthanc-open']!, '--ports', '4242,8042', '--db', withRest, '--io-timeout', '5000'], 'scan-rest');
  confirmed = await latestServices(withRest);
});

after(async () => {
  await lab?.stop();
  await rm(labDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

describe('Orthanc by its DICOM behaviour, REST not reachable', () => {
  it('names each Orthanc by behaviour, with its confidence, no version, built on DCMTK 3.6.7', () => {
    const expected = { 'orthanc-open': 'likely', 'orthanc-echo-only': 'guess', 'orthanc-default-login': 'likely' } as const;
    for (const name of ORTHANCS) {
      const p = service(name).observation.product;
      assert.deepEqual(
        { name: p?.name, version: p?.version, by: p?.identifiedBy, confidence: p?.confidence, toolkit: p?.toolkit },
        { name: 'Orthanc', version: undefined, by: 'dicom-behaviour', confidence: expected[name], toolkit: { name: 'DCMTK', version: '3.6.7' } },
        name,
      );
      assert.match(p?.basis ?? '', /^DICOM behaviour: .+; identifiers of DCMTK 3\.6\.7$/, name);
    }
    assert.match(service('orthanc-open').observation.product?.basis ?? '', /Specific Character Set/);
    assert.match(service('orthanc-echo-only').observation.product?.basis ?? '', /C-FIND refused with an A-ABORT/);
    assert.match(service('orthanc-default-login').observation.product?.basis ?? '', /only called AE ORTHANC accepted/);
  });

  it('leaves dcmqrscp, storescp and wlmscpfs DCMTK 3.6.7, by their implementation UID', () => {
    for (const name of DCMTKS) {
      const p = service(name).observation.product;
      assert.deepEqual([p?.name, p?.version, p?.identifiedBy, p?.toolkit], ['DCMTK', '3.6.7', 'implementation-uid', undefined], name);
    }
  });

  it('no finding and no report names DCMTK as an Orthanc\'s product', async () => {
    for (const name of ORTHANCS) {
      for (const f of service(name).findings) assert.doesNotMatch(f.evidence, /DCMTK 3\.6\.7:/, `${name} ${f.ruleId}`);
      assert.ok(!service(name).findings.some((f) => f.ruleId === 'EXP-DICOM-006'), `${name}: DCMTK 3.6.7 has no listed CVE`);
    }
    const json = JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8')) as { services: Array<{ ip: string; product?: string; productBuiltOn?: string; productConfidence?: string }> };
    for (const name of ORTHANCS) {
      const reported = json.services.find((s) => s.ip === ADDRESSES[name]);
      assert.match(reported?.product ?? '', /^Orthanc \(DICOM behaviour, (likely|guess)\)$/, name);
      assert.equal(reported?.productBuiltOn, 'DCMTK 3.6.7', name);
    }
    for (const name of DCMTKS) assert.equal(json.services.find((s) => s.ip === ADDRESSES[name])?.product, 'DCMTK 3.6.7', name);
    const md = await readFile(join(outDir, 'report.md'), 'utf8');
    assert.match(md, /127\.0\.101\.2:4242 \|[^\n]*\| Orthanc \(DICOM behaviour, likely\) \|/);
    assert.doesNotMatch(md, /127\.0\.101\.(2|6|11):4242 \|[^\n]*\| DCMTK/);
    assert.match(await readFile(join(outDir, 'report.html'), 'utf8'), /<th>Product<\/th><td>Orthanc \(DICOM behaviour, guess\)<\/td>/);
    const [header, ...rows] = (await readFile(join(outDir, 'report.csv'), 'utf8')).split('\r\n');
    const columns = header!.split(',');
    const cells = rows.find((r) => r.startsWith(`${ADDRESSES['orthanc-open']},`))!.split(',');
    assert.equal(cells[columns.indexOf('product')], 'Orthanc');
  });

  it('REST on the same host confirms the open one: Orthanc 1.10.1, certain, still built on DCMTK 3.6.7', () => {
    const p = service('orthanc-open', confirmed).observation.product;
    assert.deepEqual(
      { name: p?.name, version: p?.version, by: p?.identifiedBy, confidence: p?.confidence, toolkit: p?.toolkit },
      { name: 'Orthanc', version: '1.10.1', by: 'rest', confidence: 'certain', toolkit: { name: 'DCMTK', version: '3.6.7' } },
    );
  });
});

describe('privacy', () => {
  it('no canary value in any byte of the store, the reports, the packs or the logs', async () => {
    const files = await filesUnder(outDir);
    for (const want of ['scan.db', 'rest.db', 'report.json', 'report.html', 'scan.stderr', 'index.md']) assert.ok(files.some((f) => f.endsWith(want)), want);
    await assertNoValueIn(files, CANARY_VALUES);
  });

  it('the open Orthanc answered with canary patients (the grep above could fail)', () => {
    const s = service('orthanc-open');
    assert.ok((s.observation.exposure.patients?.n ?? 0) > 0);
    assert.ok(s.observation.inventory?.attributes.some((a) => a.keyword === 'PatientName' && a.present > 0));
  });
});
