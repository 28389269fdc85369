/**
 * Reads on the dialer's Connection (net/connection.ts) against an in-process
 * peer on 127.5.40.1 (port 0) that does what each test tells it: a wait is
 * settled by data, the peer's end, the signal or the timeout, whichever comes
 * first, and nothing of it outlives the connection.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import net from 'node:net';
import { createDialer, type Connection } from '../../src/net/dialer.ts';
import { NetError } from '../../src/net/errors.ts';
import { TestPeers } from './peers.ts';

const HOST = '127.5.40.1';
const peers = new TestPeers();
after(() => peers.close());

const dialer = createDialer({ scope: { check: (ip) => (ip === HOST ? { allowed: true } : { allowed: false, reason: 'outside the test block' }) }, connectTimeoutMs: 2000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 });

/** A connection to a fresh peer, and the peer's side of it. */
async function connected(): Promise<{ conn: Connection; peer: net.Socket }> {
  let accepted!: (s: net.Socket) => void;
  const peer = new Promise<net.Socket>((resolve) => (accepted = resolve));
  const port = await peers.listen(net.createServer(accepted), HOST);
  const conn = await dialer.connect({ ip: HOST, port });
  return { conn, peer: await peer };
}

const failsWith = (code: string) => (e: unknown) => e instanceof NetError && e.code === code;

describe('a connection read', () => {
  it('is settled by the data, then by the peer\'s end', async () => {
    const { conn, peer } = await connected();
    const waiting = conn.read(2000);
    peer.write('A-ASSOCIATE-AC');
    assert.equal((await waiting)?.toString(), 'A-ASSOCIATE-AC');
    const end = conn.read(2000);
    peer.end();
    assert.equal(await end, null);
    conn.close();
  });

  it('gives up at its timeout, or when its signal aborts, whichever comes first', async () => {
    const { conn } = await connected();
    const started = performance.now();
    await assert.rejects(conn.read(100), failsWith('io-timeout'));
    assert.ok(performance.now() - started < 1500);
    const stop = new AbortController();
    const waiting = conn.read(10_000, stop.signal);
    stop.abort();
    await assert.rejects(waiting, failsWith('aborted'));
    await assert.rejects(conn.read(10_000, stop.signal), failsWith('aborted'), 'an aborted signal stops the next wait at once');
    conn.close();
  });

  it('waits on the scan\'s long-lived signal through one listener, however many connections wait on it', async () => {
    const scan = new AbortController();
    const conns = await Promise.all([connected(), connected(), connected()]);
    const first = conns[0]!;
    const echo = first.conn.read(2000, scan.signal);
    first.peer.write('C-ECHO-RSP');
    assert.equal((await echo)?.toString(), 'C-ECHO-RSP');
    const waits = conns.map(({ conn }) => conn.read(10_000, scan.signal));
    assert.equal(getEventListeners(scan.signal, 'abort').length, 1);
    scan.abort();
    for (const w of waits) await assert.rejects(w, failsWith('aborted'));
    for (const { conn } of conns) conn.close();
  });

  it('refuses a second read while one waits, instead of leaving the first unanswered', async () => {
    const { conn, peer } = await connected();
    const first = conn.read(2000);
    await assert.rejects(conn.read(2000), failsWith('closed'));
    peer.write('P-DATA-TF');
    assert.equal((await first)?.toString(), 'P-DATA-TF');
    conn.close();
  });
});

describe('a connection write', () => {
  it('resolves once the socket has the bytes, which reach the peer in order', async () => {
    const { conn, peer } = await connected();
    const got: Buffer[] = [];
    peer.on('data', (d: Buffer) => got.push(d));
    await conn.write(Buffer.from('A-ASSOCIATE-RQ '));
    await conn.write(Buffer.from('P-DATA-TF'));
    const ended = new Promise((resolve) => peer.once('end', resolve));
    conn.close();
    await ended;
    assert.equal(Buffer.concat(got).toString(), 'A-ASSOCIATE-RQ P-DATA-TF');
  });

  it('that fails shows as the failure of the next read and write; a closed connection refuses at once', async () => {
    const { conn, peer } = await connected();
    // The peer resets: a send after it fails in the kernel, and the socket is destroyed with that error.
    peer.resetAndDestroy();
    let failure: unknown;
    for (let i = 0; i < 50 && failure === undefined; i++) {
      try {
        await conn.write(Buffer.alloc(1024, 1));
        const chunk = await conn.read(100).catch((e: unknown) => (e instanceof NetError && e.code === 'io-timeout' ? undefined : Promise.reject(e)));
        if (chunk === null) failure = 'ended';
      } catch (e) {
        failure = e;
      }
    }
    assert.ok(failure instanceof NetError && failure.code === 'connection-reset', `the reset is reported, not "${String(failure)}"`);
    await assert.rejects(conn.write(Buffer.from('x')), (e: unknown) => e instanceof NetError && (e.code === 'connection-reset' || e.code === 'closed'));
    conn.close();
    const { conn: closed } = await connected();
    closed.close();
    await assert.rejects(closed.write(Buffer.from('x')), failsWith('closed'));
  });
});
