/**
 * `exposure scan --resume` reads the run's recorded parameters back through
 * their schema: a run without them is refused with one line and exit 2; a
 * run recorded by scan/ is continued in place. Targets are 127.0.93.0/30 on
 * port 9, where nothing listens: every connect is refused at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordParameters, runMeta } from '../../src/scan/run-parameters.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { RUN_META, withDbFile } from '../store/fixtures.ts';
import { requested } from '../scan/parameters.ts';
import { exposure } from './exposure-cli.ts';

const withDb = (fn: (db: string) => Promise<void>): Promise<void> => withDbFile('exposure-resume-', fn);

test('a run recorded without parameters is refused in one line, exit 2, nothing scanned', async () => {
  await withDb(async (db) => {
    const store = openSqliteStore(db);
    await store.startRun(RUN_META);
    await store.close();
    const r = await exposure(['scan', '--resume', '1', '--db', db, '--quiet']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, `exposure: run 1 of ${db} cannot be resumed: it was started by an older Exposure that did not record its parameters; start a new scan\n`);
    const after = openSqliteStore(db, { readonly: true });
    assert.equal((await after.run(1))?.status, 'running', 'the run is left as it was');
    await after.close();
  });
});

test('--resume takes no targets of its own', async () => {
  await withDb(async (db) => {
    const r = await exposure(['scan', '127.0.93.1', '--resume', '1', '--db', db]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--resume continues a run with its own stored targets and options/);
  });
});

test('a run recorded with its parameters and never scanned is resumed in place and completed', { timeout: 60_000 }, async () => {
  await withDb(async (db) => {
    const p = recordParameters(requested());
    const store = openSqliteStore(db);
    const id = await store.startRun(runMeta(p, [], ['127.0.93.0/30']));
    await store.close();
    const r = await exposure(['scan', '--resume', String(id), '--db', db, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /done: 4 targets done · 0 excluded · 4 unreachable/);
    const after = openSqliteStore(db, { readonly: true });
    try {
      const runs = await after.runs();
      assert.equal(runs.length, 1, 'no second run');
      assert.equal(runs[0]?.status, 'completed');
      assert.equal(runs[0]?.summary?.hostsDone, 4);
      assert.deepEqual(runs[0]?.meta.targets, ['127.0.93.0/30']);
    } finally {
      await after.close();
    }
  });
});
