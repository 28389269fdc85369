import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  Command,
  createRequest,
  decodeCreateResponse,
  decodeMessage,
  decodeNegotiateResponse,
  decodeQueryDirectoryResponse,
  decodeReadResponse,
  decodeSessionSetupResponse,
  decodeTreeConnectResponse,
  frame,
  frameLength,
  negotiateRequest,
  SMB2_HEADER_LENGTH,
  type Smb2Message,
} from '../../../src/protocols/smb/smb2.ts';
import { directoryEntry, response } from './fixtures.ts';

function message(bytes: Buffer): Smb2Message {
  const d = decodeMessage(bytes);
  assert.ok(d.ok);
  return d.value;
}

describe('SMB2 header and framing', () => {
  it('round-trips the header fields', () => {
    const m = message(response(Command.TREE_CONNECT, Buffer.alloc(0), 0xc0000022));
    assert.equal(m.header.command, Command.TREE_CONNECT);
    assert.equal(m.header.status, 0xc0000022);
    assert.equal(m.header.messageId, 7n);
    assert.equal(m.header.treeId, 5);
    assert.equal(m.header.sessionId, 0x1122n);
  });

  it('rejects a truncated header, a wrong protocol id and a wrong structure size with the field named', () => {
    const good = response(Command.NEGOTIATE, Buffer.alloc(0));
    const short = decodeMessage(good.subarray(0, 40));
    assert.ok(!short.ok && short.error.code === 'truncated');
    const smb1 = Buffer.from(good);
    smb1[0] = 0xff;
    const r1 = decodeMessage(smb1);
    assert.ok(!r1.ok && r1.error.field === 'ProtocolId');
    const bad = Buffer.from(good);
    bad.writeUInt16LE(65, 4);
    const r2 = decodeMessage(bad);
    assert.ok(!r2.ok && r2.error.code === 'bad-structure');
  });

  it('a header cut inside TreeId is truncated, not a RangeError (found by fuzzing)', () => {
    const good = response(Command.NEGOTIATE, Buffer.alloc(0));
    for (const n of [36, 37, 39]) {
      const r = decodeMessage(good.subarray(0, n));
      assert.ok(!r.ok && r.error.code === 'truncated' && r.error.field === 'TreeId', `cut at ${n}`);
    }
  });

  it('frames with a zero byte and a 24-bit length (MS-SMB2 2.1)', () => {
    const f = frame(Buffer.alloc(300));
    assert.deepEqual([...f.subarray(0, 4)], [0, 0, 1, 44]);
    const len = frameLength(f);
    assert.ok(len.ok && len.value === 300);
    const partial = frameLength(f.subarray(0, 3));
    assert.ok(partial.ok && partial.value === undefined);
    const netbios = frameLength(Buffer.from([0x85, 0, 0, 0]));
    assert.ok(!netbios.ok);
  });

  it('offers 2.0.2 to 3.1.1 with a preauth integrity context at an 8-aligned offset', () => {
    const req = negotiateRequest();
    assert.equal(req.readUInt16LE(0), 36);
    assert.equal(req.readUInt16LE(2), 5);
    const ctxOffset = req.readUInt32LE(28);
    assert.equal(ctxOffset % 8, 0);
    assert.equal(req.readUInt16LE(ctxOffset - SMB2_HEADER_LENGTH), 0x0001);
  });
});

describe('SMB2 responses', () => {
  it('NEGOTIATE: dialect, signing, GUID; truncated security buffer is an error', () => {
    const body = Buffer.alloc(64 + 4);
    body.writeUInt16LE(65, 0);
    body.writeUInt16LE(0x3, 2); // signing enabled and required
    body.writeUInt16LE(0x0311, 4);
    Buffer.from('00112233445566778899aabbccddeeff', 'hex').copy(body, 8);
    body.writeUInt16LE(SMB2_HEADER_LENGTH + 64, 56);
    body.writeUInt16LE(4, 58);
    const r = decodeNegotiateResponse(message(response(Command.NEGOTIATE, body)));
    assert.ok(r.ok);
    assert.deepEqual([r.value.dialect, r.value.signingEnabled, r.value.signingRequired, r.value.serverGuid], [0x0311, true, true, '00112233445566778899aabbccddeeff']);
    body.writeUInt16LE(400, 58);
    const bad = decodeNegotiateResponse(message(response(Command.NEGOTIATE, body)));
    assert.ok(!bad.ok && bad.error.field === 'SecurityBuffer');
  });

  it('SESSION_SETUP and TREE_CONNECT bodies', () => {
    const ss = Buffer.alloc(8);
    ss.writeUInt16LE(9, 0);
    ss.writeUInt16LE(0x1, 2);
    const s = decodeSessionSetupResponse(message(response(Command.SESSION_SETUP, ss)));
    assert.ok(s.ok && s.value.sessionFlags === 1 && s.value.securityBuffer.length === 0);
    const tc = Buffer.alloc(16);
    tc.writeUInt16LE(16, 0);
    tc.writeUInt8(1, 2);
    tc.writeUInt32LE(0x001200a9, 12);
    const t = decodeTreeConnectResponse(message(response(Command.TREE_CONNECT, tc)));
    assert.ok(t.ok && t.value.shareType === 1 && t.value.maximalAccess === 0x001200a9);
    const short = decodeTreeConnectResponse(message(response(Command.TREE_CONNECT, tc.subarray(0, 8))));
    assert.ok(!short.ok && short.error.code === 'truncated');
  });

  it('CREATE: file id, size and the MxAc maximal access context', () => {
    const body = Buffer.alloc(88 + 24 + 8);
    body.writeUInt16LE(89, 0);
    body.writeBigUInt64LE(4096n, 48);
    Buffer.alloc(16, 0xab).copy(body, 64);
    body.writeUInt32LE(SMB2_HEADER_LENGTH + 88, 80);
    body.writeUInt32LE(32, 84);
    // context at body offset 88: Next 0, NameOffset 16, NameLength 4, DataOffset 24, DataLength 8
    body.writeUInt16LE(16, 88 + 4);
    body.writeUInt16LE(4, 88 + 6);
    body.writeUInt16LE(24, 88 + 10);
    body.writeUInt32LE(8, 88 + 12);
    body.write('MxAc', 88 + 16, 'latin1');
    body.writeUInt32LE(0, 88 + 24);
    body.writeUInt32LE(0x001200a9, 88 + 28);
    const r = decodeCreateResponse(message(response(Command.CREATE, body)));
    assert.ok(r.ok);
    assert.equal(r.value.endOfFile, 4096n);
    assert.equal(r.value.maximalAccess, 0x001200a9);
    assert.equal(r.value.fileId.toString('hex'), 'ab'.repeat(16));
    body.writeUInt32LE(9999, 88 + 12);
    body.writeUInt16LE(9999, 88 + 10);
    const bad = decodeCreateResponse(message(response(Command.CREATE, body)));
    assert.ok(!bad.ok);
  });

  it('CREATE request: an empty name still carries one buffer byte; MxAc context 8-aligned', () => {
    const root = createRequest('', 'directory');
    assert.equal(root.length, 57);
    const asked = createRequest('', 'directory', true);
    assert.equal((asked.readUInt32LE(48) - SMB2_HEADER_LENGTH) % 8, 0);
    assert.equal(asked.subarray(asked.length - 8, asked.length - 4).toString('latin1'), 'MxAc');
  });

  it('QUERY_DIRECTORY: entries, the cap, and a NextEntryOffset that points nowhere', () => {
    const page = Buffer.concat([directoryEntry('a.dcm', 10, false, 80), directoryEntry('sub', 0, true, 0)]);
    const body = Buffer.alloc(8);
    body.writeUInt16LE(9, 0);
    body.writeUInt16LE(SMB2_HEADER_LENGTH + 8, 2);
    body.writeUInt32LE(page.length, 4);
    const m = message(response(Command.QUERY_DIRECTORY, Buffer.concat([body, page])));
    const r = decodeQueryDirectoryResponse(m, 100);
    assert.ok(r.ok);
    assert.deepEqual(r.value.map((e) => [e.name, e.size, e.attributes]), [['a.dcm', 10, 0x20], ['sub', 0, 0x10]]);
    const capped = decodeQueryDirectoryResponse(m, 1);
    assert.ok(capped.ok && capped.value.length === 1);
    page.writeUInt32LE(10_000, 0);
    const broken = decodeQueryDirectoryResponse(message(response(Command.QUERY_DIRECTORY, Buffer.concat([body, page]))), 100);
    assert.ok(!broken.ok && broken.error.field === 'NextEntryOffset');
  });

  it('READ: data at DataOffset; a length past the end is an error', () => {
    const body = Buffer.alloc(16 + 4);
    body.writeUInt16LE(17, 0);
    body.writeUInt8(SMB2_HEADER_LENGTH + 16, 2);
    body.writeUInt32LE(4, 4);
    body.write('DICM', 16, 'latin1');
    const r = decodeReadResponse(message(response(Command.READ, body)));
    assert.ok(r.ok && r.value.toString('latin1') === 'DICM');
    body.writeUInt32LE(5000, 4);
    assert.ok(!decodeReadResponse(message(response(Command.READ, body))).ok);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const b = Buffer.from(bytes);
        const m = decodeMessage(b);
        frameLength(b);
        if (m.ok) {
          decodeNegotiateResponse(m.value);
          decodeSessionSetupResponse(m.value);
          decodeCreateResponse(m.value);
          decodeQueryDirectoryResponse(m.value, 50);
          decodeReadResponse(m.value);
        }
      }),
      { numRuns: 500 },
    );
    // Same with a valid header in front, so body decoders see arbitrary bodies.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const m = message(response(Command.CREATE, Buffer.from(bytes)));
        decodeNegotiateResponse(m);
        decodeCreateResponse(m);
        decodeQueryDirectoryResponse(m, 50);
        decodeReadResponse(m);
        decodeTreeConnectResponse(m);
      }),
      { numRuns: 500 },
    );
  });
});
