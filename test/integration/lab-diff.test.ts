/**
 * Two scans of the lab's real servers with a server locked in between, then
 * every report format, the notification packs and `exposure diff`, run as a
 * user runs them:
 *  - run 1: Orthanc open to anyone on 127.0.70.2, DCMTK storescp on 127.0.70.5;
 *  - run 2: the same address now serves Orthanc locked down (checked called AE
 *    title, no C-ECHO/C-FIND for unknown callers); storescp unchanged.
 * The diff shows 127.0.70.2:4242 as fixed and exits 0; the reverse diff exits 3.
 * No canary patient value appears in any output. Runs on 127.0.70.x only.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CANARY_VALUES, startLab, type Lab } from '../../src/lab/lab.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'exposure.js');
const ORTHANC_IP = '127.0.70.2';
const STORESCP_IP = '127.0.70.5';
const SCAN = ['scan', `${ORTHANC_IP},${STORESCP_IP}`, '--ports', '104,4242', '--io-timeout', '5000', '--quiet'];

let dir: string;
let out: string;
let lab: Lab | undefined;
let db: string;

async function exposure(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], { timeout: 180_000, maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function scan(): Promise<void> {
  const r = await exposure([...SCAN, '--db', db]);
  assert.equal(r.code, 0, r.stderr);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'exposure-lab-diff-'));
  out = join(dir, 'out');
  db = join(dir, 'scans.db');
  lab = await startLab({ dir: join(dir, 'lab'), addresses: { 'orthanc-open': ORTHANC_IP, storescp: STORESCP_IP }, only: ['orthanc-open', 'storescp'] });
  await scan();
  await lab.stop();
  // Same folder: the lab stops anything still running there and lays out the new servers.
  lab = await startLab({ dir: join(dir, 'lab'), addresses: { 'orthanc-locked': ORTHANC_IP, storescp: STORESCP_IP }, only: ['orthanc-locked', 'storescp'] });
  await scan();
  await lab.stop();
  lab = undefined;
});

after(async () => {
  await lab?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('two lab runs with a server locked in between', () => {
  it('diff shows the locked Orthanc as fixed and exits 0', async () => {
    const r = await exposure(['diff', '1', '2', '--db', db, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as { fixed: Array<{ ip: string; port: number; how: string }>; newExposures: unknown[]; newCritical: number; resolvedFindings: Array<{ ruleId: string }> };
    assert.deepEqual(d.fixed.map((f) => [f.ip, f.port, f.how]), [[ORTHANC_IP, 4242, 'locked']]);
    assert.deepEqual(d.newExposures, []);
    assert.equal(d.newCritical, 0);
    assert.ok(d.resolvedFindings.some((f) => f.ruleId === 'EXP-DICOM-001'));
  });

  it('the reverse diff (the server opened again) exits 3', async () => {
    const r = await exposure(['diff', '2', '1', '--db', db]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /New exposures \(1\)\n {2}127\.0\.70\.2:4242 dicom/);
  });

  it('every report format and the packs are written for the first run, loopback labelled as such', async () => {
    for (const format of ['table', 'json', 'ndjson', 'sarif', 'md', 'html']) {
      const r = await exposure(['report', '--db', db, '--run', '1', '--format', format, '--out', join(dir, `report.${format}`)]);
      assert.equal(r.code, 0, `${format}: ${r.stderr}`);
    }
    assert.equal((await exposure(['report', '--db', db, '--run', '1', '--format', 'csv', '--out', join(out, 'csv')])).code, 0);
    const packs = await exposure(['report', '--db', db, '--run', '1', '--by', 'org', '--out', join(out, 'packs')]);
    assert.equal(packs.code, 0, packs.stderr);
    assert.deepEqual((await readdir(join(out, 'packs'))).sort(), ['index.md', 'private-or-unknown']);
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { tables: { byCountry: Array<{ key: string; exposedServices: number }> } };
    assert.deepEqual(json.tables.byCountry.map((r) => [r.key, r.exposedServices]), [['loopback', 1]]);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    assert.ok(html.includes('loopback space') && html.includes('EXP-DICOM-001'));
  });

  it('no canary patient value in the store or any output', async () => {
    const files = [db, ...(await readdir(dir)).filter((f) => f.startsWith('report.')).map((f) => join(dir, f))];
    for (const e of await readdir(out, { recursive: true, withFileTypes: true })) {
      if (e.isFile()) files.push(join(e.parentPath, e.name));
    }
    assert.ok(files.length >= 12);
    for (const f of files) {
      const bytes = await readFile(f);
      const text = bytes.toString('latin1');
      const utf8 = bytes.toString('utf8');
      for (const v of CANARY_VALUES) assert.ok(!text.includes(v) && !utf8.includes(v), `canary value found in ${f}`);
    }
  });
});
