/**
 * `exposure watch`, `findings` and `verify` as a user meets their mistakes:
 * one line, exit status 2, before anything is scanned; and a scope's run
 * recorded as the same `exposure scan` command line records it (one closed
 * port on 127.0.94.40 is the only traffic).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { exposure } from './exposure-cli.ts';
import { buildFixtureStore } from '../store/fixtures.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { parametersOfRun } from '../../src/scan/run-parameters.ts';
import { watchConfigFrom } from '../../src/watch/config.ts';
import { scopeParameters } from '../../src/watch/rescan.ts';

const dir = mkdtempSync(join(tmpdir(), 'exposure-watch-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function config(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A user's mistake is told in words, never with a stack trace. */
const noStack = (stderr: string): void => assert.doesNotMatch(stderr, /\n\s+at /, stderr);

describe('a scope and the same command line', () => {
  it('record the same parameters, but for the seed', async () => {
    const db = join(dir, 'same.db');
    const allow = config('allow.txt', '127.0.94.0/24\n');
    const flags = ['--ports', '1,2', '--probes', 'dicom,ftp', '--io-timeout', '700', '--max-records', '10', '--rate', '50', '--ae-titles', 'PACS1', '--no-guess-list', '--allow-list', allow, '--max-depth', '2', '--check-write'];
    const r = await exposure(['scan', '127.0.94.40', ...flags, '--db', db, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const store = openSqliteStore(db, { readonly: true });
    const run = (await store.runs())[0]!;
    await store.close();
    const { seed: _a, ...fromCli } = parametersOfRun(run, db);
    const scope = watchConfigFrom(
      {
        schedule: '0 2 * * *',
        scopes: [{ name: 'same', targets: ['127.0.94.40'], ports: [1, 2], probes: ['dicom', 'ftp'], scan: { ioTimeout: 700, maxRecords: 10, rate: 50, aeTitles: ['PACS1'], guessList: false, allowList: allow, maxDepth: 2, checkWrite: true } }],
      },
      join(dir, 'same.yaml'),
    ).scopes[0]!;
    const { seed: _b, ...fromScope } = scopeParameters(scope);
    assert.deepEqual({ ...fromScope, targets: { ...fromScope.targets, resolved: [] } }, fromCli);
  });
});

describe('exposure watch, findings and verify: mistakes', () => {
  it('a configuration mistake names the file and the path, exit 2', async () => {
    const path = config('bad.yaml', 'schedule: "0 2 * * *"\nscopes:\n  - name: a\n    targets: [127.0.94.30]\n    ports: [0]\n');
    const r = await exposure(['watch', path, '--once', '--db', join(dir, 'w.db')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.yaml:\n {2}scopes\.0\.ports\.0: Number must be greater than or equal to 1/);
    noStack(r.stderr);
  });

  it('a missing webhook key stops the watch before the first scan, exit 2', async () => {
    const path = config('nokey.yaml', 'schedule: "0 2 * * *"\nscopes: [{ name: a, targets: [127.0.94.30], ports: [104] }]\nalerts: { webhook: { url: "http://127.0.94.31:9/x", secretEnv: EXPOSURE_TEST_UNSET_KEY } }\n');
    const r = await exposure(['watch', path, '--once', '--db', join(dir, 'w.db')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the environment variable EXPOSURE_TEST_UNSET_KEY is not set/);
    assert.doesNotMatch(r.stderr, /scanning/);
  });

  it('a scope outside the scope guard is refused, naming the scope, before any packet', async () => {
    const path = config('public.yaml', 'schedule: "0 2 * * *"\nscopes: [{ name: outside, targets: [192.0.2.10], ports: [104], scan: { defaultExclusions: false } }]\n');
    const r = await exposure(['watch', path, '--once', '--db', join(dir, 'w.db')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /public\.yaml: scope outside: refusing to scan/);
    noStack(r.stderr);
    assert.doesNotMatch(r.stderr, /scanning/);
  });

  it('findings of a scope the store does not hold, and a finding reference that is none, exit 2', async () => {
    const f = await buildFixtureStore();
    try {
      const unknown = await exposure(['findings', '--scope', 'nowhere', '--db', f.path]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /has no run of a scope named "nowhere"/);
      const listed = await exposure(['findings', '--db', f.path, '-f', 'json']);
      assert.equal(listed.code, 0, listed.stderr);
      const life = JSON.parse(listed.stdout) as { scope: string; findings: Array<{ key: string; status: string }> };
      assert.equal(life.scope, 'targets 10.0.0.0/29 2001:db8::5 ports 104,11112');
      assert.deepEqual(life.findings.map((x) => [x.key, x.status]).slice(0, 2), [['EXP-DICOM-001@10.0.0.5:104', 'open'], ['EXP-DICOM-002@10.0.0.5:104', 'open']]);
      const bad = await exposure(['verify', 'EXP-DICOM-001@10.0.0.5', '--db', f.path]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /is not a finding: give its id/);
      const none = await exposure(['verify', '999', '--db', f.path]);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /has no finding with id 999/);
      // The fixture's run was stored without parameters: it cannot be rescanned, and says so.
      const old = await exposure(['verify', 'EXP-DICOM-001@10.0.0.5:104', '--db', f.path]);
      assert.equal(old.code, 2);
      assert.match(old.stderr, /cannot be verified: it was started by an older Exposure that did not record its parameters/);
      noStack(old.stderr);
    } finally {
      await f.cleanup();
    }
  });
});
