/**
 * The dialer against local node servers on 127.0.40.200-209: error mapping,
 * byte cap, scope refusal, rate and per-host limit.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createDialer } from '../../src/net/dialer.ts';
import { NetError, statusOfNetError, toNetError } from '../../src/net/errors.ts';
import { scopeFrom } from '../../src/scope/policy.ts';

const ECHO = '127.0.40.200';
const FLOOD = '127.0.40.201';
const CLOSED = '127.0.40.202';
const SILENT = '127.0.40.203';
const PORT = 4105;
const servers: net.Server[] = [];
const held: net.Socket[] = [];

function listen(host: string, onSocket: (s: net.Socket) => void): Promise<void> {
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    held.push(s);
    onSocket(s);
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(PORT, host, () => resolve()));
}

before(async () => {
  await listen(ECHO, (s) => s.on('data', (d) => s.write(d)));
  await listen(FLOOD, (s) => s.write(Buffer.alloc(64 * 1024, 7)));
  await listen(SILENT, () => undefined);
});

after(async () => {
  for (const s of held) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

const inLab = scopeFrom((ip) => ip.startsWith('127.0.40.'), 'outside the test block');

describe('dialer', () => {
  it('connects, writes and reads within scope', async () => {
    const d = createDialer({ scope: inLab, connectTimeoutMs: 5000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 });
    const c = await d.connect({ ip: ECHO, port: PORT });
    await c.write(Buffer.from('ping'));
    assert.equal((await c.read(5000))?.toString(), 'ping');
    c.close();
  });

  it('refuses out-of-scope endpoints before any packet, with the reason', async () => {
    const d = createDialer({ scope: inLab, connectTimeoutMs: 5000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 });
    await assert.rejects(d.connect({ ip: '127.0.41.1', port: PORT }), (e: unknown) => e instanceof NetError && e.code === 'out-of-scope' && /outside the test block/.test(e.message));
    await assert.rejects(d.socket({ ip: '127.0.41.1', port: PORT }), (e: unknown) => e instanceof NetError && statusOfNetError(e) === 'out-of-scope');
  });

  it('maps a refused port and a read timeout to their own statuses', async () => {
    const d = createDialer({ scope: inLab, connectTimeoutMs: 5000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 });
    await assert.rejects(d.connect({ ip: CLOSED, port: PORT }), (e: unknown) => e instanceof NetError && e.code === 'connection-refused' && e.osCode === 'ECONNREFUSED');
    const c = await d.connect({ ip: SILENT, port: PORT });
    await assert.rejects(c.read(100), (e: unknown) => e instanceof NetError && e.code === 'io-timeout' && statusOfNetError(e) === 'io-timeout');
    c.close();
    const agg = toNetError(new AggregateError([Object.assign(new Error('x'), { code: 'ETIMEDOUT' }), Object.assign(new Error('y'), { code: 'ECONNREFUSED' })]));
    assert.equal(agg.code, 'connection-refused');
    assert.equal(toNetError(Object.assign(new Error('z'), { code: 'EHOSTUNREACH' })).code, 'host-unreachable');
    assert.equal(toNetError(Object.assign(new Error('t'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' })).code, 'tls-error');
  });

  it('cuts a connection whose peer sends more than the byte cap', async () => {
    const d = createDialer({ scope: inLab, connectTimeoutMs: 5000, maxBytesPerConnection: 1000, connectionsPerSecond: 0 });
    const c = await d.connect({ ip: FLOOD, port: PORT });
    await assert.rejects(async () => {
      for (let i = 0; i < 100; i++) if ((await c.read(5000)) === null) return;
    }, (e: unknown) => e instanceof NetError && e.code === 'byte-cap' && statusOfNetError(e) === 'protocol-error');
  });

  it('paces new connections at the configured rate', async () => {
    const d = createDialer({ scope: inLab, connectTimeoutMs: 5000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 20 });
    const t0 = performance.now();
    const sockets = await Promise.all(Array.from({ length: 12 }, () => d.socket({ ip: ECHO, port: PORT })));
    const ms = performance.now() - t0;
    for (const s of sockets) s.destroy();
    // Burst of 2, then 10 more at 20/s: at least ~450 ms.
    assert.ok(ms >= 400, `12 connections at 20/s took ${ms.toFixed(0)} ms`);
  });

  it('keeps at most K connections in flight per host and frees a slot on close', async () => {
    const d = createDialer({ scope: inLab, connectTimeoutMs: 5000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0, perHostLimit: 2 });
    const a = await d.socket({ ip: ECHO, port: PORT });
    const b = await d.socket({ ip: ECHO, port: PORT });
    let third: net.Socket | undefined;
    const pending = d.socket({ ip: ECHO, port: PORT }).then((s) => (third = s));
    const other = await d.socket({ ip: SILENT, port: PORT });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(third, undefined, 'a third connection to the same host waits');
    a.destroy();
    await pending;
    assert.ok(third);
    for (const s of [b, third, other]) s.destroy();
    const abort = new AbortController();
    const c1 = await d.socket({ ip: ECHO, port: PORT });
    const c2 = await d.socket({ ip: ECHO, port: PORT });
    const waiting = d.socket({ ip: ECHO, port: PORT }, { signal: abort.signal });
    abort.abort();
    await assert.rejects(waiting, (e: unknown) => e instanceof NetError && e.code === 'aborted');
    c1.destroy();
    c2.destroy();
  });

  it('frees the slot of a raw socket even when a library stripped its listeners', async () => {
    const d = createDialer({ scope: inLab, connectTimeoutMs: 5000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0, perHostLimit: 1 });
    const a = await d.socket({ ip: ECHO, port: PORT });
    a.removeAllListeners(); // what basic-ftp does when it lets go of a socket
    a.destroy();
    const b = await Promise.race([
      d.socket({ ip: ECHO, port: PORT }),
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 3000)),
    ]);
    assert.ok(b, 'the slot came back');
    b.destroy();
  });
});
