/**
 * ONC RPC, XDR and the port mapper (src/protocols/sunrpc/): bytes as the
 * RFCs lay them out, every peer-declared length capped before it is used,
 * and arbitrary bytes that never throw anything but a typed error.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MOUNT_PROGRAM } from '../../../src/protocols/nfs/mount.ts';
import { decodeDump, decodeGetPort, encodeDump, encodeGetPort } from '../../../src/protocols/sunrpc/portmap.ts';
import {
  AUTH_NONE,
  AUTH_SYS,
  decodeCall,
  decodeReply,
  encodeAcceptedReply,
  encodeAuthErrorReply,
  encodeCall,
  frameRecord,
  RecordAssembler,
  RecordError,
} from '../../../src/protocols/sunrpc/rpc.ts';
import { XdrReader, XdrWriter } from '../../../src/protocols/sunrpc/xdr.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('XDR (RFC 4506)', () => {
  it('pads opaque data to four bytes and reads it back', () => {
    const b = new XdrWriter().opaque(Buffer.from('abcde')).uint32(7).toBuffer();
    // length 5, "abcde", 3 bytes of padding, then 7
    assert.deepEqual(b, hex('00000005 6162636465 000000 00000007'));
    const r = new XdrReader(b);
    assert.equal(r.opaque(16, 'x').toString(), 'abcde');
    assert.equal(r.uint32('n'), 7);
  });

  it('refuses a length above the cap before reading it, naming the field', () => {
    const r = new XdrReader(hex('7fffffff 00000000'));
    assert.throws(() => r.opaque(1024, 'ex_dir'), (e: Error & { error?: { code: string; field: string } }) => e.error?.code === 'too-long' && e.error.field === 'ex_dir');
  });

  it('refuses an array count larger than the bytes left could hold', () => {
    const r = new XdrReader(hex('00000010 00000001'));
    assert.throws(() => r.array(100, 'gids', (x) => x.uint32('g')), (e: Error & { error?: { code: string } }) => e.error?.code === 'truncated');
  });

  it('reads a linked list up to its cap and says more followed', () => {
    const w = new XdrWriter();
    for (let i = 0; i < 5; i++) w.bool(true).uint32(i);
    const r = new XdrReader(w.bool(false).toBuffer());
    const { items, cut } = r.linkedList(3, 'list', (x) => x.uint32('v'));
    assert.deepEqual(items, [0, 1, 2]);
    assert.equal(cut, true);
  });

  it('takes only 0 and 1 as booleans', () => {
    assert.throws(() => new XdrReader(hex('00000002')).bool('eof'), (e: Error & { error?: { code: string } }) => e.error?.code === 'bad-value');
  });

  it('reads unsigned hypers as numbers, clamped at 2^53', () => {
    assert.equal(new XdrReader(hex('00000001 00000002')).uint64('size'), 2 ** 32 + 2);
    assert.equal(new XdrReader(hex('ffffffff ffffffff')).uint64('size'), Number.MAX_SAFE_INTEGER);
  });
});

describe('ONC RPC messages (RFC 5531)', () => {
  it('encodes a GETPORT call with AUTH_NONE as rpcinfo does', () => {
    const call = encodeCall({ xid: 0x01020304, program: 100000, version: 2, procedure: 3, credential: { flavor: AUTH_NONE }, body: encodeGetPort(MOUNT_PROGRAM, 3) });
    // xid, CALL, rpcvers 2, prog 100000, vers 2, proc 3, cred AUTH_NONE len 0, verf AUTH_NONE len 0, mapping (100005, 3, TCP, 0)
    assert.deepEqual(call, hex('01020304 00000000 00000002 000186a0 00000002 00000003 00000000 00000000 00000000 00000000 000186a5 00000003 00000006 00000000'));
  });

  it('encodes AUTH_SYS with the machine name, uid, gid and no more than 16 groups', () => {
    const call = encodeCall({ xid: 1, program: 100005, version: 3, procedure: 5, credential: { flavor: AUTH_SYS, stamp: 9, machineName: 'scan', uid: 1000, gid: 1000, gids: Array.from({ length: 20 }, (_, i) => i) }, body: Buffer.alloc(0) });
    const decoded = decodeCall(call);
    assert.ok(decoded.ok);
    assert.equal(decoded.value.credentialFlavor, AUTH_SYS);
    const cred = new XdrReader(decoded.value.credentialBody);
    assert.equal(cred.uint32('stamp'), 9);
    assert.equal(cred.string(255, 'machinename').toString(), 'scan');
    assert.equal(cred.uint32('uid'), 1000);
    assert.equal(cred.uint32('gid'), 1000);
    assert.equal(cred.array(16, 'gids', (r) => r.uint32('g')).length, 16);
  });

  it('decodes accepted, mismatched and denied replies', () => {
    const ok = decodeReply(encodeAcceptedReply(5, 'success', new XdrWriter().uint32(20048).toBuffer()));
    assert.ok(ok.ok && ok.value.kind === 'accepted' && ok.value.stat === 'success');
    assert.deepEqual(decodeGetPort(ok.value.body), { ok: true, value: 20048 });
    const unavailable = decodeReply(encodeAcceptedReply(6, 'prog-unavail'));
    assert.ok(unavailable.ok && unavailable.value.kind === 'accepted' && unavailable.value.stat === 'prog-unavail');
    const denied = decodeReply(encodeAuthErrorReply(7, 'tooweak'));
    assert.deepEqual(denied.ok && denied.value, { kind: 'auth-error', xid: 7, auth: 'tooweak' });
  });

  it('refuses a call where a reply is due, and unknown statuses', () => {
    const call = encodeCall({ xid: 1, program: 1, version: 1, procedure: 0, credential: { flavor: AUTH_NONE }, body: Buffer.alloc(0) });
    const r = decodeReply(call);
    assert.ok(!r.ok && r.error.field === 'msg_type');
    const odd = decodeReply(hex('00000001 00000001 00000000 00000000 00000000 00000009'));
    assert.ok(!odd.ok && odd.error.field === 'accept_stat');
  });

  it('a GETPORT port above 65535 is malformed', () => {
    assert.ok(!decodeGetPort(new XdrReader(hex('00010000'))).ok);
  });
});

describe('record marking (RFC 5531 11)', () => {
  it('joins fragments into one record, split anywhere', () => {
    const a = Buffer.from('first-');
    const b = Buffer.from('second');
    const wire = Buffer.concat([hex('00000006'), a, hex('80000006'), b, frameRecord(Buffer.from('next'))]);
    for (let cut = 0; cut <= wire.length; cut++) {
      const asm = new RecordAssembler(1024);
      const out = [...asm.push(wire.subarray(0, cut)), ...asm.push(wire.subarray(cut))];
      assert.deepEqual(out.map(String), ['first-second', 'next'], `split at ${cut}`);
    }
  });

  it('refuses a giant fragment from its header, before any of it arrives', () => {
    const asm = new RecordAssembler(1 << 20);
    assert.throws(() => asm.push(hex('ffffffff')), (e: unknown) => e instanceof RecordError && e.code === 'record-too-long');
  });

  it('counts every fragment of a record against the cap', () => {
    const asm = new RecordAssembler(10);
    assert.deepEqual(asm.push(Buffer.concat([hex('00000006'), Buffer.from('123456')])), []);
    assert.throws(() => asm.push(hex('80000006')), RecordError);
  });
});

describe('the port mapper (RFC 1833)', () => {
  it('DUMP round-trips and is cut at its cap', () => {
    const mappings = [
      { program: 100000, version: 2, protocol: 6, port: 111 },
      { program: 100005, version: 3, protocol: 6, port: 20048 },
      { program: 100003, version: 3, protocol: 6, port: 2049 },
    ];
    const all = decodeDump(new XdrReader(encodeDump(mappings)), 10);
    assert.deepEqual(all.ok && all.value, { mappings, cut: false });
    const cut = decodeDump(new XdrReader(encodeDump(mappings)), 2);
    assert.ok(cut.ok && cut.value.cut && cut.value.mappings.length === 2);
  });
});

describe('arbitrary bytes', () => {
  it('never throw from the reply, call and DUMP decoders, and the framer throws only RecordError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const b = Buffer.from(bytes);
        decodeReply(b);
        decodeCall(b);
        decodeDump(new XdrReader(b), 16);
        try {
          new RecordAssembler(256).push(b);
        } catch (e) {
          assert.ok(e instanceof RecordError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('calls round-trip through the server-side decoder', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), fc.nat(), fc.uint8Array({ maxLength: 64 }), (xid, program, version, procedure, body) => {
        const wire = encodeCall({ xid: xid >>> 0, program: program >>> 0, version: version >>> 0, procedure: procedure >>> 0, credential: { flavor: AUTH_NONE }, body: Buffer.from(body) });
        const d = decodeCall(wire);
        assert.ok(d.ok);
        assert.deepEqual([d.value.xid, d.value.program, d.value.version, d.value.procedure], [xid >>> 0, program >>> 0, version >>> 0, procedure >>> 0]);
        assert.deepEqual(d.value.args.buf.subarray(d.value.args.offset), Buffer.from(body));
      }),
    );
  });
});
