import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mulmod, parseShard, permutationFor, powmod, walk, WHOLE } from '../../src/scope/permutation.ts';

const order = (size: number, seed: number, shard = WHOLE, from = 0) => [...walk(permutationFor(size, seed), shard, from)].map((s) => s.index);

describe('address permutation', () => {
  it('visits every index exactly once for small spaces', () => {
    for (let size = 1; size <= 300; size++) {
      const seen = order(size, size * 7919);
      assert.equal(seen.length, size, `size ${size}`);
      assert.equal(new Set(seen).size, size);
      assert.ok(seen.every((i) => i >= 0 && i < size));
    }
  });

  it('is reproducible from the seed and differs between seeds', () => {
    assert.deepEqual(order(1000, 42), order(1000, 42));
    assert.notDeepEqual(order(1000, 42), order(1000, 43));
    assert.notDeepEqual(order(1000, 42), [...Array(1000).keys()]);
  });

  it('splits into shards that partition the order with no overlap and no gap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 9 }), fc.nat(), (size, count, seed) => {
        const all: number[] = [];
        for (let i = 0; i < count; i++) all.push(...order(size, seed, { index: i, count }));
        assert.equal(all.length, size);
        assert.equal(new Set(all).size, size);
      }),
      { numRuns: 60 },
    );
  });

  it('resumes at a step exactly where the walk was', () => {
    const params = permutationFor(5000, 9);
    const full = [...walk(params, { index: 1, count: 3 })];
    const cut = full[700]!.step;
    assert.deepEqual([...walk(params, { index: 1, count: 3 }, cut)], full.slice(700));
  });

  it('multiplies modulo primes near 2^33 without losing precision', () => {
    const p = 8589934609; // the first prime above 2^33
    const a = 8589934000;
    const b = 7777777777;
    assert.equal(mulmod(a, b, p), Number((BigInt(a) * BigInt(b)) % BigInt(p)));
    assert.equal(powmod(3, p - 1, p), 1);
    const big = permutationFor(2 ** 32, 1);
    assert.ok(big.prime > 2 ** 32 && big.generator > 1);
  });

  it('parses --shard I/N and explains bad values', () => {
    assert.deepEqual(parseShard('2/8'), { index: 1, count: 8 });
    for (const bad of ['0/4', '5/4', '1', 'a/b', '1/0']) assert.throws(() => parseShard(bad), /--shard must be I\/N/);
  });
});
