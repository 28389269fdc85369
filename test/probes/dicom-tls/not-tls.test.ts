/**
 * dicom-tls on a port that is not TLS (hand-written peers on 127.0.60.21): a
 * peer that stays silent after the ClientHello, one that answers plain bytes.
 * On a plain DICOM port that is "not this protocol"; on 2762 it is a failed
 * handshake. The real DICOM TLS SCP is tested in test/integration/web-scan.test.ts.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createDialer } from '../../../src/net/dialer.ts';
import { createPseudonyms } from '../../../src/privacy/pseudonyms.ts';
import { dicomTlsProbe } from '../../../src/probes/dicom-tls/index.ts';
import { Observation } from '../../../src/observation/observation.ts';
import type { ProbeContext } from '../../../src/probes/probe.ts';
import { scopeFrom } from '../../../src/scope/policy.ts';

const HOST = '127.0.60.21';
const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();

function listen(onSocket: (s: net.Socket) => void): Promise<number> {
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    onSocket(s);
  });
  servers.push(server);
  return new Promise((r) => server.listen(0, HOST, () => r((server.address() as net.AddressInfo).port)));
}

const ctx: ProbeContext = {
  dialer: createDialer({ scope: scopeFrom((ip) => ip === HOST), connectTimeoutMs: 500, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 }),
  signal: new AbortController().signal,
  identity: { callingAeTitle: 'EXPOSURE-TEST', userAgent: 'test' },
  limits: { maxRecords: 10, connectTimeoutMs: 500, ioTimeoutMs: 500, probeTimeoutMs: 5000, maxPduBytes: 1 << 16 },
  dicom: { userAeTitles: [], useGuessList: false },
  pseudonyms: createPseudonyms(),
};

let silent = 0;
let plain = 0;

before(async () => {
  silent = await listen(() => {});
  plain = await listen((s) => s.end(Buffer.from([0x07, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x02, 0x00])));
});

after(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

describe('dicom-tls on ports that are not TLS', () => {
  it('is not-this-protocol on a plain port, whether the peer is silent or answers plain bytes', async () => {
    for (const port of [silent, plain]) {
      const o = await dicomTlsProbe.run({ ip: HOST, port }, ctx);
      Observation.parse(o);
      assert.equal(o.status, 'not-this-protocol', `port ${port}: ${o.error?.code}`);
      assert.equal(o.protocol, 'dicom-tls');
    }
  });
});
