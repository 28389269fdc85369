import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CheckpointTracker } from '../../src/scan/checkpoint.ts';

const zero = () => ({ hostsDone: 0, openPorts: 0, unreachable: 0, services: 0, findings: 0 });

describe('resume checkpoint', () => {
  it('keeps a watermark below the slowest step in flight and the steps done above it', () => {
    const counters = zero();
    const t = new CheckpointTracker(0, counters);
    for (const s of [0, 3, 4, 9, 12]) t.issue(s);
    t.finish(3);
    t.finish(9);
    assert.equal(t.watermark, 0);
    t.finish(0);
    assert.equal(t.watermark, 4);
    counters.hostsDone = 3;
    assert.deepEqual(t.delta(), { watermark: 4, done: [9], counters: { ...counters } });
    t.finish(4);
    t.finish(12);
    assert.deepEqual(t.delta(), { watermark: 13, done: [], counters: { ...counters } });
    assert.throws(() => t.issue(5), /increasing order/);
  });

  it('lists in a delta only the steps finished since the last one', () => {
    const t = new CheckpointTracker(0, zero());
    for (const s of [0, 1, 2, 3]) t.issue(s);
    t.finish(2);
    assert.deepEqual(t.delta().done, [2]);
    t.finish(3);
    assert.deepEqual(t.delta(), { watermark: 0, done: [3], counters: zero() });
    t.finish(0);
    t.finish(1);
    assert.deepEqual(t.delta(), { watermark: 4, done: [], counters: zero() });
  });

  it('keeps the steps a previous process finished above its watermark until the watermark passes them', () => {
    const t = new CheckpointTracker(10, zero(), [20]);
    t.issue(10);
    t.issue(11);
    t.finish(11);
    assert.equal(t.watermark, 10);
    assert.deepEqual(t.delta().done, [11]);
    t.finish(10);
    assert.equal(t.watermark, 12, 'nothing in flight: the watermark is past the last step issued');
  });
});
