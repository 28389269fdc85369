/**
 * `exposure lab hostile`: serves the chosen personas in the foreground, lists
 * them, and stops on SIGTERM with exit 0; a bad address is one line, exit 2.
 * Personas on 127.0.99.140 and after.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { test } from 'node:test';
import { CLI, exposure } from './exposure-cli.ts';

function firstBytes(host: string, port: number, send: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port }, () => s.write(send));
    let text = '';
    s.on('data', (c: Buffer) => (text += c.toString('latin1')));
    s.once('close', () => resolve(text));
    s.once('error', reject);
  });
}

test('lab hostile lists its personas, serves them, and stops on SIGTERM', { timeout: 30_000 }, async () => {
  const child = spawn(process.execPath, [CLI, 'lab', 'hostile', '--first', '127.0.99.140', '--only', 'http-redirect-out-of-scope,dicom-huge-pdu'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stdout = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.split('\n').length > 2) resolve();
    });
    child.once('exit', () => reject(new Error(`exited before listing its personas: ${stdout}`)));
  });
  try {
    const lines = stdout.trim().split('\n');
    assert.match(lines[0]!, /^dicom-huge-pdu\s+127\.0\.99\.140:104\s/);
    assert.match(lines[1]!, /^http-redirect-out-of-scope\s+127\.0\.99\.141:8042\s/);
    const answer = await firstBytes('127.0.99.141', 8042, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 302 Found\r\n/);
    assert.match(answer, /\r\nLocation: http:\/\/8\.8\.8\.8\/\r\n/);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0);
});

test('lab hostile outside loopback is one line, exit 2', async () => {
  const r = await exposure(['lab', 'hostile', '--first', '192.0.2.1']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^exposure: 192\.0\.2\.1 and the \d+ addresses after it must be in 127\.0\.0\.0\/8/);
  assert.equal(r.stderr.split('\n').length, 2);
});
