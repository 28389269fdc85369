/**
 * Peers no real server imitates: garbage, absurd PDU lengths, silence after
 * accepting. Each is a tiny scripted TCP server on its own loopback address.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createDialer } from '../../../src/net/dialer.ts';
import { createPseudonyms } from '../../../src/privacy/pseudonyms.ts';
import { dicomProbe } from '../../../src/probes/dicom/index.ts';
import { dicomDetails, Observation } from '../../../src/observation/observation.ts';
import type { ProbeContext } from '../../../src/probes/probe.ts';
import { scopeFrom } from '../../../src/scope/policy.ts';
import { anyTitleAccepted } from './scripted-peer.ts';

const HOST = '127.0.77.1';

type Script = (socket: net.Socket) => void;

function serve(script: Script): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    script(s);
  });
  return new Promise((resolve) => {
    server.listen(0, HOST, () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

function context(overrides: Partial<ProbeContext['limits']> = {}): ProbeContext {
  return {
    dialer: createDialer({ scope: scopeFrom((ip) => ip === HOST), connectTimeoutMs: 1000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 }),
    signal: new AbortController().signal,
    identity: { callingAeTitle: 'EXPOSURE-TEST', userAgent: 'test' },
    limits: { maxRecords: 10, connectTimeoutMs: 1000, ioTimeoutMs: 400, probeTimeoutMs: 5000, maxPduBytes: 1 << 16, ...overrides },
    dicom: { userAeTitles: [], useGuessList: true },
    pseudonyms: createPseudonyms(),
  };
}

const accept = anyTitleAccepted('HOSTILE');

describe('DICOM probe against hostile peers', () => {
  const servers: Array<{ close: () => Promise<void> }> = [];
  after(async () => {
    for (const s of servers) await s.close();
  });

  async function probe(script: Script, limits: Partial<ProbeContext['limits']> = {}) {
    const srv = await serve(script);
    servers.push(srv);
    const o = await dicomProbe.run({ ip: HOST, port: srv.port }, context(limits));
    Observation.parse(o);
    return o;
  }

  it('calls an HTTP banner not DICOM', async () => {
    const o = await probe((s) => s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    assert.equal(o.status, 'not-this-protocol');
  });

  it('refuses a declared PDU length above the cap without waiting for the body', async () => {
    const header = Buffer.from([0x02, 0x00, 0xff, 0xff, 0xff, 0xf0]);
    const started = performance.now();
    const o = await probe((s) => s.once('data', () => s.write(header)));
    assert.equal(o.status, 'protocol-error');
    assert.equal(o.error?.code, 'PDU_TOO_LARGE');
    assert.ok(performance.now() - started < 2000);
  });

  it('keeps what it learned when the peer accepts and then falls silent', async () => {
    const o = await probe((s) => s.once('data', () => s.write(accept)));
    assert.equal(o.status, 'success');
    assert.equal(dicomDetails(o)?.acceptsAnyCalledAeTitle, true);
    assert.equal(dicomDetails(o)?.peer?.implementationVersionName, 'HOSTILE');
    assert.equal(dicomDetails(o)?.echo.outcome, 'timeout');
    assert.equal(o.error?.phase, 'c-echo');
    assert.equal(o.error?.code, 'io-timeout');
  });

  it('records a silent port as not DICOM after the I/O timeout', async () => {
    const o = await probe(() => undefined);
    assert.equal(o.status, 'not-this-protocol');
  });

  it('reports a refused connection as such', async () => {
    const srv = await serve(() => undefined);
    await srv.close();
    const o = await dicomProbe.run({ ip: HOST, port: srv.port }, context());
    assert.equal(o.status, 'connection-refused');
    assert.equal(o.error?.phase, 'connect');
  });

  it('never dials outside scope', async () => {
    const o = await dicomProbe.run({ ip: '127.0.77.2', port: 104 }, context());
    assert.equal(o.status, 'out-of-scope');
  });
});
