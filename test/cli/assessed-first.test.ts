/**
 * The honeypot pass a reading command runs first on a finished run that never had it: the reader
 * closed meanwhile and opened again, the gap said once; a run already assessed is read as it is.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { assessedFirst } from '../../src/cli/honeypots.ts';
import { openStoreReader, type StoreReader } from '../../src/store/index.ts';
import { SQLITE, type TestStore } from '../store/engines.ts';
import { EXPOSED, FIND_OPEN, honeypotPersona, RUN_META } from '../store/fixtures.ts';

describe('assessedFirst', () => {
  let t: TestStore | undefined;
  after(async () => t?.cleanup());

  it('assesses each unassessed run once, reopens the reader, then leaves an assessed store alone', async () => {
    t = await SQLITE.create();
    const runId = await t.store.startRun(RUN_META);
    const personas = ['10.9.0.1', '10.9.0.2', '10.9.0.3'];
    await t.store.recordHosts(runId, {
      hosts: [{ ip: '10.0.0.5', services: [{ observation: EXPOSED, findings: [FIND_OPEN] }] }, ...personas.map((ip) => ({ ip, services: [{ observation: honeypotPersona(ip), findings: [FIND_OPEN] }] }))],
    });
    await t.store.finishRun(runId, { targetsTotal: 4, hostsDone: 4, openPorts: 4, excluded: 0, status: 'completed' });
    const db = t.db;
    const warnings: string[] = [];
    let reopened = 0;
    const reopen = (): StoreReader => {
      reopened += 1;
      return openStoreReader(db);
    };
    const first = openStoreReader(db);
    const after1 = await assessedFirst(db, first, [runId, runId], (l) => warnings.push(l), reopen);
    assert.equal(reopened, 1);
    assert.notEqual(after1, first);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', new RegExp(`^run ${runId} had no honeypot assessment: assessed now, \\d+ likely honeypots?$`));
    const after2 = await assessedFirst(db, after1, [runId], (l) => warnings.push(l), reopen);
    assert.equal(after2, after1);
    assert.equal(reopened, 1);
    assert.equal(warnings.length, 1);
    await after2.close();
  });
});
