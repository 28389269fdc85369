/** Lab process helpers: clear errors, and no signal ever reaches a recycled PID. */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LabError } from '../../src/lab/errors.ts';
import { isLabAddress } from '../../src/lab/ports.ts';
import { findBinary, isRunning, processesUnder, spawnServer, stopProcess, stopStragglers } from '../../src/lab/process.ts';

test('a missing server binary says to run the install script', async () => {
  await assert.rejects(findBinary('exposure-no-such-server'), (e: unknown) => {
    return e instanceof LabError && e.code === 'binary-missing' && e.message.includes('scripts/install-lab-deps.sh');
  });
});

test('a live PID with another start time is not ours (recycled PID)', async () => {
  assert.equal(await isRunning({ pid: process.pid, startTime: '1' }), false);
  assert.equal(await isRunning({ pid: 2 ** 22 + 1, startTime: '1' }), false); // above pid_max: never exists
});

test('lab addresses are 127.0.0.0/8 only', () => {
  assert.equal(isLabAddress('127.0.20.5'), true);
  assert.equal(isLabAddress('127.255.255.254'), true);
  for (const ip of ['10.0.0.5', '0.0.0.0', '127.0.0.0', '127.255.255.255', '::1', 'localhost', '127.1']) {
    assert.equal(isLabAddress(ip), false, ip);
  }
});

/**
 * What Samba does: smbd starts samba-dcerpcd, which calls setsid() and starts
 * rpcd_* workers in its own group, all with smb.conf (in the server's folder)
 * on their command lines. Here a shell plays smbd, `setsid` the helper's
 * escape, and sleeps the workers.
 */
test('a helper that left the server\'s process group is found by its folder and stopped with its workers', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'exposure-lab-process-'));
  const serverDir = join(dir, 'smb-guest');
  await mkdir(serverDir);
  try {
    // The helper's worker keeps the folder on its command line too (as rpcd_* keep --configfile); `; :` stops sh from exec'ing sleep.
    const helper = `setsid /bin/sh -c '/bin/sh -c "sleep 300; :" "$0.worker" & sleep 300; :' "$0/helper.conf" &`;
    const server = await spawnServer('/bin/sh', ['-c', `${helper} exec sleep 300`, serverDir], { cwd: dir, logFile: join(dir, 'server.log'), env: process.env });
    let found = await processesUnder([serverDir]);
    for (let i = 0; i < 100 && found.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      found = await processesUnder([serverDir]);
    }
    assert.ok(found.length >= 2, `the helper and its worker run (found ${found.length})`);
    assert.ok(!found.some((p) => p.pid === server.pid), 'the server itself exec\'d sleep: its command line no longer names the folder');

    await stopProcess(server, server.child);
    assert.equal(await isRunning(server), false);
    const left = await processesUnder([serverDir]);
    assert.ok(left.length >= 2, 'stopping the server\'s group does not reach a helper that called setsid()');

    assert.ok((await stopStragglers([serverDir], 2_000)) >= 2);
    assert.deepEqual(await processesUnder([serverDir]), [], 'nothing naming the folder survives');
    for (const p of left) assert.equal(await isRunning(p), false, `pid ${p.pid} stopped`);
  } finally {
    await stopStragglers([serverDir], 1_000).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});

test('processesUnder matches a folder, not a name that merely starts like it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'exposure-lab-process-'));
  try {
    const sibling = await spawnServer('/bin/sh', ['-c', 'sleep 300; :', `${join(dir, 'smb-guest-other')}/x`], { cwd: dir, logFile: join(dir, 'sibling.log'), env: process.env });
    try {
      assert.deepEqual(await processesUnder([join(dir, 'smb-guest')]), []);
      // The shell, and for an instant its forked child before it execs sleep: one or two processes.
      assert.ok((await processesUnder([join(dir, 'smb-guest-other')])).length >= 1);
    } finally {
      await stopProcess(sibling, sibling.child);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
