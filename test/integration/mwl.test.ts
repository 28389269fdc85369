/**
 * The modality worklist against a real one: DCMTK's wlmscpfs serving the lab's
 * canary worklist, beside two archives without a worklist (Orthanc, dcmqrscp),
 * scanned with `exposure scan` as a user runs it, then
 *  - the worklist's items and patients equal what the lab loaded, its identifying
 *    attributes are inventoried, and EXP-DICOM-007 (critical) is raised;
 *  - the archives answer as before, their worklist context rejected;
 *  - no canary value in any byte of the store, any report format, the packs or the logs.
 * Runs on 127.0.96.x, this suite's own block.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CANARY_VALUES, CANARY_WORKLIST, startLab, type Lab, type LabServerName } from '../../src/lab/lab.ts';
import { dicomDetails } from '../../src/observation/observation.ts';
import { UID } from '../../src/protocols/dicom/uids.ts';
import type { ServiceRow } from '../../src/store/store.ts';
import { assertNoValueIn, filesUnder, latestServices, loggedRun } from './scan-outputs.ts';

const ADDRESSES: Partial<Record<LabServerName, string>> = {
  'orthanc-open': '127.0.96.2',
  dcmqrscp: '127.0.96.4',
  wlmscpfs: '127.0.96.14',
};
const FORMATS = ['table', 'json', 'ndjson', 'csv', 'sarif', 'md', 'html'] as const;

let labDir: string;
let outDir: string;
let lab: Lab;
let services: ServiceRow[];

function service(name: LabServerName): ServiceRow {
  const s = services.find((x) => x.ip === ADDRESSES[name]);
  assert.ok(s, `no service stored for ${name}`);
  return s;
}

before(async () => {
  labDir = await mkdtemp(join(tmpdir(), 'exposure-mwl-lab-'));
  outDir = await mkdtemp(join(tmpdir(), 'exposure-mwl-out-'));
  lab = await startLab({ dir: join(labDir, 'lab'), addresses: ADDRESSES, only: Object.keys(ADDRESSES) as LabServerName[] });
  const db = join(outDir, 'scan.db');
  const exposure = (args: string[], name: string): Promise<void> => loggedRun(outDir, args, name);
  await exposure(['scan', '127.0.96.1-127.0.96.15', '--ports', '104,4242,11112', '--db', db, '--io-timeout', '5000'], 'scan');
  for (const format of FORMATS) await exposure(['report', '--db', db, '--format', format, '--out', join(outDir, `report.${format}`)], `report-${format}`);
  await exposure(['report', '--db', db, '--by', 'org', '--out', join(outDir, 'packs')], 'report-packs');
  services = await latestServices(db);
});

after(async () => {
  await lab?.stop();
  await rm(labDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

describe('scan of a real modality worklist (wlmscpfs)', () => {
  it('the lab loaded and checked the canary worklist', () => {
    const w = lab.servers.find((s) => s.name === 'wlmscpfs')!;
    assert.deepEqual(w.expected.worklist, { items: CANARY_WORKLIST.length, patients: 3 });
  });

  it('finds OFFIS from the guess list, echo, the Study Root context refused, the worklist read whole', () => {
    const s = service('wlmscpfs');
    const expected = lab.servers.find((x) => x.name === 'wlmscpfs')!.expected;
    const d = dicomDetails(s.observation)!;
    assert.equal(s.status, 'success');
    assert.equal(d.attempts[0]?.reject?.reason, 7, 'the unlikely title is rejected: called AE title not recognised');
    assert.equal(d.acceptedCalledAeTitle, 'OFFIS');
    assert.equal(d.echo.outcome, 'success');
    assert.equal(d.find.outcome, 'not-negotiated');
    assert.ok(d.peer?.acceptedContexts.some((c) => c.abstractSyntax === UID.modalityWorklistFind));
    assert.equal(d.mwl?.outcome, 'success');
    assert.equal(d.mwl?.matches, expected.worklist?.items);
    assert.equal(d.mwl?.capped, false);
    assert.deepEqual(d.mwl?.patients, { n: expected.worklist?.patients, atLeast: false });
    assert.deepEqual(d.mwl?.modalities, ['CT', 'MR', 'US']);
    assert.equal(s.observation.exposure.studies, undefined, 'a worklist holds no studies');
  });

  it('inventories the identifying attributes of every item, the scheduled step\'s included', () => {
    const d = dicomDetails(service('wlmscpfs').observation)!;
    const present = new Map(d.mwl?.inventory?.attributes.map((a) => [a.keyword, a.present]));
    const items = CANARY_WORKLIST.length;
    assert.equal(d.mwl?.inventory?.records, items);
    for (const keyword of [
      'PatientName',
      'PatientID',
      'PatientBirthDate',
      'PatientSex',
      'PatientWeight',
      'MedicalAlerts',
      'Allergies',
      'AdmissionID',
      'AccessionNumber',
      'ReferringPhysicianName',
      'RequestingPhysician',
      'RequestedProcedureDescription',
      'ScheduledPerformingPhysicianName',
      'ScheduledProcedureStepDescription',
    ]) {
      assert.equal(present.get(keyword), items, keyword);
    }
  });

  it('raises EXP-DICOM-007 (critical), counts the service as exposed, and the reports say so', async () => {
    const s = service('wlmscpfs');
    const f = s.findings.find((x) => x.ruleId === 'EXP-DICOM-007');
    assert.equal(f?.severity, 'critical');
    assert.match(f?.evidence ?? '', /returned 4 scheduled procedure steps of 3 patients/);
    assert.ok(!s.findings.some((x) => x.ruleId === 'EXP-DICOM-001'));
    const json = JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8')) as { services: Array<{ ip: string; exposed: boolean; worklist?: string; worklistItems?: { n: number } }> };
    const reported = json.services.find((x) => x.ip === ADDRESSES.wlmscpfs);
    assert.equal(reported?.exposed, true);
    assert.equal(reported?.worklistItems?.n, 4);
    assert.match(reported?.worklist ?? '', /^success: 4 scheduled steps of 3 patients · CT, MR, US · AccessionNumber, ReferringPhysicianName, PatientName, PatientID, PatientBirthDate, /);
    assert.match(await readFile(join(outDir, 'report.md'), 'utf8'), /## Modality worklists[\s\S]*127\.0\.96\.14:104 \| success: 4 scheduled steps/);
    assert.match(await readFile(join(outDir, 'report.html'), 'utf8'), /<th>Worklist<\/th><td>success: 4 scheduled steps of 3 patients/);
    assert.match(await readFile(join(outDir, 'report.table'), 'utf8'), /worklist success: 4 scheduled steps/);
    assert.match(await readFile(join(outDir, 'report.sarif'), 'utf8'), /EXP-DICOM-007/);
    const [header, ...rows] = (await readFile(join(outDir, 'report.csv'), 'utf8')).split('\r\n');
    const columns = header!.split(',');
    const cells = rows.find((r) => r.startsWith(`${ADDRESSES.wlmscpfs},`))!.split(',');
    assert.equal(cells[columns.indexOf('worklist_items')], '4');
    assert.equal(cells[columns.indexOf('worklist_patients')], '3');
  });

  it('archives without a worklist: the context rejected, nothing asked, their studies counted as before', () => {
    for (const name of ['orthanc-open', 'dcmqrscp'] as const) {
      const s = service(name);
      const expected = lab.servers.find((x) => x.name === name)!.expected;
      const d = dicomDetails(s.observation)!;
      assert.equal(d.mwl?.outcome, 'not-negotiated', name);
      assert.ok(d.peer?.rejectedContexts.some((c) => c.abstractSyntax === UID.modalityWorklistFind), name);
      assert.deepEqual(s.observation.exposure.studies, { n: expected.studies, atLeast: false }, name);
      assert.ok(!s.findings.some((x) => x.ruleId === 'EXP-DICOM-007'), name);
      assert.equal(s.observation.error, undefined, name);
    }
  });
});

describe('privacy', () => {
  it('no canary value in any byte of the store, the reports, the packs or the logs', async () => {
    const files = await filesUnder(outDir);
    for (const want of ['scan.db', 'report.json', 'report.html', 'scan.stderr', 'index.md']) assert.ok(files.some((f) => f.endsWith(want)), want);
    await assertNoValueIn(files, CANARY_VALUES);
  });

  it('the worklist canary values really are in the server\'s files (the grep above could fail)', async () => {
    const wl = (await filesUnder(join(labDir, 'lab', 'wlmscpfs', 'worklists'))).filter((f) => f.endsWith('.wl'));
    assert.equal(wl.length, CANARY_WORKLIST.length);
    const text = (await readFile(wl[0]!)).toString('latin1');
    for (const v of ['TANSYMARSH^THEOBALD', 'CNRYW31870452', 'CT ABDOMEN PELVIS CNRY-RPD-7701', 'MARLOWBRAKE^ISOLDINE']) {
      assert.ok(CANARY_VALUES.includes(v), `${v.length}-character value listed`);
      assert.ok(text.includes(v), 'planted in the worklist file');
    }
  });
});
