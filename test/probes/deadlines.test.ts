/**
 * --probe-timeout and --walk-time hold whatever the peer does, with garbage
 * collections forced while it does it: a DICOM peer dripping a valid
 * A-ASSOCIATE-AC, an FTP server that cuts every transfer and is reconnected
 * (greeting slowly each time), a web server dripping its answer, a file
 * trickling in a byte at a time.
 * Peers are in-process on 127.0.97.1-9, port 0.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createDialer } from '../../src/net/dialer.ts';
import { createPseudonyms } from '../../src/privacy/pseudonyms.ts';
import { dicomProbe } from '../../src/probes/dicom/index.ts';
import { dicomwebProbe } from '../../src/probes/dicomweb/index.ts';
import { ftpProbe } from '../../src/probes/ftp/index.ts';
import { DEFAULT_FILE_WALK } from '../../src/probes/nas/limits.ts';
import type { ProbeContext } from '../../src/probes/probe.ts';
import { dicomDetails, Observation, type Endpoint } from '../../src/observation/observation.ts';
import { forceGc } from '../net/gc.ts';
import { TestPeers } from '../net/peers.ts';
import { anyTitleAccepted, scriptedPeer } from './dicom/scripted-peer.ts';
import { drip, listLine, scriptedFtp, type ScriptedFtp } from './ftp/scripted-ftp.ts';

const closers: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const close of closers) await close();
});

function context(limits: Partial<ProbeContext['limits']>, fileWalk: Partial<NonNullable<ProbeContext['fileWalk']>> = {}): ProbeContext {
  return {
    dialer: createDialer({ scope: { check: (ip) => (ip.startsWith('127.0.97.') ? { allowed: true } : { allowed: false, reason: 'outside the test range' }) }, connectTimeoutMs: 1000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 }),
    signal: new AbortController().signal,
    identity: { callingAeTitle: 'EXPOSURE-TEST', userAgent: 'test' },
    limits: { maxRecords: 10, connectTimeoutMs: 1000, ioTimeoutMs: 3000, probeTimeoutMs: 1500, maxPduBytes: 1 << 16, ...limits },
    dicom: { userAeTitles: [], useGuessList: false },
    pseudonyms: createPseudonyms(),
    fileWalk: { ...DEFAULT_FILE_WALK, ...fileWalk },
  };
}

/** Runs a probe while forcing a garbage collection every 100 ms; returns its observation and how long it took. */
async function underGc(run: () => Promise<Observation>): Promise<{ o: Observation; ms: number }> {
  const gc = forceGc();
  const collecting = setInterval(gc, 100);
  const started = performance.now();
  try {
    const o = Observation.parse(await run());
    return { o, ms: performance.now() - started };
  } finally {
    clearInterval(collecting);
  }
}

/** The contract: no probe outlives --probe-timeout by more than a second (the harness's grace is half of it). */
const PAST_DEADLINE_MS = 1000;

/** The probe ended at its deadline: not before it, and within the second the contract allows after it. */
function endedAtDeadline(ms: number, deadlineMs: number): void {
  assert.ok(ms >= deadlineMs - 50, `ended before its deadline (${ms.toFixed(0)} ms)`);
  assert.ok(ms < deadlineMs + PAST_DEADLINE_MS, `outlived its ${deadlineMs} ms deadline: ${ms.toFixed(0)} ms`);
}

async function ftp(script: Parameters<typeof scriptedFtp>[1], host: string): Promise<{ server: ScriptedFtp; endpoint: Endpoint }> {
  const server = await scriptedFtp(host, script);
  closers.push(server.close);
  return { server, endpoint: { ip: host, port: server.port } };
}

describe('a probe never outlives --probe-timeout', () => {
  it('DICOM: a peer dripping a valid A-ASSOCIATE-AC a byte at a time is cut at the deadline, through garbage collections', async () => {
    const ac = anyTitleAccepted('DRIP');
    // A byte every 100 ms: well inside the 3 s I/O timeout, so only the probe's deadline can end it.
    const peer = await scriptedPeer('127.0.97.1', (pdu, socket) => {
      if (pdu.type === 'A-ASSOCIATE-RQ') drip(socket, ac, 100);
    });
    closers.push(() => void peer.server.close());
    const { o, ms } = await underGc(() => dicomProbe.run({ ip: '127.0.97.1', port: peer.port }, context({ probeTimeoutMs: 1500 })));
    endedAtDeadline(ms, 1500);
    assert.equal(o.status, 'io-timeout');
    assert.equal(o.error?.phase, 'associate', 'the probe said where it was cut, not the harness');
    assert.match(o.error?.message ?? '', /the probe ran past its 1500 ms deadline/);
    assert.equal(dicomDetails(o)?.attempts[0]?.outcome, 'timeout');
    await peer.closed;
    assert.equal(peer.heard.at(-1)?.type, 'A-ABORT', 'the association given up with an A-ABORT');
  });

  it('FTP: a server that cuts every transfer and is reconnected, greeting slowly each time, holds the probe no longer', async () => {
    const files = Array.from({ length: 40 }, (_, i) => listLine(`IM${i}.dcm`, 4096)).join('');
    const { server, endpoint } = await ftp(
      {
        // basic-ftp takes a reply only when it comes in one piece: a slow greeting, not a dripped one.
        greet: (c) => void setTimeout(() => c.write('220 Slow FTP ready\r\n'), 150),
        listing: files,
        // A few bytes of the file, then both connections are cut: the next file needs a new session.
        retr: (data, control) => {
          data.write(Buffer.alloc(64));
          setTimeout(() => {
            data.destroy();
            control.destroy();
          }, 100);
        },
      },
      '127.0.97.2',
    );
    const { o, ms } = await underGc(() => ftpProbe.run(endpoint, context({ probeTimeoutMs: 2500 }, { walkTimeMs: 60_000 })));
    endedAtDeadline(ms, 2500);
    assert.ok(server.connections() >= 3, `reconnected (${server.connections()} sessions)`);
    assert.equal(o.status, 'success');
    const d = o.details?.protocol === 'ftp' ? o.details : undefined;
    assert.equal(d?.loggedInAs, 'anonymous');
    assert.deepEqual(d?.walk?.stoppedBy, ['time']);
    assert.equal(d?.walk?.files, 40, 'the listing read before the cut is counted');
    assert.deepEqual(o.exposure.files, { n: 40, atLeast: true });
  });
});

describe('a web probe never outlives --probe-timeout', () => {
  it('DICOMweb: a server dripping its answer a byte at a time is cut at the deadline', async () => {
    const answer = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: application/dicom+json\r\nContent-Length: 2\r\n\r\n[]');
    const peers = new TestPeers();
    closers.push(() => peers.close());
    const port = await peers.listen(net.createServer((s) => s.once('data', () => drip(s, answer, 100))), '127.0.97.9');
    const { o, ms } = await underGc(() => dicomwebProbe.run({ ip: '127.0.97.9', port }, context({ probeTimeoutMs: 1200, ioTimeoutMs: 20_000 })));
    endedAtDeadline(ms, 1200);
    assert.equal(o.status, 'io-timeout');
    assert.equal(o.error?.phase, 'connect', 'the probe said where it was cut, not the harness');
    assert.match(o.error?.message ?? '', /the probe ran past its 1200 ms deadline/);
  });
});

describe('--walk-time bounds the walk as it runs', () => {
  it('FTP: a file trickling in a byte at a time is given up when the walk time ends', async () => {
    const { endpoint } = await ftp({ listing: listLine('trickle.dcm', 1 << 20), retr: (data) => drip(data, Buffer.alloc(4096), 50) }, '127.0.97.3');
    const { o, ms } = await underGc(() => ftpProbe.run(endpoint, context({ probeTimeoutMs: 20_000 }, { walkTimeMs: 800 })));
    assert.ok(ms < 800 + PAST_DEADLINE_MS, `the walk outlived its 800 ms: ${ms.toFixed(0)} ms`);
    assert.equal(o.status, 'success');
    const d = o.details?.protocol === 'ftp' ? o.details : undefined;
    assert.deepEqual(d?.walk?.stoppedBy, ['time']);
    assert.equal(d?.walk?.headersRead, 0, 'the trickled read is not a header read');
    assert.deepEqual(o.exposure.files, { n: 1, atLeast: true });
  });
});
