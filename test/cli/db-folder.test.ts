/**
 * A --db path in a folder that does not exist is a user's mistake: scan,
 * report and diff each say so in one line and exit 2, with no stack trace and
 * nothing created. Targets are 127.0.100.1, where nothing listens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exposure } from './exposure-cli.ts';

const COMMANDS: readonly { name: string; args: (db: string) => string[] }[] = [
  { name: 'scan', args: (db) => ['scan', '127.0.100.1', '--ports', '104', '--db', db, '--quiet'] },
  { name: 'report', args: (db) => ['report', '--db', db] },
  { name: 'diff', args: (db) => ['diff', '1', '2', '--db', db] },
];

for (const c of COMMANDS) {
  test(`${c.name} with --db in a missing folder: one line, exit 2, nothing created`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exposure-db-folder-'));
    try {
      const missing = join(dir, 'no-such-folder');
      const db = join(missing, 'scan.db');
      const r = await exposure(c.args(db));
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr, `exposure: cannot open ${db}: the folder ${missing} does not exist (create it first, or give --db a path in an existing folder)\n`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(existsSync(missing), false, 'no folder created');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('--db under a file instead of a folder: one line, exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'exposure-db-folder-'));
  try {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'not a folder\n');
    const r = await exposure(['report', '--db', join(file, 'scan.db')]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    assert.match(r.stderr, /is not a folder/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--version prints the version alone and exits 0', async () => {
  const r = await exposure(['--version']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
});
