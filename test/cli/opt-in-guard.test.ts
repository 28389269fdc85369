/**
 * --check-logins and --check-write go past what anyone may see: both are refused,
 * before any packet, for targets outside loopback and private space that the
 * allow-list does not cover. (Nothing is dialled: the refusal comes first, and
 * --dry-run would send nothing anyway.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exposure } from './exposure-cli.ts';

test('--check-logins and --check-write are refused for public targets without an allow-list', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'exposure-optin-'));
  try {
    for (const flag of ['--check-logins', '--check-write']) {
      const r = await exposure(['scan', '198.51.100.0/28', flag, '--db', join(dir, 'x.db'), '--dry-run']);
      assert.equal(r.code, 2, `${flag}: ${r.stderr}`);
      assert.match(r.stderr, /allow-list/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('they are accepted for loopback targets and for allow-listed public ones', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'exposure-optin-'));
  try {
    writeFileSync(join(dir, 'allow.txt'), '198.51.100.0/24 # documentation range, authorised for this test\n');
    const local = await exposure(['scan', '127.0.77.0/30', '--check-logins', '--check-write', '--db', join(dir, 'x.db'), '--dry-run']);
    assert.equal(local.code, 0, local.stderr);
    const allowed = await exposure(['scan', '198.51.100.0/28', '--check-logins', '--allow-list', join(dir, 'allow.txt'), '--db', join(dir, 'y.db'), '--dry-run']);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /nothing was sent/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
