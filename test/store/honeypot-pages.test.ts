/**
 * The honeypot pass reads and writes a run's services a page at a time: every
 * service of a run larger than a page gets its assessment, and services
 * assessed differently keep apart. SQLite only: the pages are the same SQL on both engines
 * (honeypot.test.ts runs the pass on PostgreSQL).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HONEYPOT_ASSESSOR } from '../../src/assess/honeypot/index.ts';
import type { HoneypotPass } from '../../src/store/index.ts';
import { SQLITE, type TestStore } from './engines.ts';
import { EXPOSED, RUN_META } from './fixtures.ts';

/** Past two pages of 1,000 services (sql-store.ts HONEYPOT_PAGE), so the last page is a part one. */
const ALIKE = 2_345;

let t: TestStore;
let runId: number;
before(async () => {
  t = await SQLITE.create();
  runId = await t.store.startRun(RUN_META);
  const ip = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const hosts = Array.from({ length: ALIKE }, (_, i) => ({ ip: ip(i + 1), services: [{ observation: { ...EXPOSED, endpoint: { ip: ip(i + 1), port: 104 } }, findings: [] }] }));
  // One that takes no called AE title but the one it was asked for: assessed, without a signal.
  const d = EXPOSED.details;
  if (d?.protocol !== 'dicom') throw new Error('fixture');
  const strict = { ...EXPOSED, endpoint: { ip: '10.200.0.1', port: 104 }, details: { ...d, acceptsAnyCalledAeTitle: false } };
  hosts.push({ ip: '10.200.0.1', services: [{ observation: strict, findings: [] }] });
  await t.store.recordHosts(runId, { hosts });
  await t.store.finishRun(runId, { targetsTotal: hosts.length, hostsDone: hosts.length, openPorts: hosts.length, excluded: 0, status: 'completed' });
});
after(async () => t.cleanup());

test('every service of a run larger than a page gets its assessment, each its own', async () => {
  const pass = t.store as unknown as HoneypotPass;
  assert.equal(await pass.assessHoneypots(runId, HONEYPOT_ASSESSOR), 0);
  const stored = await t.rows<{ honeypot: string | null; honeypot_score: number | null; n: number }>(
    'SELECT honeypot, honeypot_score, count(*) AS n FROM services WHERE run_id = ? GROUP BY honeypot, honeypot_score ORDER BY n DESC',
    runId,
  );
  assert.deepEqual(stored, [
    { honeypot: 'unlikely', honeypot_score: 15, n: ALIKE },
    { honeypot: 'unlikely', honeypot_score: 0, n: 1 },
  ]);
  const services = await t.store.services(runId);
  assert.deepEqual(services.find((s) => s.ip === '10.0.9.41')?.honeypot, { level: 'unlikely', score: 15, signals: ['any-called-ae'] });
});
