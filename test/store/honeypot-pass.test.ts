/**
 * The honeypot pass on both engines overwrites each page of a run's assessment (up to
 * 1,000 services) in one transaction and clears nothing first: a pass that fails while
 * writing leaves every service with an assessment, never a run half cleared (which
 * every aggregate would then read as archives).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HONEYPOT_ASSESSOR } from '../../src/assess/honeypot/index.ts';
import type { HoneypotAssessment, HoneypotLevel } from '../../src/observation/honeypot.ts';
import type { HoneypotAssessor, HoneypotPass } from '../../src/store/index.ts';
import { engines, type TestStore } from './engines.ts';
import { EXPOSED, RUN_META } from './fixtures.ts';

const IPS = ['10.0.0.5', '10.0.0.6', '10.0.0.7'];

/** The real assessment, but the last service's level one the schema's CHECK refuses: its write fails after the others'. */
const failingLast: HoneypotAssessor = {
  crowdHosts: HONEYPOT_ASSESSOR.crowdHosts,
  assess(service, crowds) {
    const assessed = HONEYPOT_ASSESSOR.assess(service, crowds);
    return service.ip === IPS.at(-1) ? { ...assessed, level: 'refused-by-check' as HoneypotLevel } : assessed;
  },
};

for (const engine of engines('127.0.102.28')) describe(`the honeypot pass on ${engine.name}`, () => {
  let t: TestStore;
  let runId: number;
  before(async () => {
    t = await engine.create();
    runId = await t.store.startRun(RUN_META);
    await t.store.recordHosts(runId, { hosts: IPS.map((ip) => ({ ip, services: [{ observation: { ...EXPOSED, endpoint: { ...EXPOSED.endpoint, ip } }, findings: [] }] })) });
    await t.store.finishRun(runId, { targetsTotal: 3, hostsDone: 3, openPorts: 3, excluded: 0, status: 'completed' });
  });
  after(async () => t.cleanup());

  const stored = async (): Promise<Array<HoneypotAssessment | undefined>> => (await t.store.services(runId)).map((s) => s.honeypot);

  test('a pass that fails while writing leaves the last assessment of every service as it was', async () => {
    const pass = t.store as unknown as HoneypotPass;
    assert.equal(await pass.assessHoneypots(runId, HONEYPOT_ASSESSOR), 0);
    const before = await stored();
    assert.equal(before.length, IPS.length);
    for (const h of before) assert.deepEqual(h, { level: 'unlikely', score: 15, signals: ['any-called-ae'] });
    await assert.rejects(pass.assessHoneypots(runId, failingLast));
    assert.deepEqual(await stored(), before);
  });
});
