/**
 * The honeypot pass and the study's tables on both engines: likely honeypots
 * are assessed at a run's end, stored per service, left out of every aggregate
 * by default, counted with keepHoneypots, and said to be left out.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HONEYPOT_ASSESSOR } from '../../src/assess/honeypot/index.ts';
import type { HoneypotPass } from '../../src/store/index.ts';
import { honeypotPass } from '../../src/cli/honeypots.ts';
import type { Observation } from '../../src/observation/observation.ts';
import { engines, type TestStore } from './engines.ts';
import { EXPOSED, honeypotPersona as persona, RUN_META } from './fixtures.ts';

for (const engine of engines('127.0.99.28')) describe(`honeypots on ${engine.name}`, () => {
  let t: TestStore;
  let runId: number;
  before(async () => {
    t = await engine.create();
    runId = await t.store.startRun(RUN_META);
    const hosts = [
      { ip: '10.0.0.5', services: [{ observation: EXPOSED, findings: [] }] },
      ...['10.9.0.1', '10.9.0.2', '10.9.0.3'].map((ip) => ({ ip, services: [{ observation: persona(ip), findings: [] }] })),
    ];
    await t.store.recordHosts(runId, { hosts });
    await t.store.finishRun(runId, { targetsTotal: 4, hostsDone: 4, openPorts: 4, excluded: 0, status: 'completed' });
  });
  after(async () => t.cleanup());

  test('the pass finds the personas likely, stores their signals, and is the same run twice', async () => {
    const pass = t.store as unknown as HoneypotPass;
    assert.equal(await pass.assessHoneypots(runId, HONEYPOT_ASSESSOR), 3);
    assert.equal(await pass.assessHoneypots(runId, HONEYPOT_ASSESSOR), 3);
    const services = await t.store.services(runId);
    const byIp = new Map(services.map((s) => [s.ip, s.honeypot]));
    // The archive accepts any called AE title and nothing else: a weak signal, stored as unlikely.
    assert.deepEqual(byIp.get('10.0.0.5'), { level: 'unlikely', score: 15, signals: ['any-called-ae'] });
    assert.deepEqual(byIp.get('10.9.0.2'), {
      level: 'likely',
      score: 100,
      signals: ['any-called-ae', 'honeypot-persona', 'lure-dataset', 'same-keyed-dataset', 'same-dataset', 'fast-responses'],
    });
  });

  test('totals, counts, breakdowns and attributes leave the likely honeypots out unless kept', async () => {
    const totals = await t.store.runTotals(runId);
    assert.equal(totals.services, 1);
    assert.equal(totals.likelyHoneypots, 3);
    assert.deepEqual(totals.studies, { n: 1000, atLeast: true });
    const kept = await t.store.runTotals(runId, { keepHoneypots: true });
    assert.equal(kept.services, 4);
    assert.deepEqual(kept.studies, { n: 1000 + 3 * 26, atLeast: true });
    const counts = await t.store.runCounts(runId);
    assert.equal(counts.exposedServices, 1);
    assert.equal(counts.likelyHoneypots, 3);
    assert.equal((await t.store.runCounts(runId, { keepHoneypots: true })).exposedServices, 4);
    const byProtocol = await t.store.breakdown(runId, 'protocol');
    assert.equal(byProtocol[0]?.services, 1);
    assert.equal((await t.store.breakdown(runId, 'country', { keepHoneypots: true })).reduce((n, r) => n + r.services, 0), 4);
    assert.deepEqual((await t.store.topServers(runId, 10)).map((s) => s.ip), ['10.0.0.5']);
    assert.equal((await t.store.topServers(runId, 10, { keepHoneypots: true })).length, 4);
    assert.equal((await t.store.imagesPerServer(runId)).servers, 1);
    const attrs = await t.store.inventory(runId);
    assert.equal(attrs.find((a) => a.keyword === 'PatientName')?.services, 1);
    assert.equal((await t.store.inventory(runId, { keepHoneypots: true })).find((a) => a.keyword === 'PatientName')?.services, 4);
  });
});

/** An archive that accepts only its own AE title: nothing points at a honeypot. */
function ownTitleOnly(): Observation {
  const d = EXPOSED.details;
  if (d?.protocol !== 'dicom') throw new Error('fixture');
  return {
    ...EXPOSED,
    endpoint: { ip: '10.0.1.9', port: 104 },
    details: { ...d, acceptsAnyCalledAeTitle: false, acceptedCalledAeTitle: 'ORTHANC' },
  };
}

for (const engine of engines('127.0.99.29')) describe(`a run completed without the pass, on ${engine.name}`, () => {
  let t: TestStore;
  after(async () => t?.cleanup());

  test('is found pending, as a worker-completed run was, and the pass assesses it once', async () => {
    t = await engine.create();
    // As a distributed run's last block left it: hosts stored, the run completed, no pass run.
    const runId = await t.store.startRun(RUN_META);
    const hosts = [{ ip: '10.0.1.9', services: [{ observation: ownTitleOnly(), findings: [] }] }, ...['10.9.1.1', '10.9.1.2', '10.9.1.3'].map((ip) => ({ ip, services: [{ observation: persona(ip), findings: [] }] }))];
    await t.store.recordHosts(runId, { hosts });
    await t.store.finishRun(runId, { targetsTotal: 4, hostsDone: 4, openPorts: 4, excluded: 0, status: 'completed' });
    assert.equal(await t.store.honeypotsPending(runId), true);
    assert.equal((await t.store.runTotals(runId)).services, 4, 'never assessed: counted like archives');

    // The pass as the worker and `report` run it: over the store's own --db.
    assert.equal(await honeypotPass(t.db, runId), 3);
    const reader = t.open({ readonly: true });
    try {
      assert.equal(await reader.honeypotsPending(runId), false);
      // A service with no signal gets a level too: the mark that the pass ran.
      const byIp = new Map((await reader.services(runId)).map((s) => [s.ip, s.honeypot]));
      assert.deepEqual(byIp.get('10.0.1.9'), { level: 'unlikely', score: 0, signals: [] });
      assert.equal(byIp.get('10.9.1.1')?.level, 'likely');
      assert.equal((await reader.runTotals(runId)).likelyHoneypots, 3);
    } finally {
      await reader.close();
    }
  });
});
