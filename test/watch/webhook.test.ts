/**
 * Alerts by webhook, against a receiver of the test's own on 127.0.94.10:
 * the body signed with HMAC-SHA-256, retried on a server error with the same
 * body, signature and delivery id, never on a refusal or a redirect, every
 * attempt cut at its deadline, the waiting ended by the stop signal.
 */
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Alert } from '../../src/watch/alert.ts';
import { alertChannels } from '../../src/watch/channels.ts';
import { WatchError } from '../../src/watch/errors.ts';
import { DELIVERY_HEADER, postWebhook, signature, SIGNATURE_HEADER } from '../../src/watch/webhook.ts';

const IP = '127.0.94.10';
const SECRET = 'a key of the test';

interface Received {
  path: string;
  body: string;
  headers: IncomingMessage['headers'];
}

/** A receiver whose answer to the nth request the test decides. */
async function receiver(answer: (n: number, res: ServerResponse) => void): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      answer(received.length, res);
    });
  });
  await new Promise<void>((ready) => server.listen(0, IP, ready));
  return { url: `http://${IP}:${(server.address() as AddressInfo).port}/hooks/T1/token-in-path`, received, server };
}

const servers: Server[] = [];
async function open(answer: (n: number, res: ServerResponse) => void): Promise<{ url: string; received: Received[] }> {
  const r = await receiver(answer);
  servers.push(r.server);
  return r;
}
after(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

/** What a receiver does: recompute the HMAC over the raw body, compare in constant time. */
function signedBy(secret: string, r: Received): boolean {
  const header = r.headers[SIGNATURE_HEADER.toLowerCase()];
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(r.body).digest();
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const BODY = JSON.stringify({ schema: 'exposure-alert/1', scope: 'radiology' });
const FAST = { attempts: 4, timeoutMs: 2000, backoffMs: 20 };

describe('webhook alerts', () => {
  it('retries on 500 with the same signed body and delivery id, and stops at the first 2xx', async () => {
    const r = await open((n, res) => res.writeHead(n < 3 ? 500 : 204).end());
    const report = await postWebhook(r.url, SECRET, BODY, FAST);
    assert.deepEqual(report, { channel: 'webhook', delivered: true, attempts: 3, detail: 'HTTP 204' });
    assert.equal(r.received.length, 3);
    for (const got of r.received) {
      assert.equal(got.body, BODY);
      assert.equal(got.headers['content-type'], 'application/json');
      assert.ok(signedBy(SECRET, got), 'signed with the key');
      assert.ok(!signedBy('another key', got));
      assert.equal(got.headers[DELIVERY_HEADER.toLowerCase()], r.received[0]!.headers[DELIVERY_HEADER.toLowerCase()]);
      assert.match(String(got.headers['user-agent']), /^Exposure\//);
    }
    assert.equal(signature(SECRET, BODY), r.received[0]!.headers[SIGNATURE_HEADER.toLowerCase()]);
  });

  it('gives up after the attempts allowed, waiting longer each time', async () => {
    const r = await open((_n, res) => res.writeHead(503).end());
    const started = Date.now();
    const report = await postWebhook(r.url, SECRET, BODY, { attempts: 3, timeoutMs: 2000, backoffMs: 100 });
    assert.deepEqual(report, { channel: 'webhook', delivered: false, attempts: 3, detail: 'HTTP 503' });
    // Waits of 100 then 200 ms.
    assert.ok(Date.now() - started >= 300, `${Date.now() - started} ms`);
    assert.equal(r.received.length, 3);
  });

  it('does not retry a refusal, nor follow a redirect', async () => {
    const refused = await open((_n, res) => res.writeHead(401).end('who are you'));
    assert.deepEqual(await postWebhook(refused.url, SECRET, BODY, FAST), { channel: 'webhook', delivered: false, attempts: 1, detail: 'HTTP 401' });
    assert.equal(refused.received.length, 1);
    const moved = await open((_n, res) => res.writeHead(302, { location: '/elsewhere' }).end());
    assert.deepEqual(await postWebhook(moved.url, SECRET, BODY, FAST), { channel: 'webhook', delivered: false, attempts: 1, detail: 'HTTP 302' });
    assert.deepEqual(moved.received.map((x) => x.path), ['/hooks/T1/token-in-path']);
  });

  it('cuts an attempt that gets no answer at its deadline', async () => {
    const silent = await open(() => undefined);
    const started = Date.now();
    const report = await postWebhook(silent.url, SECRET, BODY, { attempts: 2, timeoutMs: 300, backoffMs: 10 });
    const took = Date.now() - started;
    assert.deepEqual(report, { channel: 'webhook', delivered: false, attempts: 2, detail: 'no answer within 300 ms' });
    assert.ok(took >= 600 && took < 3000, `${took} ms`);
  });

  it('retries a refused connection, and the stop signal ends the waiting at once', async () => {
    const closed = await open((_n, res) => res.end());
    const url = closed.url;
    servers.pop()?.close();
    await new Promise((r) => setTimeout(r, 50));
    const stop = new AbortController();
    const started = Date.now();
    setTimeout(() => stop.abort(), 200);
    const report = await postWebhook(url, SECRET, BODY, { attempts: 5, timeoutMs: 1000, backoffMs: 60_000 }, stop.signal);
    assert.equal(report.delivered, false);
    assert.equal(report.attempts, 1);
    assert.match(report.detail, /ECONNREFUSED/);
    assert.ok(Date.now() - started < 2000, 'not the minute of backoff');
  });
});

describe('alert channels', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exposure-channels-'));
  before(() => writeFileSync(join(dir, 'key.txt'), `${SECRET}\n`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const webhook = { url: `http://${IP}:9/hooks/T1/token-in-path`, attempts: 1, timeoutMs: 500, backoffMs: 0 };

  it('looks keys up when the watch starts, and says which one is missing', () => {
    assert.throws(
      () => alertChannels({ minSeverity: 'high', webhook: { ...webhook, secretEnv: 'EXPOSURE_TEST_NO_SUCH_KEY' } }, {}),
      (err: unknown) => err instanceof WatchError && err.code === 'SECRET' && /EXPOSURE_TEST_NO_SUCH_KEY is not set/.test(err.message),
    );
    assert.throws(() => alertChannels({ minSeverity: 'high', webhook: { ...webhook, secretFile: join(dir, 'none.txt') } }, {}), /none\.txt does not exist/);
    const email = { host: IP, port: 25, tls: 'none' as const, from: 'a@example.org', to: ['b@example.org'], userEnv: 'U', passwordEnv: 'P', attempts: 1, timeoutMs: 500, backoffMs: 0 };
    assert.throws(() => alertChannels({ minSeverity: 'high', email }, { U: 'user' }), /the environment variable P is not set/);
    assert.deepEqual(alertChannels(undefined, {}), []);
  });

  it('labels a channel without its secret or the token in its path', async () => {
    const r = await open((_n, res) => res.writeHead(200).end());
    const [channel] = alertChannels({ minSeverity: 'high', webhook: { ...webhook, url: r.url, secretFile: join(dir, 'key.txt') } }, {});
    assert.equal(channel?.label, `webhook ${new URL(r.url).origin}`);
    const report = await channel!.send({ schema: 'exposure-alert/1', scope: 'radiology' } as Alert);
    assert.equal(report.delivered, true);
    assert.ok(signedBy(SECRET, r.received[0]!), 'the key file\'s key, without its line end');
  });
});
