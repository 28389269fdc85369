/**
 * The work queue on a real PostgreSQL (a throwaway cluster on 127.0.29.1):
 * concurrent claims never hand out one block twice; a lease that runs out is
 * taken over and the old claim can store nothing; a refused block is not
 * claimed again by its refuser; a block that keeps killing workers is set
 * aside; status adds up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startPostgres, type PostgresCluster } from '../../src/lab/postgres.ts';
import { freePort } from '../../src/lab/ports.ts';
import { openPostgresStore, type PostgresStore } from '../../src/store/index.ts';
import {
  claimBlock,
  enqueueBlocks,
  holdForCompletion,
  markBlockDone,
  MAX_ATTEMPTS,
  queueStatus,
  refuseBlock,
  renewLease,
  type BlockClaim,
} from '../../src/store/postgres/queue.ts';
import { RUN_META } from '../store/fixtures.ts';

const IP = '127.0.29.1';
let cluster: PostgresCluster;
let store: PostgresStore;

before(async () => {
  cluster = await startPostgres({ ip: IP, port: await freePort(IP) });
  store = openPostgresStore(cluster.url);
});

after(async () => {
  await store?.close();
  await cluster?.stop();
});

async function newRun(steps: number, blockSize: number): Promise<number> {
  const runId = await store.startRun(RUN_META);
  await store.inTransaction((tx) => enqueueBlocks(tx, runId, steps, blockSize));
  return runId;
}

const NONE = { hosts: 0, services: 0, openPorts: 0 };

async function complete(claim: BlockClaim): Promise<boolean> {
  return store.inTransaction(async (tx) => {
    if (!(await holdForCompletion(tx, claim))) return false;
    await markBlockDone(tx, claim, NONE);
    return true;
  });
}

describe('the work queue', () => {
  it('cuts the steps into blocks that cover them once', async () => {
    const runId = await newRun(1003, 100);
    const s = await queueStatus(store.queue, runId);
    assert.equal(s.blocks, 11);
    assert.equal(s.steps, 1003);
    assert.equal(s.left, 11);
    const claim = await claimBlock(store.queue, 'a', 60_000, runId);
    assert.deepEqual([claim?.block, claim?.firstStep, claim?.endStep], [0, 0, 100]);
  });

  it('hands each block to one of many claimers at once', async () => {
    const runId = await newRun(40, 1);
    const claims = await Promise.all(Array.from({ length: 60 }, (_, i) => claimBlock(store.queue, `c${i % 6}`, 60_000, runId)));
    const got = claims.filter((c): c is BlockClaim => c !== undefined).map((c) => c.block);
    assert.equal(got.length, 40);
    assert.equal(new Set(got).size, 40);
    assert.equal(await claimBlock(store.queue, 'late', 60_000, runId), undefined);
  });

  it('takes a block over when its lease runs out, and the first claim stores nothing', async () => {
    const runId = await newRun(1, 1);
    const first = await claimBlock(store.queue, 'slow', 200, runId);
    assert.ok(first);
    assert.equal(await claimBlock(store.queue, 'other', 60_000, runId), undefined, 'held under a live lease');
    await new Promise((r) => setTimeout(r, 400));
    const second = await claimBlock(store.queue, 'other', 60_000, runId);
    assert.ok(second);
    assert.equal(second.block, first.block);
    assert.ok(second.token > first.token);
    assert.equal(await renewLease(store.queue, first, 60_000), false, 'the first claim cannot renew');
    assert.equal(await complete(first), false, 'nor complete');
    assert.equal(await complete(second), true);
    const s = await queueStatus(store.queue, runId);
    assert.equal(s.done, 1);
    assert.deepEqual(s.workers.map((w) => [w.worker, w.blocksDone]), [['other', 1]]);
  });

  it('never gives a worker back a block it refused; another worker may take it', async () => {
    const runId = await newRun(1, 1);
    const claim = await claimBlock(store.queue, 'narrow', 60_000, runId);
    assert.ok(claim);
    await refuseBlock(store.queue, claim, '203.0.113.9 is outside this worker\'s allow-list');
    assert.equal(await claimBlock(store.queue, 'narrow', 60_000, runId), undefined);
    const s = await queueStatus(store.queue, runId);
    assert.deepEqual(s.refusals.map((r) => [r.worker, r.block]), [['narrow', 0]]);
    const wide = await claimBlock(store.queue, 'wide', 60_000, runId);
    assert.equal(wide?.block, 0);
  });

  it(`sets aside a block claimed ${MAX_ATTEMPTS} times without being done`, async () => {
    const runId = await newRun(1, 1);
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      assert.ok(await claimBlock(store.queue, `dies-${i}`, 1, runId), `attempt ${i + 1}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(await claimBlock(store.queue, 'next', 60_000, runId), undefined);
    const s = await queueStatus(store.queue, runId);
    assert.equal(s.failed, 1);
    assert.equal(s.left + s.claimed + s.expired, 0);
  });

  it('says the last block done is the last, once', async () => {
    const runId = await newRun(3, 1);
    const claims = [];
    for (let i = 0; i < 3; i++) claims.push((await claimBlock(store.queue, `w${i}`, 60_000, runId))!);
    const lasts = await Promise.all(
      claims.map((c) => store.inTransaction(async (tx) => (await holdForCompletion(tx, c)) && markBlockDone(tx, c, NONE))),
    );
    assert.deepEqual(lasts.filter(Boolean).length, 1);
  });
});
