/**
 * MOUNT v3 and NFSv3 (src/protocols/nfs/): the replies a walk reads, as
 * RFC 1813 lays them out; caps on names, handles, lists and data; truncated
 * and malformed answers as typed errors, never throws.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeExports, decodeMountResult, encodeExports, encodeMountResult, FHSIZE3 } from '../../../src/protocols/nfs/mount.ts';
import {
  decodeGetAttr,
  decodeLookup,
  decodeRead,
  decodeReadDir,
  decodeReadDirPlus,
  encodeGetAttrResult,
  encodeLookupResult,
  encodeNfsError,
  encodeRead,
  encodeReadDir,
  encodeReadDirPage,
  encodeReadDirPlus,
  encodeReadDirPlusPage,
  encodeReadResult,
} from '../../../src/protocols/nfs/nfs3.ts';
import { XdrReader, XdrWriter } from '../../../src/protocols/sunrpc/xdr.ts';

const reader = (b: Buffer): XdrReader => new XdrReader(b);

describe('MOUNT v3 (RFC 1813 Appendix I)', () => {
  it('EXPORT: paths and groups, counted whole and kept up to the caps', () => {
    const wire = encodeExports([
      { dir: '/srv/images', groups: [] },
      { dir: '/srv/radiology', groups: ['10.0.0.0/8', '@pacs', 'ws1.example'] },
      { dir: '/srv/public', groups: ['*'] },
    ]);
    const all = decodeExports(reader(wire), { exports: 10, groups: 10 });
    assert.ok(all.ok);
    assert.equal(all.value.exportCount, 3);
    assert.deepEqual(
      all.value.exports.map((e) => [e.dir.toString(), e.groups.map(String), e.groupCount]),
      [
        ['/srv/images', [], 0],
        ['/srv/radiology', ['10.0.0.0/8', '@pacs', 'ws1.example'], 3],
        ['/srv/public', ['*'], 1],
      ],
    );
    const capped = decodeExports(reader(wire), { exports: 1, groups: 1 });
    assert.ok(capped.ok);
    assert.equal(capped.value.exportCount, 3);
    assert.equal(capped.value.exports.length, 1);
  });

  it('EXPORT: a path past MNTPATHLEN or a list cut short is an error value', () => {
    const long = new XdrWriter().bool(true).uint32(5000).toBuffer();
    const r = decodeExports(reader(long), { exports: 10, groups: 10 });
    assert.ok(!r.ok && r.error.code === 'too-long' && r.error.field === 'ex_dir');
    const wire = encodeExports([{ dir: '/a', groups: ['*'] }]);
    const cut = decodeExports(reader(wire.subarray(0, wire.length - 4)), { exports: 10, groups: 10 });
    assert.ok(!cut.ok && cut.error.code === 'truncated');
  });

  it('MNT: the root handle and flavours, or the refusal with its number', () => {
    const handle = Buffer.alloc(28, 7);
    const ok = decodeMountResult(reader(encodeMountResult({ handle, authFlavors: [1, 0] })));
    assert.deepEqual(ok, { ok: true, value: { status: 'ok', handle, authFlavors: [1, 0] } });
    assert.deepEqual(decodeMountResult(reader(encodeMountResult({ code: 13 }))), { ok: true, value: { status: 'acces', code: 13 } });
    assert.deepEqual(decodeMountResult(reader(encodeMountResult({ code: 4242 }))), { ok: true, value: { status: 'other', code: 4242 } });
    const big = new XdrWriter().uint32(0).opaque(Buffer.alloc(FHSIZE3 + 1)).uint32(0).toBuffer();
    assert.ok(!decodeMountResult(reader(big)).ok, 'a handle over FHSIZE3 is refused');
  });
});

describe('NFSv3 (RFC 1813)', () => {
  it('READDIRPLUS: names, types, sizes, handles and cookies, one page', () => {
    const page = encodeReadDirPlusPage({
      cookieVerifier: Buffer.alloc(8, 1),
      entries: [
        { name: 'archive', cookie: 1, attributes: { type: 'directory', size: 4096 }, handle: Buffer.alloc(16, 2) },
        { name: 'a.dcm', cookie: 2, attributes: { type: 'file', size: 1234 } },
        { name: 'fifo', cookie: 3 },
      ],
      eof: true,
    });
    const r = decodeReadDirPlus(reader(page), 100);
    assert.ok(r.ok && r.value.status === 'ok');
    assert.equal(r.value.eof, true);
    assert.equal(r.value.cut, false);
    assert.deepEqual(
      r.value.entries.map((e) => [e.name.toString(), e.attributes?.type, e.attributes?.size, e.handle?.length]),
      [
        ['archive', 'directory', 4096, 16],
        ['a.dcm', 'file', 1234, undefined],
        ['fifo', undefined, undefined, undefined],
      ],
    );
    assert.deepEqual(r.value.entries[1]!.cookie, Buffer.from('0000000000000002', 'hex'));
  });

  it('READDIRPLUS: a page past the entry cap is cut and never taken for the end', () => {
    const entries = Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, cookie: i + 1, attributes: { type: 'file' as const, size: 1 } }));
    const r = decodeReadDirPlus(reader(encodeReadDirPlusPage({ cookieVerifier: Buffer.alloc(8), entries, eof: true })), 5);
    assert.ok(r.ok && r.value.status === 'ok');
    assert.equal(r.value.entries.length, 5);
    assert.equal(r.value.cut, true);
    assert.equal(r.value.eof, false);
  });

  it('READDIRPLUS and LOOKUP: a refusal is a status, not an error', () => {
    assert.deepEqual(decodeReadDirPlus(reader(encodeNfsError(13)), 10), { ok: true, value: { status: 'acces', code: 13 } });
    assert.deepEqual(decodeLookup(reader(encodeNfsError(2))), { ok: true, value: { status: 'noent', code: 2 } });
  });

  it('READDIR: names and cookies, no attributes; cut at the entry cap and never taken for the end', () => {
    const page = encodeReadDirPage({ cookieVerifier: Buffer.alloc(8, 1), entries: [{ name: 'archive', cookie: 1 }, { name: 'a.dcm', cookie: 2 }], eof: true });
    const r = decodeReadDir(reader(page), 100);
    assert.ok(r.ok && r.value.status === 'ok');
    assert.deepEqual([r.value.eof, r.value.cut], [true, false]);
    assert.deepEqual(r.value.entries.map((e) => [e.name.toString(), e.attributes, e.handle]), [['archive', undefined, undefined], ['a.dcm', undefined, undefined]]);
    assert.deepEqual(r.value.entries[1]!.cookie, Buffer.from('0000000000000002', 'hex'));
    const cut = decodeReadDir(reader(page), 1);
    assert.ok(cut.ok && cut.value.status === 'ok');
    assert.deepEqual([cut.value.entries.length, cut.value.cut, cut.value.eof], [1, true, false]);
    assert.deepEqual(decodeReadDir(reader(encodeNfsError(10004)), 10), { ok: true, value: { status: 'notsupp', code: 10004 } });
    const truncated = decodeReadDir(reader(page.subarray(0, page.length - 6)), 100);
    assert.ok(!truncated.ok && truncated.error.code === 'truncated');
    const longName = new XdrWriter().uint32(0).bool(false).fixedOpaque(Buffer.alloc(8)).bool(true).uint64(1).uint32(5000).toBuffer();
    const tooLong = decodeReadDir(reader(longName), 10);
    assert.ok(!tooLong.ok && tooLong.error.code === 'too-long' && tooLong.error.field === 'name');
  });

  it('LOOKUP and GETATTR: the handle and attributes, attributes LOOKUP may leave out; a handle over FHSIZE3 refused', () => {
    const handle = Buffer.alloc(20, 4);
    assert.deepEqual(decodeLookup(reader(encodeLookupResult(handle, { type: 'file', size: 77 }))), { ok: true, value: { status: 'ok', handle, attributes: { type: 'file', size: 77 } } });
    assert.deepEqual(decodeLookup(reader(encodeLookupResult(handle))), { ok: true, value: { status: 'ok', handle } });
    assert.ok(!decodeLookup(reader(encodeLookupResult(Buffer.alloc(FHSIZE3 + 1)))).ok);
    assert.deepEqual(decodeGetAttr(reader(encodeGetAttrResult({ type: 'directory', size: 4096 }))), { ok: true, value: { status: 'ok', attributes: { type: 'directory', size: 4096 } } });
    assert.deepEqual(decodeGetAttr(reader(encodeNfsError(70))), { ok: true, value: { status: 'stale', code: 70 } });
    const cut = encodeGetAttrResult({ type: 'file', size: 1 });
    assert.ok(!decodeGetAttr(reader(cut.subarray(0, cut.length - 1))).ok);
  });

  it('READ: data up to the cap the caller gives, whatever count the server claims', () => {
    const data = Buffer.alloc(300, 9);
    const r = decodeRead(reader(encodeReadResult(data, true)), 1024);
    assert.ok(r.ok && r.value.status === 'ok');
    assert.equal(r.value.data.length, 300);
    assert.equal(r.value.eof, true);
    const over = decodeRead(reader(encodeReadResult(data, true)), 100);
    assert.ok(!over.ok && over.error.code === 'too-long');
  });

  it('encodes READ and READDIRPLUS arguments in RFC order', () => {
    const h = Buffer.from('abcd');
    assert.deepEqual(encodeRead(h, 0, 65536), Buffer.from('00000004' + '61626364' + '0000000000000000' + '00010000', 'hex'));
    const args = encodeReadDirPlus(h, Buffer.alloc(8), Buffer.alloc(8), 8192, 32768);
    assert.equal(args.length, 8 + 8 + 8 + 4 + 4);
    assert.deepEqual(encodeReadDir(h, Buffer.alloc(8, 1), Buffer.alloc(8, 2), 32768), Buffer.from('00000004' + '61626364' + '0101010101010101' + '0202020202020202' + '00008000', 'hex'));
  });

  it('arbitrary bytes never throw from any decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const b = Buffer.from(bytes);
        decodeExports(reader(b), { exports: 4, groups: 4 });
        decodeMountResult(reader(b));
        decodeReadDirPlus(reader(b), 8);
        decodeReadDir(reader(b), 8);
        decodeLookup(reader(b));
        decodeGetAttr(reader(b));
        decodeRead(reader(b), 256);
      }),
      { numRuns: 2000 },
    );
  });

  it('READDIRPLUS pages round-trip', () => {
    const name = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\u0000'));
    fc.assert(
      fc.property(fc.array(fc.record({ name, size: fc.nat(), dir: fc.boolean() }), { maxLength: 20 }), fc.boolean(), (list, eof) => {
        const entries = list.map((e, i) => ({ name: e.name, cookie: i + 1, attributes: { type: e.dir ? ('directory' as const) : ('file' as const), size: e.size } }));
        const r = decodeReadDirPlus(reader(encodeReadDirPlusPage({ cookieVerifier: Buffer.alloc(8), entries, eof })), 100);
        assert.ok(r.ok && r.value.status === 'ok');
        assert.equal(r.value.eof, eof);
        assert.deepEqual(
          r.value.entries.map((e) => [e.name.toString('utf8'), e.attributes?.type, e.attributes?.size]),
          entries.map((e) => [e.name, e.attributes.type, e.attributes.size]),
        );
      }),
    );
  });
});
