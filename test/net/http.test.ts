/**
 * The HTTP client's limits against local node servers on 127.0.60.1 (a
 * hand-written peer: the point is hostile behaviour a real server will not
 * show on demand): body cap, deadline, redirect refusal, the scanner's
 * User-Agent, scope through the dialer, and TLS facts of a self-signed cert.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createDialer, type Dialer } from '../../src/net/dialer.ts';
import { NetError } from '../../src/net/errors.ts';
import { createHttpClient, HttpProtocolError, type HttpClientOptions } from '../../src/net/http.ts';

const HOST = '127.0.60.1';
const run = promisify(execFile);
let server: http.Server;
let tlsServer: https.Server;
let port = 0;
let tlsPort = 0;
let dir: string;
let seenUserAgent = '';

/** A dialer whose scope is one address. */
function dialerTo(host: string, maxBytesPerConnection: number): Dialer {
  return createDialer({
    scope: { check: (ip) => (ip === host ? { allowed: true } : { allowed: false, reason: `${ip} is not in scope` }) },
    connectTimeoutMs: 2000,
    maxBytesPerConnection,
    connectionsPerSecond: 0,
  });
}

const dialer = dialerTo(HOST, 64 << 20);

function client(extra: Partial<HttpClientOptions> = {}) {
  return createHttpClient({
    dialer,
    endpoint: { ip: HOST, port },
    secure: false,
    userAgent: 'Exposure-test/1',
    connectTimeoutMs: 2000,
    timeoutMs: 10_000,
    maxBodyBytes: 1024,
    ...extra,
  });
}

before(async () => {
  server = http.createServer((req, res) => {
    seenUserAgent = req.headers['user-agent'] ?? '';
    switch (req.url) {
      case '/small':
        res.end('hello');
        break;
      case '/huge': {
        // Streams far more than the cap, then would go on for ever: the client must cut it.
        res.writeHead(200, { 'content-type': 'text/plain' });
        let n = 0;
        const push = (): void => {
          while (n < 10_000 && res.write(Buffer.alloc(4096, 0x41))) n++;
          if (n < 10_000) res.once('drain', push);
          else res.end();
        };
        push();
        break;
      }
      case '/silent':
        break; // never answers
      case '/away':
        res.writeHead(302, { location: 'http://127.0.0.99:80/elsewhere' }).end();
        break;
      case '/other-port':
        res.writeHead(301, { location: `http://${HOST}:${port + 1}/x` }).end();
        break;
      case '/here':
        res.writeHead(302, { location: '/small' }).end();
        break;
      case '/loop':
        res.writeHead(302, { location: '/loop' }).end();
        break;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, HOST, r));
  port = (server.address() as AddressInfo).port;

  dir = await mkdtemp(join(tmpdir(), 'exposure-http-'));
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=lab-https', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { timeout: 60_000 });
  tlsServer = https.createServer({ key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) }, (_req, res) => res.end('secure'));
  await new Promise<void>((r) => tlsServer.listen(0, HOST, r));
  tlsPort = (tlsServer.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  tlsServer.closeAllConnections();
  await new Promise((r) => server.close(r));
  await new Promise((r) => tlsServer.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('HTTP client over the dialer', () => {
  it('reads a small body and sends the scanner User-Agent', async () => {
    const r = await client().request({ path: '/small' });
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), 'hello');
    assert.equal(r.truncated, false);
    assert.equal(seenUserAgent, 'Exposure-test/1');
  });

  it('stops reading at the body cap and says so', async () => {
    const r = await client({ maxBodyBytes: 10_000 }).request({ path: '/huge' });
    assert.equal(r.truncated, true);
    assert.equal(r.body.length, 10_000);
  });

  it('gives up at the request deadline with io-timeout', async () => {
    await assert.rejects(client({ timeoutMs: 300 }).request({ path: '/silent' }), (e: unknown) => e instanceof NetError && e.code === 'io-timeout');
  });

  it('stops at once when the signal aborts', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(client({ signal: ac.signal }).request({ path: '/silent' }), (e: unknown) => e instanceof NetError && e.code === 'aborted');
  });

  it('does not follow a redirect to another host or port', async () => {
    const away = await client().request({ path: '/away' });
    assert.equal(away.status, 302);
    assert.equal(away.offOriginRedirect, true);
    const other = await client().request({ path: '/other-port' });
    assert.equal(other.offOriginRedirect, true);
  });

  it('follows a same-origin redirect, and stops after the limit', async () => {
    const r = await client().request({ path: '/here' });
    assert.deepEqual([r.status, r.path, r.redirects, r.body.toString()], [200, '/small', 1, 'hello']);
    const loop = await client({ maxRedirects: 2 }).request({ path: '/loop' });
    assert.deepEqual([loop.status, loop.redirects], [302, 2]);
  });

  it('never connects out of scope', async () => {
    const c = createHttpClient({ dialer, endpoint: { ip: '127.0.60.2', port }, secure: false, userAgent: 'x', connectTimeoutMs: 500, timeoutMs: 2000, maxBodyBytes: 10 });
    await assert.rejects(c.request({ path: '/' }), (e: unknown) => e instanceof NetError && e.code === 'out-of-scope');
  });

  it('says a non-HTTP peer is not HTTP, without its bytes', async () => {
    // A TLS server answers plain text with a TLS alert or garbage, never an HTTP status line.
    const plainToTls = createHttpClient({ dialer, endpoint: { ip: HOST, port: tlsPort }, secure: false, userAgent: 'x', connectTimeoutMs: 2000, timeoutMs: 5000, maxBodyBytes: 100 });
    await assert.rejects(plainToTls.request({ path: '/' }), (e: unknown) => e instanceof HttpProtocolError || e instanceof NetError);
  });

  it('records, and does not verify, a self-signed certificate', async () => {
    const c = createHttpClient({ dialer, endpoint: { ip: HOST, port: tlsPort }, secure: true, userAgent: 'x', connectTimeoutMs: 2000, timeoutMs: 5000, maxBodyBytes: 100 });
    const r = await c.request({ path: '/' });
    assert.equal(r.body.toString(), 'secure');
    assert.ok(r.tls);
    assert.match(r.tls.version, /^TLSv1\.[23]$/);
    const cert = r.tls.certificate!;
    assert.equal(cert.subject, 'CN=lab-https');
    assert.equal(cert.selfSigned, true);
    assert.equal(cert.expired, false);
    assert.equal(cert.keyType, 'rsa');
    assert.equal(cert.keyBits, 2048);
  });
});

describe('HTTP client under the dialer byte cap', () => {
  // Hostile raw peers on 127.0.91.10: an endless body and endless headers, each
  // beyond a 16 KiB dialer cap, while the client's own body cap is far larger.
  const PEER = '127.0.91.10';
  const capped = dialerTo(PEER, 16 << 10);
  let peer: net.Server;
  let peerPort = 0;

  before(async () => {
    peer = net.createServer((s) => {
      s.on('error', () => undefined);
      s.once('data', (d) => {
        const endlessHeaders = d.toString('latin1').startsWith('GET /headers ');
        s.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n${endlessHeaders ? '' : '\r\n'}`);
        const chunk = Buffer.from(endlessHeaders ? 'X-Pad: aaaaaaaaaaaaaaaa\r\n'.repeat(40) : 'A'.repeat(4096));
        const push = (): void => {
          while (!s.destroyed && s.write(chunk));
          if (!s.destroyed) s.once('drain', push);
        };
        push();
      });
    });
    await new Promise<void>((r) => peer.listen(0, PEER, r));
    peerPort = (peer.address() as AddressInfo).port;
  });

  after(async () => {
    await new Promise((r) => peer.close(r));
  });

  const cappedClient = (): ReturnType<typeof createHttpClient> =>
    createHttpClient({ dialer: capped, endpoint: { ip: PEER, port: peerPort }, secure: false, userAgent: 'x', connectTimeoutMs: 2000, timeoutMs: 10_000, maxBodyBytes: 1 << 20 });

  it('cuts an endless body at the dialer cap, below the client body cap', async () => {
    await assert.rejects(cappedClient().request({ path: '/body' }), (e: unknown) => e instanceof NetError && e.code === 'byte-cap');
  });

  it('cuts endless headers at the dialer cap', async () => {
    await assert.rejects(cappedClient().request({ path: '/headers' }), (e: unknown) => e instanceof NetError && e.code === 'byte-cap');
  });
});
