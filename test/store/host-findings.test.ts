/**
 * The store reads the report's port findings and distinct-patient bound come
 * from, on both engines (PostgreSQL on a cluster of this file's own at
 * 127.0.95.50): the findings of the services of a few addresses, and the
 * most patients one service counted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FindingRow, ServiceRow } from '../../src/store/index.ts';
import { buildManyServices, manyAddress, type ManyServices } from '../fixtures/many-services.ts';
import { engines } from './engines.ts';

const where = (f: Pick<FindingRow, 'ip' | 'port' | 'protocol' | 'ruleId'>): string => `${f.ruleId}@${f.ip}:${f.port}/${f.protocol}`;

for (const engine of engines('127.0.95.50')) describe(`findings of a few hosts and the largest patient count on ${engine.name}`, () => {
  let f: ManyServices;
  let all: ServiceRow[];
  before(async () => {
    f = await buildManyServices(engine);
    all = await f.store.services(f.runId);
  });
  after(() => f?.cleanup());

  it('hands out every finding of the services of the addresses asked for, IPv4 and IPv6, and none of another', async () => {
    // Hosts 3 and 8 hold a critical and a high finding, host 40 (IPv6) a high one, host 5 none.
    const ips = [manyAddress(3), manyAddress(8), manyAddress(40), manyAddress(5)];
    const expected = all.filter((s) => ips.includes(s.ip)).flatMap((s) => s.findings.map((x) => where({ ...x, ip: s.ip, port: s.port, protocol: s.protocol })));
    const got = await f.store.hostFindings(f.runId, ips);
    assert.ok(expected.length >= 4, `the chosen hosts hold findings (${expected.length})`);
    assert.deepEqual(got.map(where).sort(), expected.sort());
    assert.ok(got.every((x) => x.runId === f.runId && typeof x.serviceId === 'number'));
    assert.equal(got[0]?.severity, 'critical', 'most severe first');
  });

  it('reads nothing for no address, or an address the run does not hold', async () => {
    assert.deepEqual(await f.store.hostFindings(f.runId, []), []);
    assert.deepEqual(await f.store.hostFindings(f.runId, ['192.0.2.1']), []);
  });

  it('the run totals name the most patients one service counted', async () => {
    const counts = all.map((s) => s.observation.exposure.patients?.n).filter((n): n is number => n !== undefined);
    assert.ok(counts.length > 0);
    assert.equal((await f.store.runTotals(f.runId)).mostPatients, Math.max(...counts));
  });
});
