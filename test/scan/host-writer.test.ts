import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CheckpointTracker } from '../../src/scan/checkpoint.ts';
import { HostWriter } from '../../src/scan/host-writer.ts';
import { forEachConcurrent } from '../../src/scan/pool.ts';
import { openSqliteStore, type HostBatch, type SqliteStore, type StoreSink } from '../../src/store/index.ts';
import { RUN_META } from '../store/fixtures.ts';
import { checkStoredMatchesCheckpoint, finishedHost, ipAt, resumeSteps, zeroCounters } from './batches.ts';

async function withStore(fn: (store: SqliteStore, path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'exposure-writer-'));
  const path = join(dir, 'scan.db');
  const store = openSqliteStore(path);
  try {
    await fn(store, path);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A sink that keeps batches in memory and lets a test decide when each write completes. */
function heldSink(): { sink: Pick<StoreSink, 'recordHosts'>; batches: HostBatch[]; release: () => void; pending: () => number } {
  const batches: HostBatch[] = [];
  const waiting: Array<() => void> = [];
  return {
    batches,
    sink: {
      recordHosts: (_runId, batch) =>
        new Promise<void>((resolve) => {
          waiting.push(() => {
            batches.push(batch);
            resolve();
          });
        }),
    },
    release: () => waiting.shift()?.(),
    pending: () => waiting.length,
  };
}

describe('host writer', () => {
  it('after a crash between batches, every stored host is marked done and a resume stores each host once', async () => {
    await withStore(async (store, path) => {
      const runId = await store.startRun(RUN_META);
      const counters = zeroCounters();
      const tracker = new CheckpointTracker(0, counters);
      const writer = new HostWriter({ store, runId, tracker, counters, merge: false, maxHosts: 5, maxDelayMs: 60_000 });
      const total = 40;
      for (let s = 0; s < total; s++) tracker.issue(s);
      // Steps 0-29 finish out of order (six full batches), then 31 and 33 wait in a partial batch;
      // 30, 32 and 34-39 are still being probed when the process dies.
      for (let k = 0; k < 30; k++) await writer.add(finishedHost((k * 7) % 30));
      await writer.add(finishedHost(31));
      await writer.add(finishedHost(33));

      // The writer is dropped unflushed; the file is read by a second connection, as a new process would.
      const after = openSqliteStore(path);
      try {
        const again = await checkStoredMatchesCheckpoint(after, runId, total);
        assert.deepEqual(again, [30, 31, 32, 33, 34, 35, 36, 37, 38, 39], 'queued hosts are probed again, stored ones are not');
        assert.equal((await after.services(runId)).length, 20, 'the six written batches hold the 20 hosts with results of steps 0-29');
        await resumeSteps(after, runId, again);
        assert.deepEqual(await checkStoredMatchesCheckpoint(after, runId, total), [], 'all done after the resume');
        const checkpoint = await after.loadCheckpoint(runId);
        assert.deepEqual(checkpoint, { watermark: 40, done: [], counters: { hostsDone: 40, openPorts: 26, unreachable: 14, services: 26, findings: 52 } });
      } finally {
        await after.close();
      }
    });
  });

  it('survives SIGKILL of a process writing batches: nothing stored is lost, nothing is stored twice', { timeout: 60_000 }, async () => {
    await withStore(async (store, path) => {
      const runId = await store.startRun(RUN_META);
      const total = 20_000;
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'writer-child.ts'), path, String(runId), String(total)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      // Killed as soon as it says it has written a few batches, in the middle of its work.
      child.stdout.once('data', () => child.kill('SIGKILL'));
      assert.equal(await exited, 'SIGKILL', 'the writer was killed, it did not finish');
      const again = await checkStoredMatchesCheckpoint(store, runId, total);
      const stored = (await store.services(runId)).length;
      assert.ok(stored > 0 && again.length > 0, `killed mid-way (${stored} hosts stored, ${again.length} steps left)`);
      await resumeSteps(store, runId, again);
      assert.deepEqual(await checkStoredMatchesCheckpoint(store, runId, total), []);
      assert.equal((await store.loadCheckpoint(runId))?.counters.hostsDone, total);
    });
  });

  it('writes the last partial batch on close, and a lone host after maxDelayMs', async () => {
    await withStore(async (store) => {
      const runId = await store.startRun(RUN_META);
      const counters = zeroCounters();
      const tracker = new CheckpointTracker(0, counters);
      const writer = new HostWriter({ store, runId, tracker, counters, merge: false, maxHosts: 100, maxDelayMs: 20 });
      for (const s of [0, 1, 2]) tracker.issue(s);
      await writer.add(finishedHost(1));
      assert.equal((await store.services(runId)).length, 0, 'waits for more hosts first');
      await sleep(200);
      assert.deepEqual((await store.services(runId)).map((s) => s.ip), [ipAt(1)], 'written by the timer');
      await writer.add(finishedHost(2));
      await writer.add(finishedHost(0));
      await writer.close();
      assert.deepEqual((await store.services(runId)).map((s) => s.ip), [ipAt(1), ipAt(2)]);
      assert.deepEqual(await store.loadCheckpoint(runId), { watermark: 3, done: [], counters: { hostsDone: 3, openPorts: 2, unreachable: 1, services: 2, findings: 4 } });
      await assert.rejects(writer.add(finishedHost(3)), /closed/);
    });
  });

  it('makes adders wait while maxUnwritten hosts wait for a slow store, and writes batches in order', async () => {
    const held = heldSink();
    const counters = zeroCounters();
    const tracker = new CheckpointTracker(0, counters);
    const writer = new HostWriter({ store: held.sink, runId: 1, tracker, counters, merge: false, maxHosts: 4, maxDelayMs: 60_000, maxUnwritten: 8 });
    const total = 64;
    const concurrency = 3;
    let added = 0;
    let maxInMemory = 0;
    // Hosts written so far: each batch's checkpoint counts every host up to it.
    const written = (): number => held.batches.at(-1)?.checkpoint?.counters.hostsDone ?? 0;
    // The store completes one write every 2 ms: far slower than the adders.
    const drain = setInterval(() => held.release(), 2);
    try {
      await forEachConcurrent(
        (function* () {
          for (let s = 0; s < total; s++) {
            tracker.issue(s);
            yield s;
          }
        })(),
        concurrency,
        async (s) => {
          const add = writer.add(finishedHost(s));
          added += 1;
          maxInMemory = Math.max(maxInMemory, added - written());
          await add;
        },
      );
      await writer.close();
    } finally {
      clearInterval(drain);
    }
    assert.equal(held.pending(), 0);
    assert.ok(maxInMemory >= 8, `the store was the slower side (${maxInMemory} hosts waited at most)`);
    assert.ok(maxInMemory <= 8 + concurrency, `at most maxUnwritten + one per adder wait in memory (${maxInMemory})`);
    const watermarks = held.batches.map((b) => b.checkpoint?.watermark ?? -1);
    assert.deepEqual(watermarks, [...watermarks].sort((a, b) => a - b), 'checkpoints are written in the order batches were taken');
    assert.equal(watermarks.at(-1), total);
    assert.equal(written(), total);
    assert.ok(held.batches.every((b) => b.hosts.length <= 4));
    const ips = held.batches.flatMap((b) => b.hosts.map((h) => h.ip));
    assert.equal(ips.length, new Set(ips).size, 'each host in one batch');
    assert.equal(ips.length, Array.from({ length: total }, (_, s) => s).filter((s) => s % 3 !== 0).length);
  });

  it('after a failed write, writes no later batch and rejects the next add and close', async () => {
    const batches: HostBatch[] = [];
    const failure = new Error('disk full');
    const sink: Pick<StoreSink, 'recordHosts'> = {
      recordHosts: async (_runId, batch) => {
        if (batches.length === 1) throw failure;
        batches.push(batch);
      },
    };
    const counters = zeroCounters();
    const tracker = new CheckpointTracker(0, counters);
    const writer = new HostWriter({ store: sink, runId: 1, tracker, counters, merge: false, maxHosts: 2, maxDelayMs: 60_000 });
    for (let s = 0; s < 8; s++) tracker.issue(s);
    await writer.add(finishedHost(0));
    await writer.add(finishedHost(1)); // batch 1 written
    await writer.add(finishedHost(2));
    await writer.add(finishedHost(3)); // batch 2 fails
    await assert.rejects(writer.flush(), failure);
    await assert.rejects(writer.add(finishedHost(4)), failure);
    await assert.rejects(writer.close(), failure);
    assert.equal(batches.length, 1);
    assert.equal(batches[0]?.checkpoint?.watermark, 2, 'the stored checkpoint covers only the written batch');
  });
});
