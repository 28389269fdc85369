/** The store's bounded reads: services ranked for a reader, the first services a rule fired on, cut in the database, and the findings of a few hosts. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isExposed } from '../../src/observation/exposed.ts';
import { severityRank } from '../../src/observation/finding.ts';
import type { FindingRow, ServiceRow } from '../../src/store/index.ts';
import { buildManyServices, manyAddress, MANY_SERVICES, type ManyServices } from '../fixtures/many-services.ts';
import { engines } from './engines.ts';

const key = (s: ServiceRow): string => `${s.ip}:${s.port}/${s.protocol}`;
const worst = (s: ServiceRow): number => Math.max(-1, ...s.findings.map((x) => severityRank(x.severity)));

// The same ranking on both engines (PostgreSQL on a cluster at 127.0.28.9).
for (const engine of engines('127.0.28.9')) describe(`bounded reads on ${engine.name}`, () => {
  let f: ManyServices;
  let all: ServiceRow[];
  before(async () => {
    f = await buildManyServices(engine);
    all = await f.store.services(f.runId);
  });
  after(() => f?.cleanup());

  describe('topServices', () => {
    it('ranks exposed first, then by most severe finding, then in report order, and reads no more than the limit', async () => {
      const expected = all
        .map((s, i) => ({ s, i }))
        .sort((a, b) => Number(isExposed(b.s.observation)) - Number(isExposed(a.s.observation)) || worst(b.s) - worst(a.s) || a.i - b.i)
        .map(({ s }) => key(s));
      for (const limit of [1, 17, 300, MANY_SERVICES, MANY_SERVICES + 5]) {
        const top = await f.store.topServices(f.runId, limit);
        assert.equal(top.length, Math.min(limit, MANY_SERVICES));
        assert.deepEqual(top.map(key), expected.slice(0, limit), `limit ${limit}`);
      }
    });

    it('hands out whole rows: the same observation and findings as the page read', async () => {
      const byKey = new Map(all.map((s) => [key(s), s]));
      for (const s of await f.store.topServices(f.runId, 40)) assert.deepEqual(s, byKey.get(key(s)));
    });

    it('keeps only the protocols asked for', async () => {
      const smb = await f.store.topServices(f.runId, MANY_SERVICES, ['smb']);
      assert.deepEqual(smb.map(key).sort(), all.filter((s) => s.protocol === 'smb').map(key).sort());
      const shares = await f.store.topServices(f.runId, 10, ['ftp', 'smb']);
      assert.equal(shares.length, 10);
      assert.ok(shares.every((s) => s.protocol === 'ftp' || s.protocol === 'smb'));
    });

    it('a limit of zero, below zero or not a number reads nothing', async () => {
      for (const limit of [0, -3, Number.NaN]) assert.deepEqual(await f.store.topServices(f.runId, limit), []);
    });
  });

  describe('ruleServices', () => {
    it('the first services a rule fired on, in report order', async () => {
      const fired = all.filter((s) => s.findings.some((x) => x.ruleId === 'EXP-DICOM-002'));
      assert.ok(fired.length > 20);
      assert.deepEqual((await f.store.ruleServices(f.runId, 'EXP-DICOM-002', 20)).map(key), fired.slice(0, 20).map(key));
      assert.deepEqual((await f.store.ruleServices(f.runId, 'EXP-DICOM-002', MANY_SERVICES)).map(key), fired.map(key));
    });

    it('none for a rule that never fired or another run', async () => {
      assert.deepEqual(await f.store.ruleServices(f.runId, 'EXP-NONE-999', 10), []);
      assert.deepEqual(await f.store.ruleServices(f.runId + 1, 'EXP-DICOM-002', 10), []);
    });
  });

  describe('hostFindings', () => {
    const where = (x: Pick<FindingRow, 'ip' | 'port' | 'protocol' | 'ruleId'>): string => `${x.ruleId}@${x.ip}:${x.port}/${x.protocol}`;

    it('every finding of the services of the addresses asked for, IPv4 and IPv6, most severe first, and none of another', async () => {
      // Hosts 3 and 8 hold a critical and a high finding, host 40 (IPv6) a high one, host 5 none.
      const ips = [manyAddress(3), manyAddress(8), manyAddress(40), manyAddress(5)];
      const expected = all.filter((s) => ips.includes(s.ip)).flatMap((s) => s.findings.map((x) => where({ ...x, ip: s.ip, port: s.port, protocol: s.protocol })));
      const got = await f.store.hostFindings(f.runId, ips);
      assert.ok(expected.length >= 4, `the chosen hosts hold findings (${expected.length})`);
      assert.deepEqual(got.map(where).sort(), expected.sort());
      assert.equal(got[0]?.severity, 'critical');
    });

    it('none for no address, an address the run does not hold, or another run', async () => {
      assert.deepEqual(await f.store.hostFindings(f.runId, []), []);
      assert.deepEqual(await f.store.hostFindings(f.runId, ['192.0.2.1']), []);
      assert.deepEqual(await f.store.hostFindings(f.runId + 1, [manyAddress(3)]), []);
    });
  });
});
