/** `exposure diff`: what changed between two runs, and the exit status that gates a scheduled job. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { summarise } from '../../src/report/index.ts';
import { diffRuns } from '../../src/report/diff.ts';
import { buildReportStore, RUN_RESCAN, RUN_STUDY, type ReportStore } from '../fixtures/report-store.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'exposure.js');
let f: ReportStore;
before(async () => {
  f = await buildReportStore();
});
after(() => f?.cleanup());

async function exposure(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], { timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

test('a locked server is fixed, a new open one is a new exposure with a new critical finding', async () => {
  const d = await diffRuns(await summarise(f.store, RUN_STUDY), await summarise(f.store, RUN_RESCAN));
  assert.deepEqual(d.fixed.map((x) => [x.ip, x.port, x.how]), [['10.20.30.40', 104, 'gone'], ['192.0.2.10', 104, 'locked']]);
  assert.deepEqual(d.newExposures.map((x) => `${x.ip}:${x.port}`), ['203.0.113.31:4242']);
  assert.equal(d.newCritical, 1);
  assert.deepEqual(d.changedCounts.find((c) => c.ip === '198.51.100.20')?.images, { from: 250_000, to: 260_000 });
  assert.equal(d.scopeDiffers, false);
});

test('the reverse diff has no new critical finding', async () => {
  const d = await diffRuns(await summarise(f.store, RUN_RESCAN), await summarise(f.store, RUN_STUDY));
  assert.equal(d.newCritical, 2, 'the two servers exposed again are new critical findings');
  const same = await diffRuns(await summarise(f.store, RUN_STUDY), await summarise(f.store, RUN_STUDY));
  assert.equal(same.newCritical + same.fixed.length + same.newFindings.length + same.changedCounts.length, 0);
});

test('the CLI exits 3 on new critical findings, 0 without, 2 on unknown runs', { timeout: 120_000 }, async () => {
  const gate = await exposure(['diff', String(RUN_STUDY), String(RUN_RESCAN), '--db', f.path]);
  assert.equal(gate.code, 3, gate.stderr);
  assert.match(gate.stdout, /^Fixed \(2\)$/m);
  const calm = await exposure(['diff', String(RUN_STUDY), String(RUN_STUDY), '--db', f.path, '--format', 'json']);
  assert.equal(calm.code, 0, calm.stderr);
  assert.equal((JSON.parse(calm.stdout) as { schema: string }).schema, 'exposure-diff/1');
  const unknown = await exposure(['diff', '1', '42', '--db', f.path]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /has no run 42 \(runs stored: 1, 2, 3\)/);
  const bad = await exposure(['diff', 'first', '2', '--db', f.path]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /RUN_A must be a run id/);
});

test('report --format csv --out writes two files; --by org needs --out', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'exposure-cli-'));
  try {
    const r = await exposure(['report', '--db', f.path, '--run', '1', '--format', 'csv', '--out', join(dir, 'scan.csv')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(readFileSync(join(dir, 'scan.csv'), 'utf8'), /^ip,port,protocol,/);
    assert.match(readFileSync(join(dir, 'scan.findings.csv'), 'utf8'), /^ip,port,protocol,rule_id,/);
    const folder = await exposure(['report', '--db', f.path, '--run', '1', '--format', 'csv', '--out', join(dir, 'csv')]);
    assert.equal(folder.code, 0, folder.stderr);
    assert.ok(readFileSync(join(dir, 'csv', 'services.csv'), 'utf8').length > 0);
    const packs = await exposure(['report', '--db', f.path, '--by', 'org']);
    assert.equal(packs.code, 2);
    assert.match(packs.stderr, /--by org writes one folder per organisation: give the parent folder with --out DIR/);
    const written = await exposure(['report', '--db', f.path, '--run', '1', '--by', 'org', '--out', join(dir, 'packs')]);
    assert.equal(written.code, 0, written.stderr);
    const again = await exposure(['report', '--db', f.path, '--run', '3', '--by', 'org', '--out', join(dir, 'packs')]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /packs is not empty: give --by org a new or empty folder/);
    const blocked = await exposure(['report', '--db', f.path, '--format', 'csv', '--out', join(dir, 'scan.csv', 'sub')]);
    assert.equal(blocked.code, 2);
    assert.match(blocked.stderr, /cannot create the folder .*ENOTDIR: a file is in the way/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
