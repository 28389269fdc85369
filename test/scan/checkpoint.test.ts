import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointTracker } from '../../src/scan/checkpoint.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { RUN_META } from '../store/fixtures.ts';

describe('resume checkpoint', () => {
  it('keeps a watermark below the slowest step in flight and the steps done above it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exposure-ckpt-'));
    const store = openSqliteStore(join(dir, 'x.db'));
    try {
      const runId = await store.startRun(RUN_META);
      const counters = { hostsDone: 0, openPorts: 0, unreachable: 0, services: 0, findings: 0 };
      const t = new CheckpointTracker(store, runId, 0, counters);
      for (const s of [0, 3, 4, 9, 12]) t.issue(s);
      t.finish(3);
      t.finish(9);
      assert.equal(t.watermark, 0);
      t.finish(0);
      assert.equal(t.watermark, 4);
      counters.hostsDone = 3;
      await t.flush();
      assert.deepEqual(await store.loadCheckpoint(runId), { watermark: 4, done: [9], counters: { ...counters } });
      t.finish(4);
      t.finish(12);
      await t.flush();
      const c = await store.loadCheckpoint(runId);
      assert.equal(c?.watermark, 13);
      assert.deepEqual(c?.done, []);
      assert.throws(() => t.issue(5), /increasing order/);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('remembers steps a previous process finished above its watermark', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exposure-ckpt-'));
    const store = openSqliteStore(join(dir, 'x.db'));
    try {
      const runId = await store.startRun(RUN_META);
      const t = new CheckpointTracker(store, runId, 10, { hostsDone: 0, openPorts: 0, unreachable: 0, services: 0, findings: 0 }, [20]);
      t.issue(10);
      t.issue(11);
      t.finish(11);
      await t.flush();
      assert.deepEqual((await store.loadCheckpoint(runId))?.done, [11, 20]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
