/**
 * One connection per service, against in-process peers on 127.0.94.20-29
 * and 127.5.94.22 (port 0): the simulated SCP in clear and over TLS, an FTP greeter, a silent
 * peer and an HTTP server. Each peer counts the TCP connections it accepts and
 * what their first bytes were, so a test says how many connections a port cost.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { serveScp } from '../../src/lab/fleet/scp.ts';
import { createDialer, type ParkingDialer } from '../../src/net/dialer.ts';
import { Observation } from '../../src/observation/observation.ts';
import { createPseudonyms } from '../../src/privacy/pseudonyms.ts';
import { runDicom } from '../../src/probes/dicom/index.ts';
import { PROBES } from '../../src/probes/index.ts';
import { definedProbe, type Probe, type ProbeContext } from '../../src/probes/probe.ts';
import { probeService, type ServicePlan } from '../../src/scan/identify.ts';
import { TestPeers } from '../net/peers.ts';
import { selfSigned, type SelfSigned } from '../net/self-signed.ts';

const peers = new TestPeers();
let credentials: SelfSigned;

interface Peer {
  readonly port: number;
  /** First byte of each accepted TCP connection, in order (undefined: nothing was sent on it). */
  readonly firstBytes: Array<number | undefined>;
}

/** Listens on `host`, port 0, recording the first byte of every TCP connection; `handler` plays the server. */
async function peer(host: string, handler: (s: net.Socket) => void): Promise<Peer> {
  const p = { port: 0, firstBytes: [] as Array<number | undefined> };
  const server = net.createServer();
  server.on('connection', (s: net.Socket) => {
    const i = p.firstBytes.push(undefined) - 1;
    // A 'data' listener of our own would change how the stream flows: peek at what the server is pushed instead.
    const push = s.push.bind(s);
    s.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
      if (p.firstBytes[i] === undefined && chunk instanceof Uint8Array && chunk.length > 0) p.firstBytes[i] = chunk[0];
      return push(chunk, encoding);
    };
    handler(s);
  });
  p.port = await peers.listen(server, host);
  return p;
}

const scp = (s: net.Socket): void => serveScp(s, { kind: 'open', aeTitle: 'ORTHANC', slowMs: 0, rttMs: 0, findMatches: 0 });

/** `handler` behind TLS: the first bytes are seen in clear, then the connection is handed to a TLS server. */
function overTls(handler: (s: net.Socket) => void): (s: net.Socket) => void {
  return (s) => {
    const inner = tls.createServer(credentials, handler);
    s.once('data', (chunk: Buffer) => {
      s.pause();
      s.unshift(chunk);
      inner.emit('connection', s);
    });
  };
}

/** The simulated SCP behind TLS (PS3.15 B.1). */
const scpOverTls = (s: net.Socket): void => overTls(scp)(s);

/** Any request gets a 404 and the connection closes (RFC 9112); bytes that are no request get one too. */
function httpPeer(s: net.Socket): void {
  s.once('data', () => s.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
}

/** RFC 959 peer: greets, lets anonymous in, refuses passive mode (so the walk opens no data connection), QUIT ends. */
function ftpPeer(s: net.Socket): void {
  const replies: Record<string, string> = { USER: '331 Password required\r\n', PASS: '230 Logged in\r\n', FEAT: '211-Features\r\n UTF8\r\n211 End\r\n', EPSV: '502 No\r\n', PASV: '502 No\r\n' };
  s.write('220 Scripted FTP ready\r\n');
  s.on('data', (d) => {
    for (const line of d.toString('latin1').split('\r\n').filter(Boolean)) {
      const cmd = line.split(' ')[0]!.toUpperCase();
      if (cmd === 'QUIT') s.end('221 Bye\r\n');
      else s.write(replies[cmd] ?? '200 OK\r\n');
    }
  });
}

/** An rsync daemon (csprotocol.txt): greets first, answers the empty module request with an empty list. */
function rsyncPeer(s: net.Socket): void {
  s.write('@RSYNCD: 31.0 md5 md4\n');
  let text = '';
  s.on('data', (d) => {
    text += d.toString('latin1');
    // Our greeting, then the empty line that asks for the list.
    if (/^@RSYNCD: [^\n]*\n\n/.test(text)) s.end('@RSYNCD: EXIT\n');
  });
}

const IO_TIMEOUT_MS = 600;
const GREETING_WAIT_MS = 100;

function context(dialer: ParkingDialer): ProbeContext {
  return {
    dialer,
    signal: AbortSignal.timeout(30_000),
    identity: { callingAeTitle: 'EXPOSURE-TEST', userAgent: 'test' },
    limits: { maxRecords: 10, connectTimeoutMs: 1000, ioTimeoutMs: IO_TIMEOUT_MS, probeTimeoutMs: 10_000, maxPduBytes: 1 << 20 },
    dicom: { userAeTitles: [], useGuessList: false },
    pseudonyms: createPseudonyms(),
  };
}

/** Every probe, or those named; `claimedPort` is added to the ports the dicom probe claims (a test cannot listen on 104). */
function plan(options: { ids?: readonly string[]; claimedPort?: number } = {}): ServicePlan {
  const probes = PROBES.filter((p) => options.ids === undefined || options.ids.includes(p.id)).map(
    (p): Probe => (p.id === 'dicom' && options.claimedPort !== undefined ? { ...p, defaultPorts: [...p.defaultPorts, options.claimedPort] } : p),
  );
  return { probes, greetingWaitMs: GREETING_WAIT_MS };
}

/** Parks a connection to the peer as discovery does, then runs the harness on it. */
async function probe(host: string, p: Peer, servicePlan: ServicePlan): Promise<Observation[]> {
  const dialer = createDialer({ scope: { check: () => ({ allowed: true }) }, connectTimeoutMs: 1000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 });
  const parked = await dialer.park({ ip: host, port: p.port }, { idleMs: 5000 });
  try {
    const found = await probeService(parked, servicePlan, context(dialer));
    for (const o of found) Observation.parse(o);
    return found;
  } finally {
    parked.release();
  }
}

const A_ASSOCIATE_RQ = 0x01;
const TLS_HANDSHAKE = 0x16;

before(async () => {
  credentials = await selfSigned('identify');
});

after(() => peers.close());

describe('a port no probe claims', () => {
  it('a plain DICOM SCP: identified and probed on the one connection that found it open', async () => {
    const host = '127.0.94.20';
    const p = await peer(host, scp);
    const found = await probe(host, p, plan());
    assert.deepEqual(found.map((o) => `${o.protocol}:${o.status}`), ['dicom:success']);
    assert.deepEqual(p.firstBytes, [A_ASSOCIATE_RQ], 'one connection: the discovery connection carried the association');
  });

  it('a DICOM TLS SCP: two connections, the clear A-ASSOCIATE-RQ and then TLS', async () => {
    const host = '127.0.94.21';
    const p = await peer(host, scpOverTls);
    const found = await probe(host, p, plan());
    assert.deepEqual(found.map((o) => `${o.protocol}:${o.status}`), ['dicom-tls:success']);
    assert.ok(found[0]?.tlsInfo, 'the handshake is recorded');
    assert.deepEqual(p.firstBytes, [A_ASSOCIATE_RQ, TLS_HANDSHAKE]);
  });

  it('an FTP server that greets: the FTP probe on the same connection, which reads the greeting', async () => {
    const host = '127.0.94.22';
    const p = await peer(host, ftpPeer);
    const found = await probe(host, p, plan());
    assert.deepEqual(found.map((o) => `${o.protocol}:${o.status}`), ['ftp:success']);
    const details = found[0]?.details;
    assert.ok(details?.protocol === 'ftp', 'the greeting reached the probe: FTP details are kept only after one');
    assert.ok(details.protocol === 'ftp' && details.loggedInAs === 'anonymous');
    assert.equal(p.firstBytes.length, 1, 'one connection');
    assert.notEqual(p.firstBytes[0], A_ASSOCIATE_RQ, 'no A-ASSOCIATE-RQ sent to a server that greets');
  });

  it('an FTP server that greets after the wait derived from its connect time: its greeting answers the A-ASSOCIATE-RQ, and the FTP probe follows', async () => {
    const host = '127.5.94.22';
    // Loopback connects in well under a millisecond: the derived wait is its 50 ms floor.
    const p = await peer(host, (s) => void setTimeout(() => ftpPeer(s), 200));
    const { greetingWaitMs: _fixed, ...derived } = plan();
    const found = await probe(host, p, derived);
    assert.deepEqual(found.map((o) => `${o.protocol}:${o.status}`), ['ftp:success']);
    assert.equal(p.firstBytes[0], A_ASSOCIATE_RQ, 'the wait ended before the greeting: the A-ASSOCIATE-RQ went first');
    assert.equal(p.firstBytes.length, 2, 'the FTP probe on a connection of its own');
  });

  it('a silent peer that is not DICOM: done within the greeting wait and one I/O timeout, on one connection, nothing kept', async () => {
    const host = '127.0.94.23';
    const p = await peer(host, () => undefined);
    const started = performance.now();
    const found = await probe(host, p, plan());
    const took = performance.now() - started;
    assert.deepEqual(found, []);
    assert.ok(took >= GREETING_WAIT_MS + IO_TIMEOUT_MS - 50, `waited for the greeting and the answer (${took.toFixed(0)} ms)`);
    assert.ok(took < GREETING_WAIT_MS + IO_TIMEOUT_MS + 700, `not the sum over every probe (${took.toFixed(0)} ms)`);
    assert.deepEqual(p.firstBytes, [A_ASSOCIATE_RQ]);
  });

  it('an HTTP server: the web probes follow in clear, with no TLS attempt', async () => {
    const host = '127.0.94.24';
    const p = await peer(host, httpPeer);
    await probe(host, p, plan());
    assert.equal(p.firstBytes[0], A_ASSOCIATE_RQ, 'asked with an A-ASSOCIATE-RQ first');
    assert.ok(p.firstBytes.length > 1, 'then the web probes ran');
    assert.ok(p.firstBytes.slice(1).every((b) => b === 'G'.charCodeAt(0)), `only plain GET requests after it: ${p.firstBytes.join(',')}`);
  });

  it('a TLS server that is not DICOM: the web probes follow over HTTPS', async () => {
    const host = '127.0.94.29';
    const p = await peer(host, overTls(httpPeer));
    assert.deepEqual(await probe(host, p, plan()), []);
    assert.deepEqual(p.firstBytes.slice(0, 2), [A_ASSOCIATE_RQ, TLS_HANDSHAKE], 'the clear A-ASSOCIATE-RQ, then dicom-tls');
    assert.ok(p.firstBytes.length > 2, 'then the web probes ran');
    assert.ok(p.firstBytes.slice(2).every((b) => b === TLS_HANDSHAKE), `every web request over TLS, none tried in clear: ${p.firstBytes.join(',')}`);
  });

  it('an rsync daemon that greets: the rsync probe on the same connection, which reads the greeting', async () => {
    const host = '127.0.97.30';
    const p = await peer(host, rsyncPeer);
    const found = await probe(host, p, plan());
    assert.deepEqual(found.map((o) => `${o.protocol}:${o.status}`), ['rsync:success']);
    assert.ok(found[0]?.details?.protocol === 'rsync' && found[0].details.moduleList === 'listed');
    assert.deepEqual(p.firstBytes, [0x40], 'one connection: our "@RSYNCD:" greeting on the one discovery opened');
  });

  it('--probes restricts identification: without the FTP probe a greeting gets nothing', async () => {
    const host = '127.0.94.25';
    const p = await peer(host, ftpPeer);
    assert.deepEqual(await probe(host, p, plan({ ids: ['dicom', 'dicom-tls'] })), []);
    assert.equal(p.firstBytes.length, 1);
    assert.equal(p.firstBytes[0], undefined, 'nothing sent');
  });
});

describe('a DICOM port', () => {
  it('a plain SCP: one connection, and no TLS handshake', async () => {
    const host = '127.0.94.26';
    const p = await peer(host, scp);
    const found = await probe(host, p, plan({ claimedPort: p.port }));
    assert.deepEqual(found.map((o) => `${o.protocol}:${o.status}`), ['dicom:success']);
    assert.deepEqual(p.firstBytes, [A_ASSOCIATE_RQ]);
  });

  it('a TLS SCP: dicom-tls after the clear association failed like TLS, the clear attempt not kept', async () => {
    const host = '127.0.94.27';
    const p = await peer(host, scpOverTls);
    const found = await probe(host, p, plan({ claimedPort: p.port }));
    assert.deepEqual(found.map((o) => `${o.protocol}:${o.status}`), ['dicom-tls:success']);
    assert.deepEqual(p.firstBytes, [A_ASSOCIATE_RQ, TLS_HANDSHAKE]);
  });

  it('without dicom-tls selected, a TLS SCP costs one connection and says what the clear attempt saw', async () => {
    const host = '127.0.94.28';
    const p = await peer(host, scpOverTls);
    const found = await probe(host, p, plan({ ids: ['dicom'], claimedPort: p.port }));
    assert.deepEqual(found.map((o) => `${o.protocol}:${o.status}`), ['dicom:not-this-protocol']);
    assert.deepEqual(p.firstBytes, [A_ASSOCIATE_RQ]);
  });
});

describe('a port where nothing answers', () => {
  /** dicom-tls as it runs on 2762, claiming the test's own port instead (a test cannot count on 2762 being free). */
  const tlsOn = (port: number): ServicePlan => ({
    probes: [definedProbe('dicom-tls', [port], 'dicom-tls on a test port', (e, c, d) => runDicom(e, c, d, { protocol: 'dicom-tls', tls: true }), { tls: true })],
    greetingWaitMs: GREETING_WAIT_MS,
  });

  it('a tarpit on the DICOM TLS port (connects, never completes the handshake) is no service', async () => {
    const host = '127.0.97.7';
    const p = await peer(host, () => undefined);
    const started = performance.now();
    const found = await probe(host, p, tlsOn(p.port));
    assert.deepEqual(found, [], 'nothing learned, nothing stored');
    assert.ok(performance.now() - started < 1000 + 500, 'within the connect timeout that bounds the handshake');
    assert.deepEqual(p.firstBytes, [TLS_HANDSHAKE], 'the handshake was tried on the one connection');
  });

  it('a peer on that port answering the handshake with bytes that are not TLS is kept: something answered', async () => {
    const host = '127.0.97.8';
    const p = await peer(host, (s) => s.once('data', () => s.end('SSH-2.0-OpenSSH_9.6\r\n')));
    const found = await probe(host, p, tlsOn(p.port));
    assert.deepEqual(found.map((o) => `${o.protocol}:${o.status}`), ['dicom-tls:handshake-error']);
  });
});
