/** The fleet's plan, pure: which endpoint gets which kind, round trip and number of matches. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fleetEndpoints, MAX_FIND_MATCHES, type FleetConfig } from '../../../src/lab/fleet/fleet.ts';

const config = (group: Partial<FleetConfig['groups'][number]>): FleetConfig => ({
  groups: [{ first: '127.3.0.1', stride: 1, count: 2000, ports: [104], mix: { 'echo-only': 1, 'qr-open': 1 }, ...group }],
  aeTitle: 'ANY-SCP',
  slowMs: 0,
});

describe('fleet plan', () => {
  it('gives qr-open endpoints 1–50 matches, fixed per address, and every other kind none', () => {
    const plan = [...fleetEndpoints(config({ rttMs: 100 }))];
    const qr = plan.filter((e) => e.kind === 'qr-open');
    assert.ok(qr.length > 800 && qr.length < 1200, `${qr.length} qr-open of 2000`);
    assert.ok(qr.every((e) => e.findMatches >= 1 && e.findMatches <= MAX_FIND_MATCHES));
    assert.equal(new Set(qr.map((e) => e.findMatches)).size, MAX_FIND_MATCHES, 'every count from 1 to 50 occurs');
    assert.ok(plan.filter((e) => e.kind === 'echo-only').every((e) => e.findMatches === 0));
    assert.ok(plan.every((e) => e.rttMs === 100));
    assert.deepEqual([...fleetEndpoints(config({ rttMs: 100 }))], plan, 'the same plan each time');
  });

  it('has no round trip unless asked, and refuses one that is no whole number of milliseconds up to a minute', () => {
    assert.ok([...fleetEndpoints(config({ count: 10 }))].every((e) => e.rttMs === 0));
    for (const rttMs of [-1, 1.5, 60_001]) assert.throws(() => [...fleetEndpoints(config({ rttMs }))], /rttMs/);
  });
});
