/**
 * The hostile peers' script language, step by step, and the catalogue's
 * hardest persona to get right (the SMB server) against the scanner's own SMB
 * probe. In-process peers on 127.0.99.100-127.0.99.127, port 0 unless a
 * persona's own; all closed at the end.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { startHostile, type HostilePeers } from '../../src/lab/hostile/hostile.ts';
import { Peer, play, type Step } from '../../src/lab/hostile/script.ts';
import { LabError } from '../../src/lab/errors.ts';
import { createDialer } from '../../src/net/dialer.ts';
import type { SmbDetails } from '../../src/observation/file-share.ts';
import { Observation } from '../../src/observation/observation.ts';
import type { ProbeContext } from '../../src/probes/probe.ts';
import { smbProbe } from '../../src/probes/smb/index.ts';
import { createPseudonyms } from '../../src/privacy/pseudonyms.ts';
import { TestPeers } from '../net/peers.ts';

const HOST = '127.0.99.101';
const peers = new TestPeers();
after(() => peers.close());

/** A peer playing `steps` on each connection; `done` settles when the script of the last one has. */
async function scripted(steps: readonly Step[]): Promise<{ port: number; done: () => Promise<void> }> {
  let last: Promise<unknown> = Promise.resolve();
  const port = await peers.listen(
    net.createServer((s) => {
      last = play(new Peer(s), steps);
    }),
    HOST,
  );
  return { port, done: async () => void (await last) };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: HOST, port }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Everything the peer sends until it closes, chunk by chunk, with the time each arrived. */
function readAll(s: net.Socket): Promise<{ chunks: Buffer[]; at: number[]; error?: string }> {
  const chunks: Buffer[] = [];
  const at: number[] = [];
  return new Promise((resolve) => {
    s.on('data', (c: Buffer) => {
      chunks.push(c);
      at.push(performance.now());
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve({ chunks, at, error: e.code ?? e.message }));
    s.once('close', () => resolve({ chunks, at }));
  });
}

describe('hostile script steps', () => {
  it('drip writes one byte at a time, everyMs apart', async () => {
    const { port } = await scripted([{ drip: 'DRIP!', everyMs: 40 }, { close: true }]);
    const s = await connect(port);
    const { chunks, at } = await readAll(s);
    assert.equal(Buffer.concat(chunks).toString(), 'DRIP!');
    assert.deepEqual(chunks.map((c) => c.length), [1, 1, 1, 1, 1]);
    // Arrival times, not send times: a loaded machine may deliver two drips close together, but
    // five bytes sent at once would arrive within a millisecond or two.
    assert.ok(at.at(-1)! - at[0]! >= 2 * 40, `spread over ${Math.round(at.at(-1)! - at[0]!)} ms`);
  });

  it('expect waits for a whole PDU across chunks, and send answers from what it heard', async () => {
    const { port } = await scripted([{ expect: { pdu: true } }, { send: (heard) => Buffer.concat([Buffer.from('got '), heard.subarray(6)]) }, { close: true }]);
    const s = await connect(port);
    const reading = readAll(s);
    s.write(Buffer.from([0x01, 0x00, 0x00, 0x00]));
    await new Promise((r) => setTimeout(r, 30));
    s.write(Buffer.from([0x00, 0x02, 0x68, 0x69])); // length 2: "hi"
    assert.equal(Buffer.concat((await reading).chunks).toString(), 'got hi');
  });

  it('a PDU declaring 4 GB is never buffered: the connection is reset at its header', async () => {
    const { port, done } = await scripted([{ expect: { pdu: true } }, { send: 'never' }]);
    const s = await connect(port);
    const reading = readAll(s);
    s.write(Buffer.from([0x04, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00]));
    const r = await reading;
    assert.equal(Buffer.concat(r.chunks).length, 0);
    assert.equal(r.error, 'ECONNRESET');
    await done();
  });

  it('neverEnd writes until the peer leaves, and stops there', async () => {
    let made = 0;
    const { port, done } = await scripted([
      {
        neverEnd: function* () {
          for (;;) {
            made += 1;
            yield Buffer.alloc(1024, 0x41);
          }
        },
      },
    ]);
    const s = await connect(port);
    let received = 0;
    await new Promise<void>((resolve) =>
      s.on('data', (c: Buffer) => {
        received += c.length;
        if (received >= 256 << 10) resolve();
      }),
    );
    s.destroy();
    await done();
    const stopped = made;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(made, stopped, 'nothing more made once the peer left');
    assert.ok(made >= 256, `${made} chunks made`);
  });

  it('stall holds the connection silent until the peer leaves; reset ends one with an RST', async () => {
    const stall = await scripted([{ stall: true }]);
    const s = await connect(stall.port);
    const reading = readAll(s);
    await new Promise((r) => setTimeout(r, 150));
    s.end();
    assert.equal(Buffer.concat((await reading).chunks).length, 0);
    await stall.done();

    const reset = await scripted([{ expect: { bytes: 1 } }, { send: 'x' }, { wait: 20 }, { reset: true }]);
    const client = await connect(reset.port);
    const closing = readAll(client);
    client.write('?');
    const r = await closing;
    assert.equal(Buffer.concat(r.chunks).toString(), 'x');
    assert.equal(r.error, 'ECONNRESET');
  });

  it('serve answers each framed message until the peer leaves', async () => {
    const { port } = await scripted([{ serve: { line: true }, answer: (line) => (line.toString().trim() === 'QUIT' ? [{ send: 'bye\n' }, { close: true }] : [{ send: `echo ${line.toString()}` }]) }]);
    const s = await connect(port);
    const reading = readAll(s);
    s.write('one\ntw');
    s.write('o\nQUIT\n');
    assert.equal(Buffer.concat((await reading).chunks).toString(), 'echo one\necho two\nbye\n');
  });
});

describe('hostile peers', () => {
  let hostile: HostilePeers | undefined;
  after(() => hostile?.stop());

  it('listen on loopback only, and name the personas they know', async () => {
    await assert.rejects(startHostile({ first: '10.0.0.1' }), (e: unknown) => e instanceof LabError && e.code === 'bad-address');
    await assert.rejects(startHostile({ first: '127.255.255.250' }), (e: unknown) => e instanceof LabError && e.code === 'bad-address');
    await assert.rejects(startHostile({ first: '127.0.99.120', only: ['no-such-persona'] }), (e: unknown) => e instanceof LabError && e.code === 'bad-option');
  });

  it('the SMB persona is enumerated by the scanner\'s own SMB probe: srvsvc lists its three shares, each refused', async () => {
    hostile = await startHostile({ first: '127.0.99.120', only: ['smb-hostile-text'] });
    const p = hostile.personas[0]!;
    const ctx: ProbeContext = {
      dialer: createDialer({ scope: { check: (ip) => (ip === p.ip ? { allowed: true } : { allowed: false, reason: 'test' }) }, connectTimeoutMs: 1000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 }),
      signal: new AbortController().signal,
      identity: { callingAeTitle: 'EXPOSURE-TEST', userAgent: 'test' },
      limits: { maxRecords: 10, connectTimeoutMs: 1000, ioTimeoutMs: 1000, probeTimeoutMs: 5000, maxPduBytes: 1 << 20 },
      dicom: { userAeTitles: [], useGuessList: false },
      pseudonyms: createPseudonyms(),
    };
    const o = Observation.parse(await smbProbe.run({ ip: p.ip, port: p.port }, ctx));
    assert.equal(o.status, 'success', JSON.stringify(o.error));
    const d = o.details as SmbDetails;
    assert.equal(d.dialect, '2.1');
    assert.equal(d.session, 'guest');
    assert.equal(d.shareEnumeration, 'srvsvc');
    assert.equal(d.shares.length, 3);
    assert.ok(d.shares.every((s) => s.type === 'disk' && s.access === 'access-denied'), JSON.stringify(d.shares));
    assert.equal(hostile.connections(), 1, 'one connection for the whole conversation');
  });
});
