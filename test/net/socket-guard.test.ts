/**
 * The dialer's limits on raw sockets (`dialer.socket()`), against hostile
 * in-process peers on 127.0.91.1-9 (port 0): a flood past the byte cap, a
 * trickle past the deadline, a library that strips every listener. Behaviour
 * no real server shows on demand, hence hand-written peers.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createDialer, type DialerOptions } from '../../src/net/dialer.ts';
import { NetError } from '../../src/net/errors.ts';

const FLOOD = '127.0.91.1';
const TRICKLE = '127.0.91.2';
const EXACT = '127.0.91.3';
const servers: net.Server[] = [];
const held = new Set<net.Socket>();

/** A peer on `host`, port chosen by the OS; its sockets are destroyed at the end. */
async function peer(host: string, onSocket: (s: net.Socket) => void): Promise<number> {
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    held.add(s);
    s.on('close', () => held.delete(s));
    onSocket(s);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as net.AddressInfo).port;
}

/** Writes 4 KiB chunks for as long as the socket takes them. */
function flood(s: net.Socket): void {
  const chunk = Buffer.alloc(4096, 0x41);
  const push = (): void => {
    while (!s.destroyed && s.write(chunk));
    if (!s.destroyed) s.once('drain', push);
  };
  push();
}

const dialerWith = (extra: Partial<DialerOptions> = {}) =>
  createDialer({ scope: { check: (ip) => (ip.startsWith('127.0.91.') ? { allowed: true } : { allowed: false, reason: 'outside the test block' }) }, connectTimeoutMs: 2000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0, ...extra });

/** Resolves with the error the socket was destroyed with, or undefined if it closed cleanly, within `ms`. */
async function closedWith(s: net.Socket, ms: number): Promise<Error | undefined> {
  if (!s.closed) {
    let timer: NodeJS.Timeout | undefined;
    // Not events.once: it rejects on 'error', and the error is what we want to see.
    await Promise.race([
      new Promise((resolve) => s.once('close', resolve)),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms))),
    ]).finally(() => clearTimeout(timer));
  }
  return s.errored ?? undefined;
}

after(async () => {
  for (const s of held) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

describe('socket guard: the dialer limits on raw sockets', () => {
  it('cuts a raw socket past the byte cap, with a byte-cap error', async () => {
    const port = await peer(FLOOD, flood);
    const s = await dialerWith({ maxBytesPerConnection: 10_000 }).socket({ ip: FLOOD, port });
    let delivered = 0;
    s.on('data', (d: Buffer) => (delivered += d.length));
    s.on('error', () => undefined);
    const err = await closedWith(s, 3000);
    assert.ok(err instanceof NetError && err.code === 'byte-cap', `closed with ${String(err)}`);
    assert.ok(delivered <= 10_000, `${delivered} bytes reached the reader`);
  });

  it('counts bytes, not characters, when a library decodes the stream', async () => {
    // 3-byte UTF-8 characters: a count of decoded text would let three times the cap through.
    const port = await peer(FLOOD, (s) => s.end(Buffer.from('€'.repeat(2000))));
    const s = await dialerWith({ maxBytesPerConnection: 3000 }).socket({ ip: FLOOD, port });
    s.setEncoding('utf8');
    let chars = 0;
    s.on('data', (d: string) => (chars += d.length));
    s.on('error', () => undefined);
    const err = await closedWith(s, 3000);
    assert.ok(err instanceof NetError && err.code === 'byte-cap');
    assert.ok(chars <= 1000, `${chars} characters reached the reader`);
  });

  it('still cuts, frees the slot and throws nothing once a library stripped every listener', async () => {
    const port = await peer(FLOOD, flood);
    const d = dialerWith({ maxBytesPerConnection: 10_000, perHostLimit: 1 });
    const s = await d.socket({ ip: FLOOD, port });
    s.removeAllListeners(); // basic-ftp, letting go of a socket
    s.resume(); // and the stream keeps flowing with nobody listening
    const err = await closedWith(s, 3000);
    assert.ok(err instanceof NetError && err.code === 'byte-cap');
    const next = await Promise.race([d.socket({ ip: FLOOD, port }), new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000))]);
    assert.ok(next, 'the per-host slot came back');
    next.destroy();
  });

  it('ends a connection at its deadline even while the peer keeps trickling bytes', async () => {
    const port = await peer(TRICKLE, (s) => {
      const timer = setInterval(() => s.write('.'), 20);
      s.on('close', () => clearInterval(timer));
    });
    const s = await dialerWith().socket({ ip: TRICKLE, port }, { deadlineMs: 200 });
    s.on('error', () => undefined);
    s.resume();
    const t0 = performance.now();
    const err = await closedWith(s, 3000);
    const ms = performance.now() - t0;
    assert.ok(err instanceof NetError && err.code === 'io-timeout', `closed with ${String(err)}`);
    assert.ok(ms >= 150 && ms < 1500, `closed after ${ms.toFixed(0)} ms`);
  });

  it('a Connection reads a peer that sends exactly the cap, and counts what it received', async () => {
    const port = await peer(EXACT, (s) => s.end(Buffer.alloc(5000, 0x42)));
    const c = await dialerWith({ maxBytesPerConnection: 5000 }).connect({ ip: EXACT, port });
    let total = 0;
    for (let i = 0; i < 100; i++) {
      const chunk = await c.read(2000);
      if (chunk === null) break;
      total += chunk.length;
    }
    assert.equal(total, 5000);
    assert.equal(c.bytesReceived, 5000);
    c.close();
  });
});
