/**
 * The SMB probe against scripted hostile peers on 127.0.50.x (real Samba is
 * covered by test/integration/nas-scan.test.ts): garbage, an oversized frame,
 * silence. Each ends in a status, never a throw, and no peer bytes in errors.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createDialer } from '../../../src/net/dialer.ts';
import { createPseudonyms } from '../../../src/privacy/pseudonyms.ts';
import { Observation } from '../../../src/observation/observation.ts';
import type { ProbeContext } from '../../../src/probes/probe.ts';
import { smbProbe } from '../../../src/probes/smb/index.ts';

const HOST = '127.0.50.21';
const servers: net.Server[] = [];

function peer(port: number, onConnect: (s: net.Socket) => void): Promise<void> {
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    onConnect(s);
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(port, HOST, resolve));
}

function ctx(ioTimeoutMs = 3000): ProbeContext {
  return {
    dialer: createDialer({ scope: { check: () => ({ allowed: true }) }, connectTimeoutMs: 2000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 }),
    signal: new AbortController().signal,
    identity: { callingAeTitle: 'EXPOSURE-SCAN', userAgent: 'Exposure/0.1.0' },
    limits: { maxRecords: 10, connectTimeoutMs: 2000, ioTimeoutMs, probeTimeoutMs: 20_000, maxPduBytes: 1 << 20 },
    dicom: { userAeTitles: [], useGuessList: false },
    pseudonyms: createPseudonyms(),
  };
}

after(() => {
  for (const s of servers) s.close();
});

describe('SMB probe, hostile peers', () => {
  it('an HTTP answer is not SMB2, and its text stays out of the result', async () => {
    await peer(4451, (s) => s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\nX-Canary: QUILLFEATHER\r\n\r\n')));
    const o = await smbProbe.run({ ip: HOST, port: 4451 }, ctx());
    Observation.parse(o);
    assert.equal(o.status, 'not-this-protocol');
    assert.ok(!JSON.stringify(o).includes('QUILLFEATHER'));
  });

  it('a frame declaring 16 MB is refused without reading it', async () => {
    await peer(4452, (s) => s.once('data', () => s.write(Buffer.from([0, 0xff, 0xff, 0xff, 0xfe, 0x53, 0x4d, 0x42]))));
    const o = await smbProbe.run({ ip: HOST, port: 4452 }, ctx());
    assert.equal(o.error?.code, 'SMB_TOO_LARGE');
    assert.equal(o.status, 'protocol-error');
  });

  it('an SMB1-only peer (0xFF "SMB") is not SMB2', async () => {
    await peer(4453, (s) => s.once('data', () => s.write(Buffer.concat([Buffer.from([0, 0, 0, 40, 0xff, 0x53, 0x4d, 0x42]), Buffer.alloc(36)]))));
    const o = await smbProbe.run({ ip: HOST, port: 4453 }, ctx());
    assert.equal(o.status, 'not-this-protocol');
  });

  it('silence after accept ends at the I/O timeout as not-this-protocol', async () => {
    await peer(4454, () => undefined);
    const t0 = Date.now();
    const o = await smbProbe.run({ ip: HOST, port: 4454 }, ctx(300));
    assert.equal(o.status, 'not-this-protocol');
    assert.ok(Date.now() - t0 < 10_000);
  });
});
