/**
 * `exposure findings` and likely honeypots, as a user runs it (the compiled
 * CLI, npm run build): by default the findings on DICOMHawk personas are left
 * out and the output says how many; --keep-honeypots lists them, marked in
 * the table and in the JSON. One scope's run in SQLite, assessed by the pass.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { honeypotPass } from '../../src/cli/honeypots.ts';
import { SQLITE, type TestStore } from '../store/engines.ts';
import { ANY_AE, EXPOSED, FIND_OPEN, honeypotPersona, RUN_META } from '../store/fixtures.ts';
import { exposure } from './exposure-cli.ts';

let t: TestStore;

before(async () => {
  t = await SQLITE.create();
  const runId = await t.store.startRun(RUN_META);
  const hosts = [
    { ip: '10.0.0.5', services: [{ observation: EXPOSED, findings: [FIND_OPEN, ANY_AE] }] },
    ...['10.9.0.1', '10.9.0.2', '10.9.0.3'].map((ip) => ({ ip, services: [{ observation: honeypotPersona(ip), findings: [FIND_OPEN] }] })),
  ];
  await t.store.recordHosts(runId, { hosts });
  await t.store.finishRun(runId, { targetsTotal: 4, hostsDone: 4, openPorts: 4, excluded: 0, status: 'completed' });
  assert.equal(await honeypotPass(t.db, runId), 3);
});
after(async () => t?.cleanup());

interface FindingsJson {
  honeypotsKept: boolean;
  likelyHoneypotsLeftOut: number;
  findings: Array<{ key: string; likelyHoneypot?: boolean }>;
}

describe('exposure findings and likely honeypots', () => {
  it('leaves out the findings on likely honeypots and says how many', async () => {
    const r = await exposure(['findings', '--db', t.db]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /· 2 findings: 2 open, 0 reopened, 0 fixed\n3 findings on likely honeypots left out \(--keep-honeypots to list them\)\n/);
    assert.doesNotMatch(r.stdout, /10\.9\.0\./);
    const json = JSON.parse((await exposure(['findings', '--db', t.db, '-f', 'json'])).stdout) as FindingsJson;
    assert.deepEqual(json.findings.map((f) => f.key), ['EXP-DICOM-001@10.0.0.5:104', 'EXP-DICOM-002@10.0.0.5:104']);
    assert.equal(json.likelyHoneypotsLeftOut, 3);
    assert.equal(json.honeypotsKept, false);
  });

  it('lists them with --keep-honeypots, marked in the table and the JSON', async () => {
    const r = await exposure(['findings', '--db', t.db, '--keep-honeypots']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /· 5 findings: 5 open, 0 reopened, 0 fixed\n3 findings on likely honeypots listed \(--keep-honeypots\), marked in STATUS\n/);
    const marked = r.stdout.split('\n').filter((line) => line.includes('likely honeypot') && line.includes('EXP-DICOM'));
    assert.deepEqual(marked.map((line) => /10\.9\.0\.\d/.exec(line)?.[0]), ['10.9.0.1', '10.9.0.2', '10.9.0.3']);
    assert.doesNotMatch(r.stdout, /left out/);
    const json = JSON.parse((await exposure(['findings', '--db', t.db, '-f', 'json', '--keep-honeypots'])).stdout) as FindingsJson;
    assert.deepEqual(
      json.findings.map((f) => [f.key, f.likelyHoneypot === true]),
      [
        ['EXP-DICOM-001@10.0.0.5:104', false],
        ['EXP-DICOM-001@10.9.0.1:11112', true],
        ['EXP-DICOM-001@10.9.0.2:11112', true],
        ['EXP-DICOM-001@10.9.0.3:11112', true],
        ['EXP-DICOM-002@10.0.0.5:104', false],
      ],
    );
    assert.equal(json.likelyHoneypotsLeftOut, 0);
    assert.equal(json.honeypotsKept, true);
  });
});
