/** Lab process helpers: clear errors, and no signal ever reaches a recycled PID. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LabError } from '../../src/lab/errors.ts';
import { isLabAddress } from '../../src/lab/ports.ts';
import { findBinary, isRunning } from '../../src/lab/process.ts';

test('a missing server binary says to run the install script', async () => {
  await assert.rejects(findBinary('exposure-no-such-server'), (e: unknown) => {
    return e instanceof LabError && e.code === 'binary-missing' && e.message.includes('scripts/install-lab-deps.sh');
  });
});

test('a live PID with another start time is not ours (recycled PID)', async () => {
  assert.equal(await isRunning({ pid: process.pid, startTime: '1' }), false);
  assert.equal(await isRunning({ pid: 2 ** 22 + 1, startTime: '1' }), false); // above pid_max: never exists
});

test('lab addresses are 127.0.0.0/8 only', () => {
  assert.equal(isLabAddress('127.0.20.5'), true);
  assert.equal(isLabAddress('127.255.255.254'), true);
  for (const ip of ['10.0.0.5', '0.0.0.0', '127.0.0.0', '127.255.255.255', '::1', 'localhost', '127.1']) {
    assert.equal(isLabAddress(ip), false, ip);
  }
});
