import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../src/observation/finding.ts';
import { Observation } from '../../src/observation/observation.ts';
import type { HostResult } from '../../src/store/index.ts';
import { engines, type Engine, type TestStore } from './engines.ts';
import { EVERY_HOST, EVERY_OBSERVATION } from './every-observation.ts';
import { ANY_AE, fixedClock, FIND_OPEN, REFUSED, RUN_META } from './fixtures.ts';

const byRule = (a: Finding, b: Finding): number => a.ruleId.localeCompare(b.ruleId);

/** A new store of the engine for `fn`, removed afterwards. */
async function withStore(engine: Engine, fn: (t: TestStore) => Promise<void>): Promise<void> {
  const t = await engine.create({ now: fixedClock });
  try {
    await fn(t);
  } finally {
    await t.cleanup();
  }
}

/** A finding as each engine gives it back: PostgreSQL text holds no U+0000 (postgres/writes.ts). */
const asStored = {
  sqlite: (f: Finding): Finding => f,
  postgres: (f: Finding): Finding => ({ ...f, evidence: f.evidence.replaceAll('\u0000', '\ufffd') }),
};

/** The tables each engine holds: the same, plus PostgreSQL's schema marker and work queue. */
const TABLES = {
  sqlite: ['findings', 'geo_sources', 'hosts', 'inventories', 'observations', 'rule_texts', 'runs', 'scan_progress', 'scan_steps', 'services'],
  postgres: ['block_refusals', 'blocks', 'exposure_schema', 'findings', 'geo_sources', 'hosts', 'inventories', 'observations', 'rule_texts', 'runs', 'scan_progress', 'scan_steps', 'services'],
};
const TABLES_SQL = {
  sqlite: `SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`,
  postgres: `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`,
};

for (const engine of engines('127.0.28.4')) describe(`the compact store on ${engine.name}`, () => {

  function refusedAt(ip: string, findings: Finding[]): HostResult {
    return { ip, services: [{ observation: { ...REFUSED, endpoint: { ip, port: 104 } }, findings }] };
  }

  test('every observation fixture comes back whole from its columns, inventory rows and the rest as JSON', async () => {
    await withStore(engine, async (t) => {
      const store = t.store;
      const runId = await store.startRun(RUN_META);
      await store.recordHosts(runId, { hosts: EVERY_HOST });
      const rows = await store.services(runId);
      const byEndpoint = new Map(rows.map((r) => [`${r.ip} ${r.port} ${r.protocol}`, r]));
      assert.equal(rows.length, EVERY_OBSERVATION.length);
      for (const host of EVERY_HOST) {
        const { observation, findings } = host.services[0]!;
        const row = byEndpoint.get(`${observation.endpoint.ip} ${observation.endpoint.port} ${observation.protocol}`);
        const what = `${observation.protocol} on ${observation.endpoint.ip}`;
        assert.deepEqual(row?.observation, Observation.parse(observation), what);
        assert.deepEqual([...(row?.findings ?? [])].sort(byRule), findings.map(asStored[engine.name]).sort(byRule), what);
      }
      assert.ok(
        rows.some((r) => r.observation.inventory?.attributes.length === 0) && rows.some((r) => r.observation.endpoint.hostname),
        'the edge cases are among them',
      );
      // Nothing a column or an inventory row holds is in the JSON.
      const stored = (await t.rows<{ json: string }>('SELECT json FROM observations')).map((r) => JSON.parse(r.json) as Record<string, unknown>);
      for (const json of stored) {
        for (const key of ['protocol', 'status', 'startedAt', 'durationMs', 'tls', 'exposure']) assert.equal(key in json, false, key);
        if (json.endpoint !== undefined) assert.deepEqual(Object.keys(json.endpoint as object), ['hostname']);
        if (json.product !== undefined) assert.deepEqual(Object.keys(json.product as object).sort(), ['basis', 'confidence']);
        if (json.inventory !== undefined) assert.deepEqual((json.inventory as { attributes: unknown[] }).attributes, []);
      }
    });
  });

  test('a finding keeps the text it was assessed with after its rule is reworded, and each text is stored once', async () => {
    await withStore(engine, async (t) => {
      const store = t.store;
      const reworded: Finding = { ...FIND_OPEN, title: 'C-FIND answers an unknown caller with patient records', references: [], cwe: 'CWE-284' };
      const first = await store.startRun(RUN_META);
      await store.recordHosts(first, { hosts: [refusedAt('10.0.0.1', [FIND_OPEN, ANY_AE]), refusedAt('10.0.0.2', [FIND_OPEN])] });
      const second = await store.startRun(RUN_META);
      await store.recordHosts(second, { hosts: [refusedAt('10.0.0.1', [reworded, ANY_AE])] });
      await store.recordHosts(second, { hosts: [refusedAt('10.0.0.2', [FIND_OPEN])] });

      const strip = (rows: Array<Finding & { id: number }>): Finding[] =>
        rows.map(({ ruleId, title, severity, evidence, remediation, references, cwe }) => ({ ruleId, title, severity, evidence, remediation, references, ...(cwe ? { cwe } : {}) }));
      assert.deepEqual(strip(await store.findings(first)), [FIND_OPEN, FIND_OPEN, ANY_AE]);
      assert.deepEqual(strip(await store.findings(second)), [reworded, FIND_OPEN, ANY_AE]);
      assert.equal((await store.findingsByRule(first))[0]?.title, FIND_OPEN.title);
      assert.equal((await store.findingsByRule(second)).length, 2);
      const texts = await t.rows('SELECT rule_id, count(*) AS n FROM rule_texts GROUP BY rule_id ORDER BY rule_id');
      assert.deepEqual(texts, [{ rule_id: 'EXP-DICOM-001', n: 2 }, { rule_id: 'EXP-DICOM-002', n: 1 }]);
    });
  });

  test('a rolled-back batch takes its new rule texts with it, and the next batch stores them again', async () => {
    await withStore(engine, async (t) => {
      const store = t.store;
      const runId = await store.startRun(RUN_META);
      const fresh: Finding = { ...ANY_AE, title: 'A text first met in a batch that fails' };
      const invalid = { ip: '10.0.0.9', services: [{ observation: { ...REFUSED, endpoint: { ip: '10.0.0.9', port: 0 } }, findings: [] }] };
      await assert.rejects(store.recordHosts(runId, { hosts: [refusedAt('10.0.0.1', [fresh]), invalid] }), /endpoint\.port/);
      assert.equal(await t.count('SELECT count(*) FROM rule_texts'), 0);
      await store.recordHosts(runId, { hosts: [refusedAt('10.0.0.1', [fresh])] });
      assert.deepEqual((await store.services(runId))[0]?.findings, [fresh]);
    });
  });

  test('a merged host counts once among the hosts recorded, and no file has a row per host for resume', async () => {
    await withStore(engine, async (t) => {
      const store = t.store;
      const runId = await store.startRun(RUN_META);
      const counters = { hostsDone: 2, openPorts: 2, unreachable: 0, services: 2, findings: 0 };
      await store.recordHosts(runId, { hosts: [refusedAt('10.0.0.1', []), refusedAt('10.0.0.2', [])], checkpoint: { watermark: 2, done: [], counters } });
      const more = { ip: '10.0.0.1', services: [{ observation: { ...REFUSED, endpoint: { ip: '10.0.0.1', port: 11112 } }, findings: [] }] };
      await store.recordHosts(runId, { hosts: [more], merge: true });
      assert.equal((await store.run(runId))?.hostsRecorded, 2);
      assert.equal((await store.services(runId)).length, 3);
      assert.equal(await store.isHostDone(runId, '10.0.0.2'), true);
      assert.equal(await store.isHostDone(runId, '10.0.0.3'), false);
      const tables = (await t.rows<{ name: string }>(TABLES_SQL[engine.name])).map((r) => r.name);
      assert.deepEqual(tables, TABLES[engine.name]);
    });
  });
});
