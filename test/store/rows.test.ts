/**
 * A finding read back (store/rows.ts) is the Finding that was written: the
 * same keys in the same order, `cwe` left out when the rule has none, whether
 * it is read as a run's findings or with its service's page.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../src/store/index.ts';
import { ANY_AE, EXPOSED, FIND_OPEN, RUN_META, withDbFile } from './fixtures.ts';

test('findings read as a list and with a page are the findings written, cwe absent when the rule has none', async () => {
  await withDbFile('exposure-rows-', async (path) => {
    const store = openSqliteStore(path);
    try {
      const runId = await store.startRun(RUN_META);
      await store.recordHosts(runId, { hosts: [{ ip: EXPOSED.endpoint.ip, services: [{ observation: EXPOSED, findings: [FIND_OPEN, ANY_AE] }] }] });
      const listed = await store.findings(runId);
      const written = [FIND_OPEN, ANY_AE];
      assert.deepEqual(
        listed.map(({ id: _id, runId: _run, serviceId: _service, ip: _ip, port: _port, protocol: _protocol, ...f }) => f),
        written,
      );
      assert.equal('cwe' in (listed.find((f) => f.ruleId === ANY_AE.ruleId) ?? {}), false);
      assert.deepEqual(Object.keys(listed[0] ?? {}).slice(6), Object.keys(FIND_OPEN));
      const paged: unknown[] = [];
      for await (const page of store.servicePages(runId)) for (const s of page) paged.push(...s.findings);
      assert.deepEqual(paged, written);
    } finally {
      await store.close();
    }
  });
});
