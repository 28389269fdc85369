/**
 * Resume after SIGKILL, against the lab's real servers: a slow scan (--rate 5)
 * over 127.0.40.1-30 is killed mid-way, resumed with `--resume`, and must
 * store every lab service exactly once and complete.
 * Runs on 127.0.40.x only.
 */
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startLab, type Lab, type LabServerName } from '../../src/lab/lab.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { count } from './store-count.ts';

const run = promisify(execFile);
const ADDRESSES: Partial<Record<LabServerName, string>> = {
  'orthanc-open': '127.0.40.2',
  'orthanc-locked': '127.0.40.3',
  dcmqrscp: '127.0.40.4',
  storescp: '127.0.40.5',
  'orthanc-echo-only': '127.0.40.6',
};
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'exposure.js');

let dir: string;
let lab: Lab;


before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'exposure-resume-'));
  lab = await startLab({ dir: join(dir, 'lab'), addresses: ADDRESSES, only: Object.keys(ADDRESSES) as LabServerName[] });
});

after(async () => {
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('scan --resume', () => {
  it('continues a SIGKILLed scan: every lab service stored exactly once, run completed', { timeout: 180_000 }, async () => {
    const db = join(dir, 'scan.db');
    const args = ['scan', '127.0.40.1-127.0.40.30', '--ports', '104,4242,11112', '--db', db, '--rate', '5', '--seed', '7', '--io-timeout', '5000', '--quiet'];
    const child = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Kill once the checkpoint shows progress and at least one service, long before the end.
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      if (count(db, 'SELECT count(*) FROM services') >= 1 && count(db, 'SELECT watermark FROM scan_progress') >= 3) break;
    }
    child.kill('SIGKILL');
    await exited;
    const servicesBefore = count(db, 'SELECT count(*) FROM services');
    assert.ok(servicesBefore >= 1 && servicesBefore < 5, `killed mid-way (services stored: ${servicesBefore})`);
    assert.equal(count(db, "SELECT count(*) FROM runs WHERE status = 'running'"), 1, 'a killed run stays "running"');

    const resumed = await run(process.execPath, [CLI, 'scan', '--resume', '1', '--db', db, '--quiet'], { timeout: 150_000 });
    assert.match(resumed.stderr, /done: 30 targets done · 0 excluded · 25 unreachable/);

    const store = openSqliteStore(db, { readonly: true });
    try {
      const r = await store.run(1);
      assert.equal(r?.status, 'completed');
      assert.equal(r?.summary?.hostsDone, 30);
      const services = await store.services(1);
      const endpoints = services.map((s) => `${s.ip}:${s.port}`).sort();
      const expected = lab.servers.map((s) => `${s.ip}:${s.dicomPort}`).sort();
      assert.deepEqual(endpoints, expected, 'each lab service exactly once');
      assert.equal((await store.runs()).length, 1, 'resumed in the same run');
    } finally {
      await store.close();
    }
  });
});
