import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeBindAck, decodeNetShareEnumAll, decodeResponse, encodeBind, encodeNetShareEnumAll, encodeRequest, encodeUuid, SRVSVC_UUID } from '../../../src/protocols/smb/dcerpc.ts';
import { bindAckBody, dceHeader as header, shareEnumStub } from './fixtures.ts';

describe('DCE/RPC and srvsvc', () => {
  it('encodes UUIDs with the first three fields little-endian (C706 Appendix A)', () => {
    assert.equal(encodeUuid(SRVSVC_UUID).toString('hex'), 'c84f324b7016d30112785a47bf6ee188');
  });

  it('bind names srvsvc v3 over NDR; frag_length matches', () => {
    const b = encodeBind(1);
    assert.equal(b[2], 11);
    assert.equal(b.readUInt16LE(8), b.length);
    assert.equal(b.subarray(32, 48).toString('hex'), 'c84f324b7016d30112785a47bf6ee188');
  });

  it('bind_ack accepted, provider rejection, bind_nak, and a wrong PDU type', () => {
    const body = bindAckBody;
    const ok = decodeBindAck(header(12, body(0)));
    assert.ok(ok.ok && ok.value.accepted);
    const rejected = decodeBindAck(header(12, body(2)));
    assert.ok(rejected.ok && !rejected.value.accepted && rejected.value.reason === 2);
    const nak = decodeBindAck(header(13, Buffer.from([4, 0])));
    assert.ok(nak.ok && !nak.value.accepted);
    assert.ok(!decodeBindAck(header(2, body(0))).ok);
    assert.ok(!decodeBindAck(header(12, body(0)).subarray(0, 30)).ok);
  });

  it('request carries opnum 15 and a stub naming the server', () => {
    const stub = encodeNetShareEnumAll('\\\\127.0.0.9');
    const r = encodeRequest(2, 15, stub);
    assert.equal(r.readUInt16LE(22), 15);
    assert.equal(r.readUInt16LE(8), r.length);
    assert.equal(stub.length % 4, 0);
  });

  it('response and fault PDUs', () => {
    const resp = decodeResponse(header(2, Buffer.concat([Buffer.alloc(8), Buffer.from([1, 2, 3, 4])])));
    assert.ok(resp.ok && resp.value.kind === 'response' && resp.value.stub.length === 4);
    const fault = Buffer.alloc(12);
    fault.writeUInt32LE(0x1c010003, 8);
    const f = decodeResponse(header(3, fault));
    assert.ok(f.ok && f.value.kind === 'fault' && f.value.status === 0x1c010003);
    const lying = header(2, Buffer.alloc(8));
    lying.writeUInt16LE(500, 8);
    assert.ok(!decodeResponse(lying).ok);
  });

  it('NetrShareEnum level 1: names and types, remarks never kept', () => {
    const r = decodeNetShareEnumAll(shareEnumStub(), 64);
    assert.ok(r.ok);
    assert.deepEqual(r.value.shares, [{ name: 'scans', type: 0 }, { name: 'IPC$', type: 0x80000003 }]);
    assert.equal(r.value.werror, 0);
    assert.ok(!JSON.stringify(r.value).includes('Images'));
  });

  it('NetrShareEnum: truncated stubs and absurd counts are errors', () => {
    const stub = shareEnumStub();
    for (const n of [3, 20, 40, 70, stub.length - 2]) assert.ok(!decodeNetShareEnumAll(stub.subarray(0, n), 64).ok, `truncated at ${n}`);
    const huge = Buffer.from(stub);
    huge.writeUInt32LE(5_000_000, 12);
    assert.ok(!decodeNetShareEnumAll(huge, 64).ok);
  });

  it('NetrShareEnum: one entry past 10,000, or a string declaring more than 64 Ki characters, is a bad length before anything is read', () => {
    const stub = shareEnumStub();
    const many = Buffer.from(stub);
    many.writeUInt32LE(10_001, 12); // EntriesRead
    many.writeUInt32LE(10_001, 20); // array max_count agrees: only our bound refuses it
    const r = decodeNetShareEnumAll(many, 64);
    assert.ok(!r.ok && r.error.code === 'bad-length' && r.error.field === 'EntriesRead');
    const long = Buffer.from(stub);
    // The first string (shi1_netname of "scans") starts after the two fixed entries, at 48.
    long.writeUInt32LE(0x10001, 48); // max_count
    long.writeUInt32LE(0x10001, 56); // actual_count
    const l = decodeNetShareEnumAll(long, 64);
    assert.ok(!l.ok && l.error.code === 'bad-length' && l.error.field === 'shi1_netname actual_count');
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const b = Buffer.from(bytes);
        decodeBindAck(b);
        decodeResponse(b);
        decodeNetShareEnumAll(b, 64);
        decodeNetShareEnumAll(Buffer.concat([Buffer.from([1, 0, 0, 0, 1, 0, 0, 0, 4, 0, 2, 0]), b]), 64);
      }),
      { numRuns: 1000 },
    );
  });
});
