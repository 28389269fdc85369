/**
 * `exposure diff` and likely honeypots, on both engines: two runs stored
 * without the honeypot pass (as an older build or a failed worker left them),
 * an archive in both and DICOMHawk personas that come and go. The diff
 * assesses each run first and lists the personas apart; their critical
 * findings never gate the exit status unless --keep-honeypots. `report`
 * words a run assessed in part truthfully. The compiled CLI (npm run build).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { exposure } from '../cli/exposure-cli.ts';
import { engines, type TestStore } from '../store/engines.ts';
import { EXPOSED, FIND_OPEN, honeypotPersona, RUN_META } from '../store/fixtures.ts';

const hostsOf = (personas: readonly string[]) => [
  { ip: '10.0.0.5', services: [{ observation: EXPOSED, findings: [FIND_OPEN] }] },
  ...personas.map((ip) => ({ ip, services: [{ observation: honeypotPersona(ip), findings: [FIND_OPEN] }] })),
];

/** A run as a worker whose pass failed leaves it: its hosts stored and completed, no level on any service. */
async function unassessedRun(t: TestStore, personas: readonly string[]): Promise<number> {
  const runId = await t.store.startRun(RUN_META);
  await t.store.recordHosts(runId, { hosts: hostsOf(personas) });
  await t.store.finishRun(runId, { targetsTotal: 4, hostsDone: 4, openPorts: 4, excluded: 0, status: 'completed' });
  return runId;
}

/** The level an earlier build of the pass left unset on a service with no signal, set back to nothing. */
async function unsetLevel(t: TestStore, runId: number, ip: string): Promise<void> {
  const sql = 'UPDATE services SET honeypot = NULL, honeypot_score = NULL, honeypot_signals = NULL WHERE run_id = ? AND ip = ?';
  if (t.engine === 'postgres') {
    await t.rows(`${sql} RETURNING id`, runId, ip);
    return;
  }
  const db = new Database(t.db);
  try {
    db.prepare(sql).run(runId, ip);
  } finally {
    db.close();
  }
}

for (const engine of engines('127.0.105.2')) describe(`diff of runs with likely honeypots, on ${engine.name}`, () => {
  let t: TestStore | undefined;
  after(async () => t?.cleanup());

  test('assesses both runs, lists the honeypots apart, and exits 0 on their new critical findings unless kept', { timeout: 120_000 }, async () => {
    t = await engine.create();
    const first = await unassessedRun(t, ['10.9.0.1', '10.9.0.2', '10.9.0.3']);
    const second = await unassessedRun(t, ['10.9.0.2', '10.9.0.3', '10.9.0.4']);
    assert.deepEqual(await t.store.honeypotTallies([first, second]), new Map([[first, { candidates: 4, assessed: 0, likely: 0 }], [second, { candidates: 4, assessed: 0, likely: 0 }]]));

    const d = await exposure(['diff', String(first), String(second), '--db', t.db]);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stderr, new RegExp(`run ${first} had no honeypot assessment: assessed now, 3 likely honeypots`));
    assert.match(d.stderr, new RegExp(`run ${second} had no honeypot assessment: assessed now, 3 likely honeypots`));
    assert.match(d.stdout, /: 0 new exposures, 0 fixed, 0 new findings \(0 critical\)/);
    assert.match(d.stdout, /^4 likely honeypots left out of these lists \(--keep-honeypots to compare them as archives\)\.$/m);
    const section = d.stdout.slice(d.stdout.indexOf('Likely honeypots (4)'));
    assert.match(section, /^ {2}appeared: 10\.9\.0\.4:11112 dicom, likely honeypot \(score 100: /m);
    assert.match(section, /^ {2}gone: 10\.9\.0\.1:11112 dicom, likely honeypot/m);
    assert.match(section, /^ {2}2 likely honeypots in both runs, left out$/m);
    assert.deepEqual(await t.store.honeypotTallies([first, second, 999]), new Map([[first, { candidates: 4, assessed: 4, likely: 3 }], [second, { candidates: 4, assessed: 4, likely: 3 }]]));

    const again = await exposure(['diff', String(first), String(second), '--db', t.db, '--format', 'json']);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /honeypot/, 'assessed once: the second diff says nothing of it');
    const json = JSON.parse(again.stdout) as { honeypots: { appeared: Array<{ ip: string }> }; honeypotsKept: boolean; newExposures: unknown[] };
    assert.deepEqual(json.honeypots.appeared.map((h) => h.ip), ['10.9.0.4']);
    assert.equal(json.honeypotsKept, false);

    const kept = await exposure(['diff', String(first), String(second), '--db', t.db, '--keep-honeypots']);
    assert.equal(kept.code, 3, 'kept as archives, the persona that appeared is a new critical finding');
    assert.match(kept.stdout, /^Likely honeypots are compared as archives \(--keep-honeypots\)\.$/m);
    assert.match(kept.stdout, /^New exposures \(1\)\n {2}10\.9\.0\.4:11112 dicom/m);
    assert.doesNotMatch(kept.stdout, /^Likely honeypots \(/m);
  });

  test('report says a run assessed in part was brought up to date, not that it had no assessment', { timeout: 60_000 }, async () => {
    assert.ok(t, 'the store of the test before');
    const runId = (await t.store.runs()).at(-1)!.id;
    await unsetLevel(t, runId, '10.0.0.5');
    assert.deepEqual((await t.store.honeypotTallies([runId])).get(runId), { candidates: 4, assessed: 3, likely: 3 });
    const r = await exposure(['report', '--db', t.db, '--run', String(runId), '--format', 'md']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`run ${runId}: honeypot assessment brought up to date \\(some of its DICOM services had none\\): 3 likely honeypots`));
    assert.doesNotMatch(r.stderr, /had no honeypot assessment/);
    assert.deepEqual((await t.store.honeypotTallies([runId])).get(runId), { candidates: 4, assessed: 4, likely: 3 });
  });
});
