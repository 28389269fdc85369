/**
 * The FTP probe against scripted peers on 127.0.50.x: a server that points
 * PASV at another host (FTP bounce, RFC 2577) and one that is not FTP at all.
 * Real-server behaviour is covered by test/integration/nas-scan.test.ts.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createDialer, type Dialer } from '../../../src/net/dialer.ts';
import { NetError } from '../../../src/net/errors.ts';
import { DEFAULT_FILE_WALK } from '../../../src/probes/nas/limits.ts';
import { createPseudonyms } from '../../../src/privacy/pseudonyms.ts';
import { anonymousPassword, ftpProbe } from '../../../src/probes/ftp/index.ts';
import { cleanBanner, fingerprintFtp } from '../../../src/probes/ftp/fingerprints.ts';
import { parseEpsvPort, parsePasv } from '../../../src/probes/ftp/passive.ts';
import { mlsdWritableNames } from '../../../src/probes/ftp/tree.ts';
import { Observation } from '../../../src/observation/observation.ts';
import type { ProbeContext } from '../../../src/probes/probe.ts';

const HOST = '127.0.50.20';
const servers: net.Server[] = [];
const connectionsTo21 = { count: 0 };

function listen(server: net.Server, port: number): Promise<void> {
  servers.push(server);
  return new Promise((resolve) => server.listen(port, HOST, resolve));
}

/**
 * A scripted FTP peer: its greeting, then a reply per command (RFC 959 4.2);
 * USER, PASS and FEAT let an anonymous login in, QUIT ends, anything else is 200.
 */
function scriptedFtp(greeting: string, replies: Readonly<Record<string, string>>): (s: net.Socket) => void {
  const script: Record<string, string> = { USER: '331 Password required\r\n', PASS: '230 Logged in\r\n', FEAT: '211-Features\r\n UTF8\r\n211 End\r\n', ...replies };
  return (s) => {
    s.write(`${greeting}\r\n`);
    s.on('data', (d) => {
      for (const line of d.toString('latin1').split('\r\n').filter(Boolean)) {
        const cmd = line.split(' ')[0]!.toUpperCase();
        if (cmd === 'QUIT') s.end('221 Bye\r\n');
        else s.write(script[cmd] ?? '200 OK\r\n');
      }
    });
    s.on('error', () => undefined);
  };
}

function ctx(): ProbeContext {
  return {
    dialer: createDialer({ scope: { check: (ip) => (ip.startsWith('127.0.50.') ? { allowed: true } : { allowed: false, reason: 'out of test scope' }) }, connectTimeoutMs: 2000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 }),
    signal: new AbortController().signal,
    identity: { callingAeTitle: 'EXPOSURE-SCAN', userAgent: 'Exposure/0.1.0 (medical imaging exposure scanner; contact sec@example.org)' },
    limits: { maxRecords: 10, connectTimeoutMs: 2000, ioTimeoutMs: 4000, probeTimeoutMs: 20_000, maxPduBytes: 1 << 20 },
    dicom: { userAeTitles: [], useGuessList: false },
    pseudonyms: createPseudonyms(),
  };
}

after(() => {
  for (const s of servers) s.close();
});

describe('FTP probe, scripted peers', () => {
  it('refuses a PASV reply naming another host and never connects there', async () => {
    // EPSV refused, PASV points at 127.0.50.21 (a "bounce"): the probe must not follow.
    const bounceTarget = net.createServer((s) => {
      connectionsTo21.count += 1;
      s.destroy();
    });
    await listen(bounceTarget, 2121);
    const ftp = net.createServer(scriptedFtp('220 Bounce FTP ready', { EPSV: '502 Not implemented\r\n', PASV: '227 Entering Passive Mode (127,0,50,21,8,73)\r\n' }));
    await listen(ftp, 2100);
    const o = await ftpProbe.run({ ip: HOST, port: 2100 }, ctx());
    Observation.parse(o);
    assert.equal(o.status, 'success');
    assert.equal(o.details?.protocol, 'ftp');
    const d = o.details?.protocol === 'ftp' ? o.details : undefined;
    assert.ok(d && d.refusedPassiveTargets >= 1);
    assert.equal(d.loggedInAs, 'anonymous');
    assert.deepEqual(d.walk?.stoppedBy, ['listing-error']);
    assert.equal(connectionsTo21.count, 0);
    assert.ok(!JSON.stringify(o).includes('Bounce FTP ready'), 'the greeting is free text: matched in memory, never kept');
  });

  it('a peer that is not FTP: not-this-protocol, and its bytes never reach the error message', async () => {
    const http = net.createServer((s) => {
      s.end('HTTP/1.1 400 Bad Request\r\nX-Secret: PATIENT-NAME\r\n\r\n');
    });
    await listen(http, 2180);
    const o = await ftpProbe.run({ ip: HOST, port: 2180 }, ctx());
    Observation.parse(o);
    assert.equal(o.status, 'not-this-protocol');
    assert.ok(!JSON.stringify(o.error ?? {}).includes('PATIENT'));
  });

  it('a probe stopped by its own signal says aborted, not what basic-ftp makes of the closed client', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.91.31', r));
    servers.push(silent);
    const c = ctx();
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 150);
    const inRange = createDialer({ scope: { check: (ip) => (ip === '127.0.91.31' ? { allowed: true } : { allowed: false, reason: 'out of test scope' }) }, connectTimeoutMs: 2000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 });
    const o = await ftpProbe.run({ ip: '127.0.91.31', port: (silent.address() as net.AddressInfo).port }, { ...c, dialer: inRange, signal: stop.signal });
    Observation.parse(o);
    assert.equal(o.status, 'aborted');
    assert.equal(o.error?.code, 'aborted');
  });

  it('silence after accept is an io timeout reported as not FTP, within the bound', async () => {
    const silent = net.createServer(() => undefined);
    await listen(silent, 2190);
    const c = ctx();
    const o = await ftpProbe.run({ ip: HOST, port: 2190 }, { ...c, limits: { ...c.limits, ioTimeoutMs: 300 } });
    assert.equal(o.status, 'not-this-protocol');
  });
});

describe('FTP probe under the dialer byte cap', () => {
  // Hostile peers on 127.0.91.30 (OS-chosen ports), a 4 KiB dialer cap: well above
  // an honest control exchange, far below what these peers send.
  const PEER = '127.0.91.30';
  const CAP = 4096;
  const held: net.Socket[] = [];
  after(() => {
    for (const s of held) s.destroy();
  });

  /** A peer on PEER whose sockets are destroyed at the end; resolves with its port. */
  async function peer(onSocket: (s: net.Socket) => void): Promise<number> {
    const server = net.createServer((s) => {
      s.on('error', () => undefined);
      held.push(s);
      onSocket(s);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, PEER, r));
    return (server.address() as net.AddressInfo).port;
  }

  /** Writes `line` for as long as the socket takes it. */
  function endless(s: net.Socket, line: string): void {
    const chunk = Buffer.from(line.repeat(64));
    const push = (): void => {
      while (!s.destroyed && s.write(chunk));
      if (!s.destroyed) s.once('drain', push);
    };
    push();
  }

  /** The test context over a capped dialer that remembers every socket it handed out. */
  function cappedCtx(): { ctx: ProbeContext; sockets: Array<{ port: number; socket: net.Socket }> } {
    const sockets: Array<{ port: number; socket: net.Socket }> = [];
    const real = createDialer({ scope: { check: (ip) => (ip === PEER ? { allowed: true } : { allowed: false, reason: 'out of test scope' }) }, connectTimeoutMs: 2000, maxBytesPerConnection: CAP, connectionsPerSecond: 0 });
    const dialer: Dialer = {
      connect: (endpoint, options) => real.connect(endpoint, options),
      socket: async (endpoint, options) => {
        const socket = await real.socket(endpoint, options);
        sockets.push({ port: endpoint.port, socket });
        return socket;
      },
    };
    const base = ctx();
    return { ctx: { ...base, dialer, fileWalk: { ...DEFAULT_FILE_WALK, maxDirectories: 2, maxHeaderSamples: 1 } }, sockets };
  }

  it('cuts an endless greeting on the control connection: protocol-error, byte-cap', async () => {
    // RFC 959 4.2 multi-line reply ("220-") that never reaches its last line.
    const port = await peer((s) => {
      s.write('220-Welcome\r\n');
      endless(s, ' and welcome again\r\n');
    });
    const { ctx: c, sockets } = cappedCtx();
    const o = await ftpProbe.run({ ip: PEER, port }, c);
    Observation.parse(o);
    assert.equal(o.status, 'protocol-error');
    assert.deepEqual([o.error?.code, o.error?.phase], ['byte-cap', 'connect']);
    assert.equal(sockets.length, 1);
    const cut = sockets[0]!.socket.errored;
    assert.ok(cut instanceof NetError && cut.code === 'byte-cap');
  });

  it('cuts an endless listing on the passive data connection at the cap', async () => {
    const dataPort = await peer((s) => endless(s, '-rw-r--r-- 1 ftp ftp 1024 Jan 01 2020 image.dcm\r\n'));
    const controlPort = await peer(
      scriptedFtp('220 Endless listing FTP', {
        EPSV: `229 Entering Extended Passive Mode (|||${dataPort}|)\r\n`,
        LIST: '150 Here comes the listing\r\n', // and never 226
      }),
    );
    const { ctx: c, sockets } = cappedCtx();
    const o = await ftpProbe.run({ ip: PEER, port: controlPort }, c);
    Observation.parse(o);
    assert.equal(o.status, 'success');
    const d = o.details?.protocol === 'ftp' ? o.details : undefined;
    assert.equal(d?.loggedInAs, 'anonymous');
    assert.deepEqual(d?.walk?.stoppedBy, ['listing-error']);
    const data = sockets.filter((x) => x.port === dataPort);
    assert.ok(data.length >= 1, 'a data connection was made');
    for (const { socket } of data) {
      const cut = socket.errored;
      assert.ok(cut instanceof NetError && cut.code === 'byte-cap', `data socket closed with ${String(cut)}`);
    }
    // The control connection carried an honest exchange and was not what the cap cut.
    for (const { socket } of sockets.filter((x) => x.port === controlPort)) assert.ok(!(socket.errored instanceof NetError && socket.errored.code === 'byte-cap'));
  });
});

describe('FTP tables and parsers', () => {
  it('PASV and EPSV replies', () => {
    assert.deepEqual(parsePasv('227 Entering Passive Mode (127,0,0,7,158,232)'), { host: '127.0.0.7', port: 40680 });
    assert.equal(parsePasv('227 Entering Passive Mode (999,0,0,7,1,1)'), undefined);
    assert.equal(parsePasv('227 nonsense'), undefined);
    assert.equal(parseEpsvPort('229 Entering Extended Passive Mode (|||40712|)'), 40712);
    assert.equal(parseEpsvPort('229 Entering Extended Passive Mode (!!!21!)'), 21);
    assert.equal(parseEpsvPort('229 (|||99999|)'), undefined);
  });

  it('fingerprints from greetings, cleaned of control characters', () => {
    assert.deepEqual(fingerprintFtp('(vsFTPd 3.0.3)'), { name: 'vsftpd', version: '3.0.3', basis: 'FTP greeting (vsftpd default ftpd_banner)', confidence: 'likely' });
    assert.equal(fingerprintFtp('ProFTPD 1.3.5e Server (NAS) [10.0.0.2]')?.version, '1.3.5e');
    assert.equal(fingerprintFtp('NASFTPD Turbo station 1.3.5a Server (ProFTPD)')?.name, 'QNAP NAS FTP');
    assert.equal(fingerprintFtp('Microsoft FTP Service')?.name, 'Microsoft FTP Service');
    assert.equal(fingerprintFtp('Welcome'), undefined);
    assert.equal(cleanBanner('220 Hello\u001b[2J\r\n'), 'Hello [2J');
  });

  it('MLSD perm facts (RFC 3659 7.5.5): c, a, w, m or p mean writable', () => {
    const raw = 'type=dir;perm=flcdmpe; upload\r\ntype=file;size=10;perm=r; a.dcm\r\ntype=dir;perm=el; archive\r\n';
    assert.deepEqual([...mlsdWritableNames(raw)], ['upload']);
    assert.equal(mlsdWritableNames('garbage without facts').size, 0);
  });

  it('the anonymous password names the scanner or its contact', () => {
    assert.equal(anonymousPassword('Exposure/0.1.0 (x; contact sec@example.org)'), 'sec@example.org');
    assert.match(anonymousPassword('Exposure/0.1.0 (x)'), /^exposure-scanner@/);
  });
});
