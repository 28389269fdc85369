/**
 * `exposure watch`, `findings` and `verify` against the lab's real servers,
 * run as a user runs them, on 127.0.94.x only:
 *  - run 1 (watch --once): Orthanc open to anyone on 127.0.94.2: the alert of
 *    the scope's first run lists EXP-DICOM-001, by webhook and by e-mail;
 *  - run 2 (watch --once): the same address serves Orthanc locked down: the
 *    fix alert arrives by both channels;
 *  - findings shows EXP-DICOM-001 first seen in run 1 and fixed by run 2;
 *  - verify EXP-DICOM-001@127.0.94.2:4242 rescans that endpoint: fixed, exit 0.
 * The webhook receiver (127.0.94.3) checks each body's signature; the SMTP
 * server (127.0.94.4) keeps each message; no canary patient value appears in
 * any alert, output or the store.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { SMTPServer } from 'smtp-server';
import { CANARY_VALUES, startLab, type Lab } from '../../src/lab/lab.ts';
import type { Alert } from '../../src/watch/alert.ts';
import type { ScopeLifecycle } from '../../src/watch/lifecycle.ts';

const execute = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'exposure.js');
const ORTHANC_IP = '127.0.94.2';
const HOOK_IP = '127.0.94.3';
const SMTP_IP = '127.0.94.4';
const KEY = 'the webhook key of this test';

let dir: string;
let db: string;
let configPath: string;
let lab: Lab | undefined;
let hook: Server;
let smtp: SMTPServer;
const hookBodies: Array<{ body: string; signed: boolean }> = [];
const mails: string[] = [];
const outputs: string[] = [];
const watchRuns: Array<{ code: number; stderr: string }> = [];

async function exposure(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let r: { code: number; stdout: string; stderr: string };
  try {
    const done = await execute(process.execPath, [CLI, ...args], { timeout: 180_000, maxBuffer: 64 << 20, env: { ...process.env, WATCH_HOOK_KEY: KEY } });
    r = { code: 0, stdout: done.stdout, stderr: done.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    r = { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
  outputs.push(r.stdout, r.stderr);
  return r;
}

async function watchOnce(): Promise<void> {
  const r = await exposure(['watch', configPath, '--once', '--db', db]);
  watchRuns.push({ code: r.code, stderr: r.stderr });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'exposure-watch-'));
  db = join(dir, 'watch.db');
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const expected = `sha256=${createHmac('sha256', KEY).update(body).digest('hex')}`;
      hookBodies.push({ body, signed: req.headers['x-exposure-signature'] === expected });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, HOOK_IP, r));
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, SMTP_IP, () => r()));
  configPath = join(dir, 'watch.yaml');
  await writeFile(
    configPath,
    `schedule: "0 2 * * *"
scopes:
  - name: lab
    targets: [${ORTHANC_IP}]
    ports: [4242]
    probes: [dicom]
    scan: { ioTimeout: 5000 }
alerts:
  minSeverity: high
  webhook: { url: "http://${HOOK_IP}:${(hook.address() as AddressInfo).port}/exposure", secretEnv: WATCH_HOOK_KEY, attempts: 2, backoffMs: 100 }
  email: { host: ${SMTP_IP}, port: ${(smtp.server.address() as AddressInfo).port}, tls: none, from: exposure@example.org, to: [pacs-admin@example.org] }
`,
  );
  lab = await startLab({ dir: join(dir, 'lab'), addresses: { 'orthanc-open': ORTHANC_IP }, only: ['orthanc-open'] });
  await watchOnce();
  await lab.stop();
  lab = await startLab({ dir: join(dir, 'lab'), addresses: { 'orthanc-locked': ORTHANC_IP }, only: ['orthanc-locked'] });
  await watchOnce();
});

after(async () => {
  await lab?.stop();
  hook?.closeAllConnections();
  hook?.close();
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

const alert = (i: number): Alert => JSON.parse(hookBodies[i]!.body) as Alert;

/** A message as its reader sees it: quoted-printable text and base64 parts decoded. */
function decoded(mail: string): string {
  const text = mail.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const parts = [...mail.matchAll(/Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/g)];
  return [text, ...parts.map((p) => Buffer.from(p[1]!.replace(/\s+/g, ''), 'base64').toString('utf8'))].join('\n');
}

describe('watching the lab with a server locked in between', () => {
  it('the first run exits 3 (new critical findings) and alerts with EXP-DICOM-001 by webhook and e-mail', () => {
    assert.equal(watchRuns[0]?.code, 3, watchRuns[0]?.stderr);
    assert.match(watchRuns[0]!.stderr, /scope lab: run 1 is the scope's first/);
    assert.equal(hookBodies.length, 2);
    assert.ok(hookBodies.every((b) => b.signed), 'every body signed with the key');
    const first = alert(0);
    assert.equal(first.previousRun, null);
    assert.ok(first.newFindings.some((f) => f.ruleId === 'EXP-DICOM-001' && f.ip === ORTHANC_IP && f.port === 4242 && f.remediation.length > 0));
    assert.equal(mails.length, 2);
    const mail = decoded(mails[0]!);
    assert.match(mail, /Subject: Exposure, scope lab: \d+ new findings? \(high or worse\), run 1/);
    assert.match(mail, /CRITICAL EXP-DICOM-001 {2}127\.0\.94\.2:4242 dicom {2}C-FIND returns patient records/);
    assert.match(mail, /"ruleId": "EXP-DICOM-001"/, 'the alert\'s JSON attached');
  });

  it('the second run exits 0 and the fix alert arrives by webhook and e-mail', () => {
    assert.equal(watchRuns[1]?.code, 0, watchRuns[1]?.stderr);
    const second = alert(1);
    assert.equal(second.previousRun?.id, 1);
    assert.equal(second.run.id, 2);
    assert.ok(second.fixedFindings.some((f) => f.ruleId === 'EXP-DICOM-001' && f.ip === ORTHANC_IP && f.port === 4242));
    assert.deepEqual(second.newFindings, []);
    const mail = decoded(mails[1]!);
    assert.match(mail, /Subject: Exposure, scope lab: \d+ fixed \(high or worse\), run 2/);
    assert.match(mail, /Fixed: no longer found \(\d+\)\r?\n {2}CRITICAL EXP-DICOM-001 {2}127\.0\.94\.2:4242 dicom/);
  });

  it('findings shows EXP-DICOM-001 first seen in run 1 and fixed by run 2', async () => {
    const r = await exposure(['findings', '--scope', 'lab', '--db', db, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const life = JSON.parse(r.stdout) as ScopeLifecycle;
    assert.deepEqual(life.runs, [1, 2]);
    const f = life.findings.find((x) => x.ruleId === 'EXP-DICOM-001');
    assert.deepEqual([f?.status, f?.firstSeen.run, f?.lastSeen.run, f?.fixed?.run], ['fixed', 1, 1, 2]);
    const table = await exposure(['findings', '--scope', 'lab', '--db', db]);
    assert.match(table.stdout, new RegExp(`${f?.id} +fixed +critical +EXP-DICOM-001 +127\\.0\\.94\\.2:4242 dicom +run 1 · `), table.stdout);
  });

  it('verify on the fixed finding rescans its endpoint, says fixed and exits 0', async () => {
    const r = await exposure(['verify', `EXP-DICOM-001@${ORTHANC_IP}:4242`, '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^fixed: EXP-DICOM-001@127\.0\.94\.2:4242 dicom \(finding \d+ of run 1, critical/);
    assert.match(r.stdout, /run 3 stored in/);
    const life = JSON.parse((await exposure(['findings', '--scope', 'lab', '--db', db, '-f', 'json'])).stdout) as ScopeLifecycle;
    assert.deepEqual(life.runs, [1, 2, 3], 'the verification is a run of the scope');
  });

  it('no canary patient value in any alert, output or the store', async () => {
    const texts = [...hookBodies.map((b) => b.body), ...mails, ...mails.map(decoded), ...outputs, ...watchRuns.map((w) => w.stderr)];
    assert.ok(texts.length >= 8);
    const store = await readFile(db);
    for (const v of CANARY_VALUES) {
      for (const t of texts) assert.ok(!t.includes(v), 'canary value in an alert or an output');
      assert.ok(!store.toString('latin1').includes(v) && !store.toString('utf8').includes(v), 'canary value in the store');
    }
  });
});
