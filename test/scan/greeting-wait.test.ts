/** The wait for a server-first greeting on a port no probe claims: three connect times, within 50-300 ms, unless fixed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GREETING_WAIT, greetingWaitMs } from '../../src/scan/greeting-wait.ts';

test('three connect times: a greeting takes one round trip, two more for a server slow to accept', () => {
  assert.equal(greetingWaitMs(40), 120);
  assert.equal(greetingWaitMs(33.4), 100);
});

test('at least 50 ms however near the peer: a forking server is slower than a LAN round trip', () => {
  assert.equal(greetingWaitMs(0.2), GREETING_WAIT.minMs);
  assert.equal(greetingWaitMs(0), GREETING_WAIT.minMs);
});

test('at most 300 ms however far: a later greeting still arrives as the answer to the A-ASSOCIATE-RQ', () => {
  assert.equal(greetingWaitMs(250), GREETING_WAIT.maxMs);
  assert.equal(greetingWaitMs(2900), GREETING_WAIT.maxMs);
});

test('a connect time not measured waits the longest', () => {
  assert.equal(greetingWaitMs(Number.NaN), GREETING_WAIT.maxMs);
  assert.equal(greetingWaitMs(-1), GREETING_WAIT.maxMs);
});

test('--greeting-wait overrides the rule, 0 included', () => {
  assert.equal(greetingWaitMs(40, 1000), 1000);
  assert.equal(greetingWaitMs(40, 0), 0);
});
