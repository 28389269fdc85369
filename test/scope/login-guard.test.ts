import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLoginsAllowed } from '../../src/scope/login-guard.ts';
import { parseTargetSpec } from '../../src/scope/targets.ts';

test('--check-logins is allowed on loopback and private space', () => {
  checkLoginsAllowed(['127.0.60.0/24', '10.1.2.0/24', '192.168.1.5'].map((s) => parseTargetSpec(s)), []);
});

test('--check-logins is refused elsewhere unless the allow-list covers the targets', () => {
  assert.throws(() => checkLoginsAllowed([parseTargetSpec('198.51.100.0/28')], []), /--check-logins .* refused .* --allow-list/);
  assert.throws(() => checkLoginsAllowed([parseTargetSpec('198.51.100.0/24')], [parseTargetSpec('198.51.100.0/28')]));
  checkLoginsAllowed([parseTargetSpec('198.51.100.0/28')], [parseTargetSpec('198.51.100.0/24')]);
});
