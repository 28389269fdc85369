/**
 * A parked connection (net/parked.ts) against in-process peers on
 * 127.0.94.10-16 and 127.5.94.1 (port 0): handed to the first dial of its endpoint, upgraded
 * to TLS in place, a greeting left for the probe, and never lingering.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { createDialer, type DialerOptions } from '../../src/net/dialer.ts';
import { TestPeers } from './peers.ts';
import { selfSigned, type SelfSigned } from './self-signed.ts';

const peers = new TestPeers();
let credentials: SelfSigned;

interface Peer {
  port: number;
  /** Connections accepted (TCP, whether or not a TLS handshake follows). */
  accepted: number;
  /** Connections the peer has seen closed. */
  closed: number;
  /** Resolves once the peer has seen `n` connections closed; rejects after `ms`. */
  closedReaches(n: number, ms: number): Promise<void>;
}

/** A peer on `host` (port chosen by the OS) that counts its connections; `onSocket` plays its part. */
async function peer(host: string, onSocket: (s: net.Socket) => void, server: net.Server = net.createServer()): Promise<Peer> {
  const waiters: Array<() => void> = [];
  const p: Peer = {
    port: 0,
    accepted: 0,
    closed: 0,
    closedReaches: (n, ms) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${n} closed connections not seen within ${ms} ms (${p.closed})`)), ms);
        const check = (): void => {
          if (p.closed < n) return void waiters.push(check);
          clearTimeout(timer);
          resolve();
        };
        check();
      }),
  };
  server.on(server instanceof tls.Server ? 'secureConnection' : 'connection', (s: net.Socket) => {
    s.on('error', () => undefined);
    s.on('close', () => {
      p.closed++;
      for (const w of waiters.splice(0)) w();
    });
    onSocket(s);
  });
  server.on('connection', () => p.accepted++);
  p.port = await peers.listen(server, host);
  return p;
}

const dialerWith = (extra: Partial<DialerOptions> = {}) =>
  createDialer({ scope: { check: (ip) => (ip.startsWith('127.0.94.') ? { allowed: true } : { allowed: false, reason: 'outside the test block' }) }, connectTimeoutMs: 2000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0, ...extra });

const echo = (s: net.Socket): void => {
  s.on('data', (d) => s.write(d));
};

before(async () => {
  credentials = await selfSigned('parked');
});

after(() => peers.close());

describe('a parked connection', () => {
  it('is the first connection a probe opens to its endpoint; later ones are new', async () => {
    const host = '127.0.94.10';
    const p = await peer(host, echo);
    const dialer = dialerWith();
    const endpoint = { ip: host, port: p.port };
    const parked = await dialer.park(endpoint, { idleMs: 5000 });
    const handed = parked.handOff(dialer);
    const first = await handed.connect(endpoint);
    await first.write(Buffer.from('ping'));
    assert.equal((await first.read(1000))?.toString(), 'ping');
    assert.equal(p.accepted, 1, 'the probe used the connection discovery opened');
    const second = await handed.connect(endpoint);
    assert.equal(p.accepted, 2, 'a second dial opens a new connection');
    first.close();
    second.close();
    parked.release();
  });

  it('leaves a greeting it waited for to the probe, and tells silence and a hang-up apart', async () => {
    const host = '127.0.94.11';
    const greeter = await peer(host, (s) => s.write('220 ready\r\n'));
    const silent = await peer(host, () => undefined);
    const hangUp = await peer(host, (s) => s.end());
    const dialer = dialerWith();
    const signal = AbortSignal.timeout(5000);

    const parked = await dialer.park({ ip: host, port: greeter.port }, { idleMs: 5000 });
    assert.equal(await parked.greeting(1000, signal), 'spoke');
    assert.equal(parked.firstBytes().toString(), '220 ready\r\n');
    const socket = await parked.handOff(dialer).socket({ ip: host, port: greeter.port });
    const read = await new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));
    assert.equal(read, '220 ready\r\n', 'the library reading the socket sees the whole greeting');
    socket.destroy();

    const quiet = await dialer.park({ ip: host, port: silent.port }, { idleMs: 5000 });
    const started = performance.now();
    assert.equal(await quiet.greeting(150, signal), 'silent');
    assert.ok(performance.now() - started < 1000, 'silence is waited for no longer than asked');
    assert.equal(quiet.firstBytes().length, 0);
    quiet.release();

    const gone = await dialer.park({ ip: host, port: hangUp.port }, { idleMs: 5000 });
    assert.equal(await gone.greeting(2000, signal), 'gone');
    gone.release();
  });

  it('keeps the first bytes in memory of their own, not in a slab of the shared buffer pool', async () => {
    const host = '127.5.94.1';
    const greeter = await peer(host, (s) => s.write('220 ready\r\n'));
    const dialer = createDialer({ scope: { check: () => ({ allowed: true }) }, connectTimeoutMs: 2000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 });
    const parked = await dialer.park({ ip: host, port: greeter.port }, { idleMs: 5000 });
    assert.equal(await parked.greeting(1000, AbortSignal.timeout(5000)), 'spoke');
    const first = parked.firstBytes();
    assert.equal(first.toString(), '220 ready\r\n');
    // A 16-byte slice of one of Node's pool slabs (64 KiB on Node 24) would hold the whole slab
    // for as long as the connection lives: at 512 connections in flight, most of a scan's memory.
    assert.equal(first.buffer.byteLength, first.length);
    assert.ok(parked.connectMs >= 0 && parked.connectMs < 2000, `the connect time is measured (${parked.connectMs} ms)`);
    parked.release();
  });

  it('runs a TLS handshake on the parked connection when TLS is asked', async () => {
    const host = '127.0.94.12';
    const p = await peer(host, echo, tls.createServer(credentials));
    const dialer = dialerWith();
    const endpoint = { ip: host, port: p.port };
    const parked = await dialer.park(endpoint, { idleMs: 5000 });
    const conn = await parked.handOff(dialer).connect(endpoint, { tls: {} });
    assert.match(conn.tlsProtocol ?? '', /^TLSv1\.[23]$/);
    assert.ok(conn.peerCertificate?.subject, 'the certificate is there to record');
    await conn.write(Buffer.from('over tls'));
    assert.equal((await conn.read(1000))?.toString(), 'over tls');
    assert.equal(p.accepted, 1, 'no second connection for TLS');
    conn.close();
    await p.closedReaches(1, 2000);
  });

  it('does not linger: closed when released, or when nobody takes it in time, and then the probe dials anew', async () => {
    const host = '127.0.94.13';
    const p = await peer(host, () => undefined);
    const dialer = dialerWith();
    const endpoint = { ip: host, port: p.port };
    const released = await dialer.park(endpoint, { idleMs: 5000 });
    released.release();
    await p.closedReaches(1, 2000);

    const expired = await dialer.park(endpoint, { idleMs: 100 });
    await p.closedReaches(2, 2000);
    const conn = await expired.handOff(dialer).connect(endpoint);
    assert.equal(p.accepted, 3, 'the expired connection was not handed on: a new one was opened');
    conn.close();
  });

  it('is not handed on when the peer hung up while it was parked', async () => {
    const host = '127.0.94.14';
    let n = 0;
    // The first connection is closed by the peer at once; the next ones stay and echo.
    const p = await peer(host, (s) => (n++ === 0 ? s.end() : echo(s)));
    const dialer = dialerWith();
    const endpoint = { ip: host, port: p.port };
    const parked = await dialer.park(endpoint, { idleMs: 5000 });
    await p.closedReaches(1, 2000);
    const conn = await parked.handOff(dialer).connect(endpoint);
    await conn.write(Buffer.from('x'));
    assert.equal((await conn.read(1000))?.toString(), 'x', 'a live, new connection');
    assert.equal(p.accepted, 2);
    conn.close();
  });

  it('holds no per-host slot while parked, and takes one again when a probe takes it', async () => {
    const host = '127.0.94.15';
    const p = await peer(host, echo);
    const dialer = dialerWith({ perHostLimit: 1 });
    const endpoint = { ip: host, port: p.port };
    const parked = await dialer.park(endpoint, { idleMs: 5000 });
    const other = await dialer.socket(endpoint, { signal: AbortSignal.timeout(500) });
    other.destroy();
    await p.closedReaches(1, 2000);
    const conn = await parked.handOff(dialer).connect(endpoint, { signal: AbortSignal.timeout(1000) });
    await assert.rejects(dialer.socket(endpoint, { signal: AbortSignal.timeout(200) }), { code: 'aborted' }, 'the slot is held by the taken connection');
    conn.close();
    const after = await dialer.socket(endpoint, { signal: AbortSignal.timeout(2000) });
    after.destroy();
  });
});
