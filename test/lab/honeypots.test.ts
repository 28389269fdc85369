/**
 * The lab's honeypot personas, as `exposure lab start` starts them for the demo:
 * a process of their own that outlives its starter, found and stopped by PID
 * from the lab's folder; a scan of them stores three likely honeypots and the
 * report says they were left out. On 127.0.99.71-73 only; the compiled CLI (npm run build).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLab, stopLab, type Lab } from '../../src/lab/lab.ts';
import { HONEYPOT_PORT } from '../../src/lab/honeypots.ts';
import { probePort } from '../../src/lab/ports.ts';
import { exposure } from '../cli/exposure-cli.ts';

const ADDRESSES = ['127.0.99.71', '127.0.99.72', '127.0.99.73'];

let dir: string;
let lab: Lab | undefined;
let startMs: number;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'exposure-lab-honeypots-'));
  const t0 = performance.now();
  lab = await startLab({ dir: join(dir, 'lab'), only: [], honeypots: ADDRESSES });
  startMs = performance.now() - t0;
});

after(async () => {
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("the lab's honeypot personas", () => {
  it('listen on each address given, two DICOMHawk personas and a dicompot', async () => {
    assert.deepEqual(
      lab!.honeypots.map((h) => `${h.persona}@${h.ip}:${h.port}`),
      ADDRESSES.map((ip, i) => `${i < 2 ? 'dicomhawk-ge-ct' : 'dicompot'}@${ip}:${HONEYPOT_PORT}`),
    );
    for (const ip of ADDRESSES) assert.equal(await probePort(ip, HONEYPOT_PORT, 1000), 'open');
    process.stdout.write(`# honeypot personas up in ${Math.round(startMs)} ms\n`);
  });

  it('are three likely honeypots to a scan, left out of the report and said so', async () => {
    const db = join(dir, 'scan.db');
    const scan = await exposure(['scan', `${ADDRESSES[0]}-${ADDRESSES[2]}`, '--ports', String(HONEYPOT_PORT), '--db', db, '--quiet']);
    assert.equal(scan.code, 0, scan.stderr);
    const md = await exposure(['report', '--db', db, '--format', 'md']);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /3 likely honeypots excluded \(--keep-honeypots to count them\)/);
  });

  it('are stopped by PID from the lab folder, as `exposure lab stop` does', async () => {
    await stopLab(join(dir, 'lab'));
    for (const ip of ADDRESSES) assert.notEqual(await probePort(ip, HONEYPOT_PORT, 1000), 'open');
  });
});

describe('honeypot persona addresses', () => {
  it('must be loopback and apart from each other', async () => {
    await assert.rejects(startLab({ dir: join(dir, 'bad'), only: [], honeypots: ['192.0.2.1'] }), { code: 'bad-address' });
    await assert.rejects(startLab({ dir: join(dir, 'bad'), only: [], honeypots: ['127.0.99.74', '127.0.99.74'] }), { code: 'bad-address' });
  });
});
