/**
 * The watch's comparison and alert with likely honeypots: a DICOMHawk persona
 * appearing with a critical finding raises no alert by default (the alert
 * that another change raises says how many it left out), and does as an
 * archive's with `keepHoneypots: true`. Two runs of one scope in SQLite,
 * assessed by the run-end pass as the watch runs it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { honeypotPass } from '../../src/cli/honeypots.ts';
import type { RunRow } from '../../src/store/index.ts';
import { alertFrom, alertText, type Alert } from '../../src/watch/alert.ts';
import { compareRuns } from '../../src/watch/compare.ts';
import { watchConfigFrom } from '../../src/watch/config.ts';
import { SQLITE, type TestStore } from '../store/engines.ts';
import { ANY_AE, EXPOSED, FIND_OPEN, honeypotPersona, RUN_META } from '../store/fixtures.ts';

let t: TestStore;
let first: RunRow;
let second: RunRow;

/** A run of the archive (with `archiveFindings`) and DICOMHawk personas on `personas`, assessed by the pass. */
async function assessedRun(personas: readonly string[], archiveFindings = [FIND_OPEN]): Promise<RunRow> {
  const runId = await t.store.startRun(RUN_META);
  const hosts = [
    { ip: '10.0.0.5', services: [{ observation: EXPOSED, findings: archiveFindings }] },
    ...personas.map((ip) => ({ ip, services: [{ observation: honeypotPersona(ip), findings: [FIND_OPEN] }] })),
  ];
  await t.store.recordHosts(runId, { hosts });
  await t.store.finishRun(runId, { targetsTotal: 4, hostsDone: 4, openPorts: 4, excluded: 0, status: 'completed' });
  await honeypotPass(t.db, runId);
  return (await t.store.run(runId))!;
}

async function alertOf(previous: RunRow, current: RunRow, keepHoneypots: boolean): Promise<Alert | undefined> {
  const { diff, remediation } = await compareRuns(t.store, previous, current, { keepHoneypots });
  return alertFrom({
    scope: 'pacs',
    run: { id: current.id, startedAt: current.startedAt },
    previousRun: { id: previous.id, startedAt: previous.startedAt },
    diff,
    remediation,
    totals: await t.store.runTotals(current.id, { keepHoneypots }),
    minSeverity: 'high',
  });
}

before(async () => {
  t = await SQLITE.create();
  first = await assessedRun(['10.9.0.1', '10.9.0.2', '10.9.0.3']);
  // A fourth persona appears; the archive also gains a high finding.
  second = await assessedRun(['10.9.0.1', '10.9.0.2', '10.9.0.3', '10.9.0.4'], [FIND_OPEN, ANY_AE]);
});
after(async () => t?.cleanup());

describe('the watch and likely honeypots', () => {
  it('alerts on the archive only, and says in one line how many honeypots it left out', async () => {
    const a = await alertOf(first, second, false);
    assert.ok(a, 'the archive\'s new high finding raises the alert');
    assert.deepEqual(a.newFindings.map((f) => `${f.ruleId} ${f.ip}`), ['EXP-DICOM-002 10.0.0.5']);
    assert.equal(a.counts.likelyHoneypotsLeftOut, 4);
    assert.equal(a.counts.exposedServicesInRun, 1, 'the run\'s counts leave them out too');
    assert.match(alertText(a), /^4 likely honeypots left out of this alert \(keepHoneypots: true in the watch configuration to alert on them as archives\)\.$/m);
  });

  it('raises nothing when only a honeypot came', async () => {
    const third = await assessedRun(['10.9.0.1', '10.9.0.2', '10.9.0.3', '10.9.0.4', '10.9.0.5'], [FIND_OPEN, ANY_AE]);
    assert.equal(await alertOf(second, third, false), undefined);
    const kept = await alertOf(second, third, true);
    assert.deepEqual(kept?.newFindings.map((f) => `${f.ruleId} ${f.ip}`), ['EXP-DICOM-001 10.9.0.5']);
    assert.equal(kept?.counts.likelyHoneypotsLeftOut, 0);
  });

  it('alerts on them as archives with keepHoneypots, and says nothing of them', async () => {
    const a = await alertOf(first, second, true);
    assert.deepEqual(a?.newFindings.map((f) => `${f.ruleId} ${f.ip}`), ['EXP-DICOM-001 10.9.0.4', 'EXP-DICOM-002 10.0.0.5']);
    assert.equal(a?.counts.exposedServicesInRun, 5);
    assert.doesNotMatch(alertText(a!), /honeypot/);
  });

  it('reads keepHoneypots from the configuration, false unless set', () => {
    const doc = { schedule: '0 2 * * *', scopes: [{ name: 'pacs', targets: ['10.0.0.5'] }] };
    assert.equal(watchConfigFrom(doc, 'watch.yaml').keepHoneypots, false);
    assert.equal(watchConfigFrom({ ...doc, keepHoneypots: true }, 'watch.yaml').keepHoneypots, true);
    assert.throws(() => watchConfigFrom({ ...doc, keepHoneypots: 'yes' }, 'watch.yaml'), /keepHoneypots: Expected boolean/);
  });
});
