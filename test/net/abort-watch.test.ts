/** One listener per signal, however many waits watch it (net/abort-watch.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { onAbort, onAbortOf } from '../../src/net/abort-watch.ts';

test('thousands of waits on one signal put one listener on it, and each runs once at the abort', () => {
  const scan = new AbortController();
  const ran: number[] = [];
  const forgets = Array.from({ length: 5000 }, (_, i) => onAbort(scan.signal, () => ran.push(i)));
  assert.equal(getEventListeners(scan.signal, 'abort').length, 1);
  // Waits that ended otherwise forget their hook: it does not run.
  for (let i = 0; i < 5000; i += 2) forgets[i]!();
  scan.abort();
  scan.signal.dispatchEvent(new Event('abort'));
  assert.equal(ran.length, 2500);
  assert.ok(ran.every((i) => i % 2 === 1));
  assert.deepEqual(ran.slice(0, 3), [1, 3, 5], 'in the order they were added');
});

test('without a signal there is nothing to watch', () => {
  let ran = false;
  onAbortOf(undefined, () => (ran = true))();
  assert.equal(ran, false);
});

test('signals are watched apart', () => {
  const a = new AbortController();
  const b = new AbortController();
  const ran: string[] = [];
  onAbort(a.signal, () => ran.push('a'));
  onAbort(b.signal, () => ran.push('b'));
  b.abort();
  assert.deepEqual(ran, ['b']);
});
