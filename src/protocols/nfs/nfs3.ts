/**
 * NFS version 3, program 100003 (RFC 1813): the read-only procedures a walk
 * needs. READDIRPLUS lists a folder with each entry's attributes and handle;
 * READDIR lists names only, for servers that do not support READDIRPLUS;
 * LOOKUP finds a handle a listing left out, GETATTR the attributes LOOKUP
 * left out, READ takes a file's first bytes. Nothing here writes.
 */
import { decodeXdr, XdrWriter, type XdrDecoded, type XdrReader } from '../sunrpc/xdr.ts';
import { FHSIZE3 } from './mount.ts';

export const NFS_PROGRAM = 100003;
export const NFS_V3 = 3;
export const NFSPROC3_GETATTR = 1;
export const NFSPROC3_LOOKUP = 3;
export const NFSPROC3_READ = 6;
export const NFSPROC3_READDIR = 16;
export const NFSPROC3_READDIRPLUS = 17;

/** A file name read from a listing: NFS names are components (Linux NAME_MAX 255); 1024 leaves room for any server. */
export const MAX_NAME_BYTES = 1024;

/** RFC 1813 2.6 nfsstat3, the ones a read-only walk meets. */
export type NfsStat = 'ok' | 'perm' | 'noent' | 'io' | 'acces' | 'notdir' | 'inval' | 'stale' | 'badhandle' | 'bad-cookie' | 'notsupp' | 'toosmall' | 'serverfault' | 'jukebox' | 'other';
const NFS_STATS: Readonly<Record<number, NfsStat>> = {
  0: 'ok',
  1: 'perm',
  2: 'noent',
  5: 'io',
  13: 'acces',
  20: 'notdir',
  22: 'inval',
  70: 'stale',
  10001: 'badhandle',
  10003: 'bad-cookie',
  10004: 'notsupp',
  10005: 'toosmall',
  10006: 'serverfault',
  10008: 'jukebox',
};

/** RFC 1813 2.6 ftype3. */
export type FileType = 'file' | 'directory' | 'other';
const NF3REG = 1;
const NF3DIR = 2;

export interface FileAttributes {
  readonly type: FileType;
  readonly size: number;
}

/** RFC 1813 2.6 fattr3: 21 words; the walk keeps the type and size. */
function readFattr3(r: XdrReader): FileAttributes {
  const ftype = r.uint32('fattr3 type');
  r.fixedOpaque(16, 'fattr3 mode, nlink, uid, gid');
  const size = r.uint64('fattr3 size');
  r.fixedOpaque(8 + 8 + 8 + 8 + 24, 'fattr3 used, rdev, fsid, fileid, times');
  return { type: ftype === NF3REG ? 'file' : ftype === NF3DIR ? 'directory' : 'other', size };
}

/** RFC 1813 2.6 post_op_attr. */
function readPostOpAttr(r: XdrReader, field: string): FileAttributes | undefined {
  return r.bool(`${field} attributes_follow`) ? readFattr3(r) : undefined;
}

function statusOf(code: number): NfsStat {
  return NFS_STATS[code] ?? 'other';
}

export function encodeHandle(handle: Buffer): Buffer {
  return new XdrWriter().opaque(handle).toBuffer();
}

export type Failed = { readonly status: Exclude<NfsStat, 'ok'>; readonly code: number };

/** RFC 1813 3.3.3 LOOKUP3args: diropargs3. */
export function encodeLookup(dir: Buffer, name: Buffer): Buffer {
  return new XdrWriter().opaque(dir).string(name).toBuffer();
}

export function decodeLookup(body: XdrReader): XdrDecoded<{ readonly status: 'ok'; readonly handle: Buffer; readonly attributes?: FileAttributes } | Failed> {
  return decodeXdr(() => {
    const code = body.uint32('LOOKUP3res status');
    const status = statusOf(code);
    if (status !== 'ok') return { status, code };
    const handle = body.opaque(FHSIZE3, 'object');
    const attributes = readPostOpAttr(body, 'obj');
    return attributes ? { status, handle, attributes } : { status, handle };
  });
}

/** RFC 1813 3.3.1 GETATTR3res: the attributes themselves (fattr3, not post_op_attr) when it succeeds. */
export function decodeGetAttr(body: XdrReader): XdrDecoded<{ readonly status: 'ok'; readonly attributes: FileAttributes } | Failed> {
  return decodeXdr(() => {
    const code = body.uint32('GETATTR3res status');
    const status = statusOf(code);
    if (status !== 'ok') return { status, code };
    return { status, attributes: readFattr3(body) };
  });
}

/** RFC 1813 3.3.6 READ3args: file, offset, count. */
export function encodeRead(handle: Buffer, offset: number, count: number): Buffer {
  return new XdrWriter().opaque(handle).uint64(offset).uint32(count).toBuffer();
}

/** READ3resok: at most `maxBytes` of data accepted, whatever count the server declares. */
export function decodeRead(body: XdrReader, maxBytes: number): XdrDecoded<{ readonly status: 'ok'; readonly data: Buffer; readonly eof: boolean } | Failed> {
  return decodeXdr(() => {
    const code = body.uint32('READ3res status');
    const status = statusOf(code);
    readPostOpAttr(body, 'file');
    if (status !== 'ok') return { status, code };
    body.uint32('count');
    const eof = body.bool('eof');
    const data = body.opaque(maxBytes, 'data');
    return { status, data, eof };
  });
}

export interface DirectoryEntry {
  /** The name as the server sent it: peer text, never stored. */
  readonly name: Buffer;
  readonly cookie: Buffer;
  readonly attributes?: FileAttributes;
  readonly handle?: Buffer;
}

export interface DirectoryPage {
  readonly status: 'ok';
  readonly cookieVerifier: Buffer;
  readonly entries: readonly DirectoryEntry[];
  /** The server said this page ends the folder. */
  readonly eof: boolean;
  /** The page held more entries than the decoder keeps. */
  readonly cut: boolean;
}

/** RFC 1813 3.3.17 READDIRPLUS3args: dir, cookie, cookieverf, dircount, maxcount. */
export function encodeReadDirPlus(dir: Buffer, cookie: Buffer, cookieVerifier: Buffer, dirCount: number, maxCount: number): Buffer {
  return new XdrWriter().opaque(dir).fixedOpaque(cookie).fixedOpaque(cookieVerifier).uint32(dirCount).uint32(maxCount).toBuffer();
}

/**
 * READDIR3res and READDIRPLUS3res share their frame: a status, the folder's
 * attributes, the cookie verifier, a list of entries (at most `maxEntries`
 * kept) and eof; only an entry's layout differs.
 */
function decodeDirectoryPage(body: XdrReader, maxEntries: number, names: { readonly result: string; readonly entry: string }, readEntry: (r: XdrReader) => DirectoryEntry): XdrDecoded<DirectoryPage | Failed> {
  return decodeXdr((): DirectoryPage | Failed => {
    const code = body.uint32(`${names.result} status`);
    const status = statusOf(code);
    readPostOpAttr(body, 'dir');
    if (status !== 'ok') return { status, code };
    const cookieVerifier = body.fixedOpaque(8, 'cookieverf');
    const { items, cut } = body.linkedList(maxEntries, names.entry, readEntry);
    const eof = cut ? false : body.bool('eof');
    return { status, cookieVerifier, entries: items, eof, cut };
  });
}

/** READDIRPLUS3res: each entry with its attributes and handle when the server sends them. */
export function decodeReadDirPlus(body: XdrReader, maxEntries: number): XdrDecoded<DirectoryPage | Failed> {
  return decodeDirectoryPage(body, maxEntries, { result: 'READDIRPLUS3res', entry: 'entryplus3' }, (r): DirectoryEntry => {
    r.uint64('fileid');
    const name = r.string(MAX_NAME_BYTES, 'name');
    const cookie = r.hyperBytes('cookie');
    const attributes = readPostOpAttr(r, 'name');
    const handle = r.bool('name_handle handle_follows') ? r.opaque(FHSIZE3, 'name_handle') : undefined;
    return { name, cookie, ...(attributes ? { attributes } : {}), ...(handle ? { handle } : {}) };
  });
}

/** RFC 1813 3.3.16 READDIR3args: dir, cookie, cookieverf, count. */
export function encodeReadDir(dir: Buffer, cookie: Buffer, cookieVerifier: Buffer, count: number): Buffer {
  return new XdrWriter().opaque(dir).fixedOpaque(cookie).fixedOpaque(cookieVerifier).uint32(count).toBuffer();
}

/** READDIR3res: names and cookies only (entry3). */
export function decodeReadDir(body: XdrReader, maxEntries: number): XdrDecoded<DirectoryPage | Failed> {
  return decodeDirectoryPage(body, maxEntries, { result: 'READDIR3res', entry: 'entry3' }, (r): DirectoryEntry => {
    r.uint64('fileid');
    const name = r.string(MAX_NAME_BYTES, 'name');
    return { name, cookie: r.hyperBytes('cookie') };
  });
}

/** The server side of the procedures above, for the lab's hostile servers and tests. */
export function encodeFattr3(a: FileAttributes): Buffer {
  const type = a.type === 'file' ? NF3REG : a.type === 'directory' ? NF3DIR : 5;
  return new XdrWriter()
    .uint32(type)
    .uint32(a.type === 'directory' ? 0o755 : 0o644)
    .uint32(1)
    .uint32(0)
    .uint32(0)
    .uint64(a.size)
    .uint64(a.size)
    .bytes(Buffer.alloc(8 + 8 + 8 + 24))
    .toBuffer();
}

export function encodeReadDirPlusPage(page: { cookieVerifier: Buffer; entries: readonly { name: string | Buffer; cookie: number; attributes?: FileAttributes; handle?: Buffer }[]; eof: boolean }): Buffer {
  const w = new XdrWriter().uint32(0).bool(false).fixedOpaque(page.cookieVerifier);
  for (const e of page.entries) {
    w.bool(true).uint64(e.cookie).string(e.name).uint64(e.cookie);
    if (e.attributes) w.bool(true).bytes(encodeFattr3(e.attributes));
    else w.bool(false);
    if (e.handle) w.bool(true).opaque(e.handle);
    else w.bool(false);
  }
  return w.bool(false).bool(page.eof).toBuffer();
}

export function encodeReadResult(data: Buffer, eof: boolean): Buffer {
  return new XdrWriter().uint32(0).bool(false).uint32(data.length).bool(eof).opaque(data).toBuffer();
}

export function encodeNfsError(code: number): Buffer {
  return new XdrWriter().uint32(code).bool(false).toBuffer();
}

export function encodeReadDirPage(page: { cookieVerifier: Buffer; entries: readonly { name: string | Buffer; cookie: number }[]; eof: boolean }): Buffer {
  const w = new XdrWriter().uint32(0).bool(false).fixedOpaque(page.cookieVerifier);
  for (const e of page.entries) w.bool(true).uint64(e.cookie).string(e.name).uint64(e.cookie);
  return w.bool(false).bool(page.eof).toBuffer();
}

export function encodeLookupResult(handle: Buffer, attributes?: FileAttributes): Buffer {
  const w = new XdrWriter().uint32(0).opaque(handle);
  if (attributes) w.bool(true).bytes(encodeFattr3(attributes));
  else w.bool(false);
  return w.bool(false).toBuffer();
}

export function encodeGetAttrResult(attributes: FileAttributes): Buffer {
  return new XdrWriter().uint32(0).bytes(encodeFattr3(attributes)).toBuffer();
}
