/**
 * The honeypot pass reads each candidate's DICOM details from its stored JSON alone
 * when they are exactly as written (store/rows.ts detailsFromRow), and the whole
 * observation otherwise: the assessment is the one a full read gives, edited rows
 * are cleaned or refused as before. SQLite only (the engines share the pass's code).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { HONEYPOT_ASSESSOR } from '../../src/assess/honeypot/index.ts';
import type { HoneypotPass } from '../../src/store/index.ts';
import { StoreError } from '../../src/store/index.ts';
import { SQLITE, type TestStore } from './engines.ts';
import { EXPOSED, fixedClock, honeypotPersona as persona, RUN_META } from './fixtures.ts';

const IPS = ['10.9.0.1', '10.9.0.2', '10.9.0.3'];

async function storedRun(): Promise<{ t: TestStore; runId: number }> {
  const t = await SQLITE.create({ now: fixedClock });
  const runId = await t.store.startRun(RUN_META);
  const hosts = [{ ip: EXPOSED.endpoint.ip, services: [{ observation: EXPOSED, findings: [] }] }, ...IPS.map((ip) => ({ ip, services: [{ observation: persona(ip), findings: [] }] }))];
  await t.store.recordHosts(runId, { hosts });
  await t.store.finishRun(runId, { targetsTotal: 4, hostsDone: 4, openPorts: 4, excluded: 0, status: 'completed' });
  return { t, runId };
}

function edit(t: TestStore, sql: string, ...params: unknown[]): void {
  const db = new Database(t.db);
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

describe('the honeypot pass reads only the details it assesses', () => {
  test('each stored assessment is the assessor\'s on the details a full read gives', async () => {
    const { t, runId } = await storedRun();
    try {
      assert.equal(await (t.store as unknown as HoneypotPass).assessHoneypots(runId, HONEYPOT_ASSESSOR), 3);
      const services = await t.store.services(runId);
      // The crowds the pass found: the personas' shared datasets, seen again by assessing one of them in full.
      const likely = services.filter((s) => s.honeypot?.level === 'likely');
      assert.deepEqual(likely.map((s) => s.ip).sort(), IPS);
      for (const s of services) {
        if (s.observation.details?.protocol !== 'dicom') throw new Error('fixture: DICOM services only');
        const alone = HONEYPOT_ASSESSOR.assess({ id: s.id, ip: s.ip, details: s.observation.details }, new Set());
        // Without the crowds only the crowd signals can be missing.
        const crowdFree = s.honeypot?.signals.filter((x) => x !== 'same-keyed-dataset' && x !== 'same-dataset');
        assert.deepEqual(alone.signals, crowdFree, s.ip);
      }
    } finally {
      await t.cleanup();
    }
  });

  test('details edited to hold uncleaned peer text are assessed as the schema cleans them; a wrong type fails the pass naming the row', async () => {
    const { t, runId } = await storedRun();
    try {
      const pass = t.store as unknown as HoneypotPass;
      await pass.assessHoneypots(runId, HONEYPOT_ASSESSOR);
      const before = (await t.store.services(runId)).map((s) => s.honeypot);
      edit(t, `UPDATE observations SET json = json_set(json, '$.details.peer.respondingAeTitle', ?)`, 'ORTH\u001b[2JANC');
      assert.equal(await pass.assessHoneypots(runId, HONEYPOT_ASSESSOR), 3);
      assert.deepEqual((await t.store.services(runId)).map((s) => s.honeypot), before);
      edit(t, `UPDATE observations SET json = json_set(json, '$.details.acceptsAnyCalledAeTitle', 'PATIENT^NAME')`);
      await assert.rejects(pass.assessHoneypots(runId, HONEYPOT_ASSESSOR), (e: unknown) => e instanceof StoreError && e.code === 'CORRUPT_ROW' && !e.message.includes('PATIENT'));
    } finally {
      await t.cleanup();
    }
  });
});
