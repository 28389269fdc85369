/**
 * `exposure serve` as a user starts it: what it refuses in one line (an
 * address off loopback without TLS, half a TLS pair, a short token file, a
 * store that is not one), and a start that prints its address and token,
 * serves the login page and stops on SIGTERM. On 127.0.93.60, port 0.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildReportStore, type ReportStore } from '../fixtures/report-store.ts';
import { ask } from '../web/client.ts';
import { CLI, exposure } from './exposure-cli.ts';

let dir: string;
let f: ReportStore;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exposure-serve-cli-'));
  f = await buildReportStore();
});

after(async () => {
  await f?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('exposure serve', () => {
  it('refuses in one line what it cannot do safely, exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--host', '0.0.0.0'], /0\.0\.0\.0 is not a loopback address: .*--tls-cert and --tls-key/],
      [['--tls-cert', join(dir, 'c.pem')], /--tls-cert and --tls-key go together/],
      [['--token-file', join(dir, 'short.txt')], /--token-file .*: the token has 5 characters; it needs at least 22/],
      [['--token-file', join(dir, 'missing.txt')], /--token-file .* cannot be read: ENOENT/],
    ];
    writeFileSync(join(dir, 'short.txt'), 'abcde\n');
    for (const [args, message] of cases) {
      const r = await exposure(['serve', '--db', f.path, '--host', '127.0.93.60', '--port', '0', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('prints its address, takes the token from --token-file, serves until SIGTERM', async () => {
    const token = 'a-token-from-a-file-0123456789';
    writeFileSync(join(dir, 'token.txt'), `${token}\n`);
    const child = spawn(process.execPath, [CLI, 'serve', '--db', f.path, '--host', '127.0.93.60', '--port', '0', '--token-file', join(dir, 'token.txt')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address printed in 30 s: ${out}`)), 30_000);
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          const m = / at (http:\/\/127\.0\.93\.60:\d+\/)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1] as string);
          }
        });
      });
      assert.match(out, /Log in with the access token in .*token\.txt/);
      assert.ok(!out.includes(token), 'a token from a file is not printed');
      const a = await ask(url, `/login?token=${token}`);
      assert.equal(a.status, 303, 'the file\'s token opens a session');
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });
});
