import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachConcurrent } from '../../src/scan/pool.ts';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the pool', () => {
  test('pulls a plain iterable only as slots free up, never more than the limit in flight', async () => {
    let pulled = 0;
    function* items(): Generator<number> {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield i;
      }
    }
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachConcurrent(items(), 4, async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      assert.ok(pulled <= seen.length + 4, `pulled ${pulled} with ${seen.length} done`);
      await tick();
      seen.push(i);
      inFlight--;
    });
    assert.equal(most, 4);
    assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
  });

  test('an async iterable goes through the same way', async () => {
    async function* items(): AsyncGenerator<number> {
      for (let i = 0; i < 20; i++) {
        await tick();
        yield i;
      }
    }
    let sum = 0;
    await forEachConcurrent(items(), 3, async (i) => {
      await tick();
      sum += i;
    });
    assert.equal(sum, 190);
  });

  test('a source that throws, sync or async, rejects the pool with its error once the calls in flight end', async () => {
    function* broken(): Generator<number> {
      yield 1;
      throw new Error('source broke');
    }
    async function* brokenAsync(): AsyncGenerator<number> {
      yield 1;
      throw new Error('async source broke');
    }
    const done: number[] = [];
    await assert.rejects(forEachConcurrent(broken(), 2, async (i) => void done.push(i)), /source broke/);
    await assert.rejects(forEachConcurrent(brokenAsync(), 2, async (i) => void done.push(i)), /async source broke/);
    assert.deepEqual(done, [1, 1]);
  });

  test('stops pulling once its signal aborts', async () => {
    const stop = new AbortController();
    let calls = 0;
    await forEachConcurrent(
      Array.from({ length: 50 }, (_, i) => i),
      2,
      async () => {
        if (++calls === 5) stop.abort();
        await tick();
      },
      stop.signal,
    );
    assert.ok(calls >= 5 && calls <= 6, `${calls} calls`);
  });
});
