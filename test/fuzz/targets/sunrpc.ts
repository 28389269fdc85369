/**
 * Fuzz target for the NFS probe's codecs: an ONC RPC reply record (RFC 5531)
 * and every result decoder the probe reads from one (port mapper GETPORT and
 * DUMP, MOUNT EXPORT and MNT, NFSv3 READDIRPLUS, READDIR, LOOKUP, GETATTR
 * and READ), as a
 * confused client might. Each returns a Result: nothing may escape it, and
 * nothing decoded may be longer than its cap or than the input.
 */
import { decodeExports, decodeMountResult, FHSIZE3, MNTPATHLEN } from '../../../src/protocols/nfs/mount.ts';
import { decodeGetAttr, decodeLookup, decodeRead, decodeReadDir, decodeReadDirPlus, MAX_NAME_BYTES } from '../../../src/protocols/nfs/nfs3.ts';
import { decodeDump, decodeGetPort } from '../../../src/protocols/sunrpc/portmap.ts';
import { decodeReply, RecordAssembler, RecordError } from '../../../src/protocols/sunrpc/rpc.ts';
import { XdrReader } from '../../../src/protocols/sunrpc/xdr.ts';
import { cap, type FuzzTarget } from '../engine.ts';
import { tokens } from './tokens.ts';

const MAX_ENTRIES = 16;
const MAX_READ = 512;

function letter(ok: boolean, l: string): string {
  return ok ? l : '-';
}

export const oncRpc: FuzzTarget = {
  name: 'onc-rpc',
  covers: 'record marking, RPC reply, GETPORT, DUMP, EXPORT, MNT, READDIRPLUS, READDIR, LOOKUP, GETATTR, READ results',
  maxInputBytes: 4096,
  dictionary: tokens([[0x80, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0xff, 0xff, 0xff, 0xff], [0, 1, 0x86, 0xa0], [0, 1, 0x86, 0xa5], [0, 1, 0x86, 0xa3], [0, 0, 0x27, 0x14]]),
  run(input) {
    try {
      for (const record of new RecordAssembler(2048).push(input)) cap(record.length <= input.length, 'a record longer than the input');
    } catch (e) {
      if (!(e instanceof RecordError)) throw e;
    }
    const reply = decodeReply(input);
    if (!reply.ok) return `err:${reply.error.code}:${reply.error.field}`;
    if (reply.value.kind !== 'accepted' || reply.value.stat !== 'success') return `ok:${reply.value.kind}`;
    const at = reply.value.body.offset;
    const body = (): XdrReader => new XdrReader(input, at);
    const port = decodeGetPort(body());
    if (port.ok) cap(port.value <= 0xffff, 'a port above 65535');
    const dump = decodeDump(body(), MAX_ENTRIES);
    if (dump.ok) cap(dump.value.mappings.length <= MAX_ENTRIES, 'more mappings than the cap');
    const exports = decodeExports(body(), { exports: 4, groups: 4 });
    if (exports.ok) {
      cap(exports.value.exports.length <= 4 && exports.value.exportCount >= exports.value.exports.length, 'exports past the cap');
      for (const e of exports.value.exports) cap(e.dir.length <= MNTPATHLEN && e.groups.length <= 4, 'a path or group list past its cap');
    }
    const mnt = decodeMountResult(body());
    if (mnt.ok && mnt.value.status === 'ok') cap(mnt.value.handle.length <= FHSIZE3, 'a handle over FHSIZE3');
    const dir = decodeReadDirPlus(body(), MAX_ENTRIES);
    if (dir.ok && dir.value.status === 'ok') {
      cap(dir.value.entries.length <= MAX_ENTRIES, 'more entries than the cap');
      for (const e of dir.value.entries) cap(e.name.length <= MAX_NAME_BYTES && (e.handle?.length ?? 0) <= FHSIZE3, 'a name or handle past its cap');
    }
    const names = decodeReadDir(body(), MAX_ENTRIES);
    if (names.ok && names.value.status === 'ok') {
      cap(names.value.entries.length <= MAX_ENTRIES, 'more READDIR entries than the cap');
      for (const e of names.value.entries) cap(e.name.length <= MAX_NAME_BYTES, 'a READDIR name past its cap');
    }
    const lookup = decodeLookup(body());
    if (lookup.ok && lookup.value.status === 'ok') cap(lookup.value.handle.length <= FHSIZE3, 'a LOOKUP handle over FHSIZE3');
    const getattr = decodeGetAttr(body());
    const read = decodeRead(body(), MAX_READ);
    if (read.ok && read.value.status === 'ok') cap(read.value.data.length <= MAX_READ, 'READ data past the cap');
    const bodies = [port.ok, dump.ok, exports.ok, mnt.ok, dir.ok, names.ok, lookup.ok, getattr.ok, read.ok].map((ok, i) => letter(ok, 'pdemrnlgR'[i]!)).join('');
    return `ok:${bodies}`;
  },
};
