/**
 * The SMB probe past NEGOTIATE, against a scripted SMB2 peer on 127.0.98.3
 * (port 0): a CHALLENGE whose target info names the server with terminal
 * escapes and a name far past NetBIOS's 16 characters, and one whose AV_PAIR
 * runs past its buffer. Names are kept capped and printable; a malformed
 * answer after NEGOTIATE is a protocol error, never a success carrying an error.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createDialer } from '../../../src/net/dialer.ts';
import { createPseudonyms } from '../../../src/privacy/pseudonyms.ts';
import { Observation } from '../../../src/observation/observation.ts';
import type { ProbeContext } from '../../../src/probes/probe.ts';
import { smbProbe } from '../../../src/probes/smb/index.ts';
import { Command, encodeHeader, frame, frameLength, HeaderFlag, SMB2_HEADER_LENGTH, Status } from '../../../src/protocols/smb/smb2.ts';

const HOST = '127.0.98.3';
const servers: net.Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

/** MS-SMB2 2.2.4 NEGOTIATE response: 3.1.1, signing enabled but not required, no security buffer. */
function negotiateBody(): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt16LE(65, 0);
  b.writeUInt16LE(0x1, 2);
  b.writeUInt16LE(0x0311, 4);
  b.writeUInt16LE(SMB2_HEADER_LENGTH + 64, 56);
  return b;
}

/** One MS-NLMP 2.2.2.1 AV_PAIR; `declared` may lie about the value's length. */
function avPair(id: number, value: Buffer, declared = value.length): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16LE(id, 0);
  h.writeUInt16LE(declared, 2);
  return Buffer.concat([h, value]);
}

/** MS-NLMP 2.2.1.2 CHALLENGE_MESSAGE without VERSION: a 48-byte head, then the target info. */
function challenge(targetInfo: Buffer): Buffer {
  const head = Buffer.alloc(48);
  head.write('NTLMSSP\0', 0, 'latin1');
  head.writeUInt32LE(2, 8);
  head.writeUInt32LE(48, 16); // TargetNameFields: empty, at the payload
  head.writeUInt32LE(0x00800201, 20); // UNICODE | NTLM | TARGET_INFO
  head.writeUInt16LE(targetInfo.length, 40);
  head.writeUInt16LE(targetInfo.length, 42);
  head.writeUInt32LE(48, 44);
  return Buffer.concat([head, targetInfo]);
}

/** MS-SMB2 2.2.6 SESSION_SETUP response carrying `token`. */
function sessionSetupBody(token: Buffer): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16LE(9, 0);
  b.writeUInt16LE(SMB2_HEADER_LENGTH + 8, 4);
  b.writeUInt16LE(token.length, 6);
  return Buffer.concat([b, token]);
}

/**
 * A peer that negotiates, answers each first SESSION_SETUP with `token` (the
 * CHALLENGE) and refuses every second one (STATUS_LOGON_FAILURE).
 */
async function smbPeer(token: Buffer): Promise<number> {
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    let pending: Buffer = Buffer.alloc(0);
    let setups = 0;
    s.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (let len = frameLength(pending); len.ok && len.value !== undefined && pending.length >= 4 + len.value; len = frameLength(pending)) {
        const rq = pending.subarray(4, 4 + len.value);
        pending = pending.subarray(4 + len.value);
        const command = rq.readUInt16LE(12);
        const header = encodeHeader({ creditCharge: 1, command, credits: 32, messageId: rq.readBigUInt64LE(24), treeId: 0, sessionId: 0x77n });
        header.writeUInt32LE(HeaderFlag.SERVER_TO_REDIR, 16);
        let body: Buffer = Buffer.alloc(0);
        if (command === Command.NEGOTIATE) body = negotiateBody();
        else if (command === Command.SESSION_SETUP && setups++ % 2 === 0) {
          header.writeUInt32LE(Status.MORE_PROCESSING_REQUIRED, 8);
          body = sessionSetupBody(token);
        } else header.writeUInt32LE(Status.LOGON_FAILURE, 8);
        s.write(frame(Buffer.concat([header, body])));
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, HOST, r));
  return (server.address() as net.AddressInfo).port;
}

function ctx(): ProbeContext {
  return {
    dialer: createDialer({ scope: { check: (ip) => (ip === HOST ? { allowed: true } : { allowed: false, reason: 'out of test scope' }) }, connectTimeoutMs: 2000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 }),
    signal: new AbortController().signal,
    identity: { callingAeTitle: 'EXPOSURE-SCAN', userAgent: 'Exposure/0.1.0' },
    limits: { maxRecords: 10, connectTimeoutMs: 2000, ioTimeoutMs: 3000, probeTimeoutMs: 20_000, maxPduBytes: 1 << 20 },
    dicom: { userAeTitles: [], useGuessList: false },
    pseudonyms: createPseudonyms(),
  };
}

const utf16 = (s: string): Buffer => Buffer.from(s, 'utf16le');

describe('SMB probe, hostile answers after NEGOTIATE', () => {
  it('keeps the names a CHALLENGE gives as capped printable identifiers', async () => {
    const info = Buffer.concat([
      avPair(1, utf16('\u001b[2JNAS\u202eEVIL')), // NetBIOS computer name
      avPair(2, utf16('W'.repeat(500))), // NetBIOS domain name, far past 16
      avPair(3, utf16('<b>nas</b>.example')), // DNS computer name
      avPair(0, Buffer.alloc(0)),
    ]);
    const o = await smbProbe.run({ ip: HOST, port: await smbPeer(challenge(info)) }, ctx());
    Observation.parse(o);
    assert.equal(o.status, 'success');
    const d = o.details?.protocol === 'smb' ? o.details : undefined;
    assert.equal(d?.stoppedBecause, 'no-session');
    assert.equal(d?.netbiosDomainName, 'W'.repeat(16));
    assert.equal(d?.dnsComputerName, '<b>nas</b>.example', 'printable markup is kept; renderers escape it');
    assert.match(d?.netbiosComputerName ?? '', /^[\x20-\x7e]{1,16}$/);
    assert.ok(!JSON.stringify(o).includes('\\u001b') && !JSON.stringify(o).includes('\\u202e'));
  });

  it('an AV_PAIR that runs past its buffer is a protocol error, with the dialect learned before kept', async () => {
    const info = avPair(1, utf16('NAS'), 4000);
    const o = await smbProbe.run({ ip: HOST, port: await smbPeer(challenge(info)) }, ctx());
    Observation.parse(o);
    assert.equal(o.status, 'protocol-error');
    assert.equal(o.error?.code, 'SMB_MALFORMED');
    assert.equal(o.error?.phase, 'session-setup');
    assert.equal(o.details?.protocol === 'smb' && o.details.dialect, '3.1.1');
  });
});
