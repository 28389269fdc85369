/**
 * A scan's store writes its batches from a thread of its own (store/write-thread.ts):
 * the same rows, one transaction per batch, and the same errors (class, code,
 * message) as when the caller's thread writes them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore, openStoreReader, openStoreSink, StoreError, StoreValidationError, type HostResult } from '../../src/store/index.ts';
import { ANY_AE, ECHO_ONLY, EXPOSED, FIND_OPEN, REFUSED, RUN_META, withDbFile } from './fixtures.ts';

const withFile = (fn: (path: string) => Promise<void>): Promise<void> => withDbFile('exposure-thread-', fn);

const exposedHost: HostResult = { ip: EXPOSED.endpoint.ip, services: [{ observation: EXPOSED, findings: [FIND_OPEN, ANY_AE] }] };
const echoHost: HostResult = { ip: ECHO_ONLY.endpoint.ip, services: [{ observation: ECHO_ONLY, findings: [] }] };
const counters = { hostsDone: 2, openPorts: 2, unreachable: 0, services: 2, findings: 2 };

test('batches written from the thread are committed when recordHosts resolves, rows and checkpoint alike', async () => {
  await withFile(async (path) => {
    const sink = openStoreSink(path, { writeThread: true });
    const runId = await sink.startRun(RUN_META);
    await sink.recordHosts(runId, { hosts: [exposedHost, echoHost], checkpoint: { watermark: 2, done: [], counters } });
    // Another connection sees the batch at once: it was committed before the promise resolved.
    const reader = openStoreReader(path);
    try {
      const services = await reader.services(runId);
      assert.deepEqual(services.map((s) => `${s.ip}:${s.port}`).sort(), ['10.0.0.5:104', `${ECHO_ONLY.endpoint.ip}:104`].sort());
      assert.deepEqual((await reader.findings(runId)).map((f) => f.ruleId).sort(), [ANY_AE.ruleId, FIND_OPEN.ruleId].sort());
      assert.deepEqual(services.find((s) => s.ip === '10.0.0.5')?.observation, EXPOSED);
    } finally {
      await reader.close();
    }
    assert.equal((await sink.loadCheckpoint(runId))?.watermark, 2);
    await sink.finishRun(runId, { targetsTotal: 2, hostsDone: 2, openPorts: 2, excluded: 0, status: 'completed' });
    await sink.close();
    const after = openStoreReader(path);
    try {
      assert.equal((await after.run(runId))?.status, 'completed');
    } finally {
      await after.close();
    }
  });
});

test('an invalid batch comes back as the same StoreValidationError, naming the field and never the value, and leaves nothing behind', async () => {
  await withFile(async (path) => {
    const store = openSqliteStore(path, { writeThread: true });
    try {
      const runId = await store.startRun(RUN_META);
      const secret = 'PEER-SENT-THIS-VALUE';
      const bad = { ip: '10.0.0.9', services: [{ observation: { ...REFUSED, endpoint: { ip: '10.0.0.9', port: 104 }, status: secret }, findings: [] }] } as unknown as HostResult;
      await assert.rejects(store.recordHosts(runId, { hosts: [echoHost, bad] }), (err: unknown) => {
        assert.ok(err instanceof StoreValidationError);
        assert.equal(err.code, 'INVALID_OBSERVATION');
        assert.equal(err.message, 'observation of service 1 of host 10.0.0.9 is invalid: status (invalid_enum_value)');
        assert.deepEqual(err.issues, [{ path: 'status', code: 'invalid_enum_value' }]);
        assert.doesNotMatch(err.message, new RegExp(secret));
        return true;
      });
      assert.deepEqual(await store.services(runId), [], 'one transaction: the valid host of the batch is not stored either');
      await assert.rejects(store.recordHost(42, echoHost), (err: unknown) => err instanceof StoreError && err.code === 'UNKNOWN_RUN' && /run 42 does not exist/.test(err.message));
      // The thread goes on after a failed batch.
      await store.recordHost(runId, echoHost);
      assert.equal((await store.services(runId)).length, 1);
    } finally {
      await store.close();
    }
  });
});

test('an in-memory database has no file for a second connection: its batches are written where it lives', async () => {
  const store = openSqliteStore(':memory:', { writeThread: true });
  try {
    const runId = await store.startRun(RUN_META);
    await store.recordHost(runId, echoHost);
    assert.equal((await store.services(runId)).length, 1);
  } finally {
    await store.close();
  }
});
