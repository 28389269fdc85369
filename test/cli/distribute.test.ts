/**
 * Distributed runs refuse what they cannot do, in one line and exit 2,
 * before anything is recorded: a queue needs PostgreSQL, target specs and the
 * whole order; a worker and status need a database to look at.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { exposure } from './exposure-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'exposure-distribute-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const oneLine = (stderr: string): string => {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  return lines[0]!;
};

describe('distributed runs on the command line', () => {
  it('--distribute needs a PostgreSQL --db', async () => {
    const r = await exposure(['scan', '127.0.29.40', '--db', join(dir, 'x.db'), '--distribute']);
    assert.equal(r.code, 2);
    assert.match(oneLine(r.stderr), /--distribute needs --db postgres:/);
  });

  it('--distribute takes target specs and the whole order', async () => {
    const db = 'postgres://nobody@127.0.29.41:1/none';
    const from = await exposure(['scan', '--from', join(dir, 'zmap.csv'), '--db', db, '--distribute']);
    assert.equal(from.code, 2);
    assert.match(oneLine(from.stderr), /not --from/);
    const shard = await exposure(['scan', '127.0.29.40', '--shard', '1/2', '--db', db, '--distribute']);
    assert.equal(shard.code, 2);
    assert.match(oneLine(shard.stderr), /leave out --shard/);
  });

  it('worker and status need a database, and a PostgreSQL one', async () => {
    const none = await exposure(['worker'], 60_000, { EXPOSURE_DB: '' });
    assert.equal(none.code, 2);
    assert.match(oneLine(none.stderr), /needs --db postgres:/);
    const file = await exposure(['status', '--db', join(dir, 'x.db')]);
    assert.equal(file.code, 2);
    assert.match(oneLine(file.stderr), /is not a PostgreSQL database/);
  });

  it('a worker that cannot reach the database says so without the password', async () => {
    const r = await exposure(['worker', '--db', 'postgres://scanner:s3cret-pw@127.0.29.42:1/exposure', '--max-blocks', '1']);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, /s3cret-pw/);
    assert.match(oneLine(r.stderr), /cannot reach PostgreSQL|127\.0\.29\.42/);
  });
});
