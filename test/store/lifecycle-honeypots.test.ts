/**
 * A finding's lifecycle knows, on both engines, whether its latest sighting's
 * service is a likely honeypot, read by the one lifecycle query; the
 * lifecycle leaves such findings out and counts them, or lists them marked
 * when kept. Two runs with an archive and DICOMHawk personas, assessed by the
 * run-end pass.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { HONEYPOT_ASSESSOR } from '../../src/assess/honeypot/index.ts';
import { scopeKeyOf, type HoneypotPass, type ScopeRun } from '../../src/store/index.ts';
import { scopeLifecycle } from '../../src/watch/lifecycle.ts';
import { renderLifecycleTable } from '../../src/watch/lifecycle-render.ts';
import { engines, type TestStore } from './engines.ts';
import { EXPOSED, FIND_OPEN, fixedClock, honeypotPersona, RUN_META } from './fixtures.ts';

const PERSONAS = ['10.9.0.1', '10.9.0.2', '10.9.0.3'];

for (const engine of engines('127.0.106.28')) describe(`finding lifecycles and likely honeypots on ${engine.name}`, () => {
  let t: TestStore;
  let runs: ScopeRun[];
  before(async () => {
    t = await engine.create({ now: fixedClock });
    const ids: number[] = [];
    for (let i = 0; i < 2; i++) {
      const runId = await t.store.startRun(RUN_META);
      const hosts = [
        { ip: '10.0.0.5', services: [{ observation: EXPOSED, findings: [FIND_OPEN] }] },
        ...PERSONAS.map((ip) => ({ ip, services: [{ observation: honeypotPersona(ip), findings: [FIND_OPEN] }] })),
      ];
      await t.store.recordHosts(runId, { hosts });
      await t.store.finishRun(runId, { targetsTotal: 4, hostsDone: 4, openPorts: 4, excluded: 0, status: 'completed' });
      assert.equal(await (t.store as unknown as HoneypotPass).assessHoneypots(runId, HONEYPOT_ASSESSOR), 3);
      ids.push(runId);
    }
    runs = ids.map((id) => ({ id }));
  });
  after(async () => t?.cleanup());

  test('each row says whether its latest sighting is on a likely honeypot', async () => {
    const rows = await t.store.findingLifecycles(runs);
    assert.deepEqual(
      rows.map((r) => [r.ip, r.likelyHoneypot]),
      [['10.0.0.5', false], ...PERSONAS.map((ip) => [ip, true])],
    );
  });

  test('the lifecycle leaves them out and counts them by default, and lists them marked when kept', async () => {
    const scope = scopeKeyOf((await t.store.runs())[0]!);
    const byDefault = await scopeLifecycle(t.store, scope);
    assert.deepEqual(byDefault.findings.map((f) => [f.key, f.likelyHoneypot]), [['EXP-DICOM-001@10.0.0.5:104', undefined]]);
    assert.equal(byDefault.likelyHoneypotsLeftOut, 3);
    assert.equal(byDefault.honeypotsKept, false);
    assert.match(renderLifecycleTable(byDefault), /^3 findings on likely honeypots left out \(--keep-honeypots to list them\)$/m);
    assert.doesNotMatch(renderLifecycleTable(byDefault), /10\.9\.0\./);

    const kept = await scopeLifecycle(t.store, scope, { keepHoneypots: true });
    assert.deepEqual(
      kept.findings.map((f) => [f.ip, f.likelyHoneypot ?? false]),
      [['10.0.0.5', false], ...PERSONAS.map((ip) => [ip, true])],
    );
    assert.equal(kept.likelyHoneypotsLeftOut, 0);
    const table = renderLifecycleTable(kept, Number.POSITIVE_INFINITY);
    assert.match(table, /^3 findings on likely honeypots listed \(--keep-honeypots\), marked in STATUS$/m);
    assert.match(table, /open · likely honeypot .*10\.9\.0\.2:11112 dicom/);
    assert.doesNotMatch(table, /open · likely honeypot .*10\.0\.0\.5:104/);
    assert.doesNotMatch(table, /left out/);
  });

  test('only the latest sighting counts: a service likely in the earlier run only is an archive', async () => {
    const [first, second] = runs.map((r) => r.id) as [number, number];
    // The archive as if the earlier run's pass had found it likely; a persona as if the later one had not.
    await setLevel(t, first, '10.0.0.5', 'likely');
    await setLevel(t, second, '10.9.0.1', 'unlikely');
    const rows = await t.store.findingLifecycles(runs);
    assert.deepEqual(rows.filter((r) => r.likelyHoneypot).map((r) => r.ip), ['10.9.0.2', '10.9.0.3']);
    // A service the pass never assessed (NULL) is an archive too.
    await setLevel(t, second, '10.9.0.2', null);
    assert.deepEqual((await t.store.findingLifecycles(runs)).filter((r) => r.likelyHoneypot).map((r) => r.ip), ['10.9.0.3']);
  });
});

/** One service's honeypot level, set as another pass (or none) would have left it. */
async function setLevel(t: TestStore, runId: number, ip: string, level: 'likely' | 'unlikely' | null): Promise<void> {
  const sql = 'UPDATE services SET honeypot = ? WHERE run_id = ? AND ip = ?';
  if (t.engine === 'postgres') {
    await t.rows(`${sql} RETURNING id`, level, runId, ip);
    return;
  }
  const db = new Database(t.db);
  try {
    db.prepare(sql).run(level, runId, ip);
  } finally {
    db.close();
  }
}
