/**
 * The MOUNT protocol, program 100005 version 3 (RFC 1813 Appendix I): EXPORT
 * lists what a server exports and to whom, MNT turns an export's path into
 * its root file handle, UMNT says the client is done.
 *
 * Export paths and group names are peer text, kept as bytes here: what is
 * recorded of them is the probe's choice (docs/peer-text.md).
 */
import { decodeXdr, XdrWriter, type XdrDecoded, type XdrReader } from '../sunrpc/xdr.ts';

export const MOUNT_PROGRAM = 100005;
export const MOUNT_V3 = 3;
export const MOUNTPROC3_MNT = 1;
export const MOUNTPROC3_UMNT = 3;
export const MOUNTPROC3_EXPORT = 5;

/** RFC 1813 I.5: MNTPATHLEN, MNTNAMLEN, FHSIZE3. */
export const MNTPATHLEN = 1024;
export const MNTNAMLEN = 255;
export const FHSIZE3 = 64;
/** Authentication flavours one MNT answer may list: a server supports a handful. */
export const MAX_AUTH_FLAVORS = 16;

export interface ExportNode {
  /** ex_dir, as the server sent it. */
  readonly dir: Buffer;
  /** ex_groups kept (at most the decoder's cap), as sent: host names, netgroups, networks, or "*". */
  readonly groups: readonly Buffer[];
  /** Every group the list named, kept or not. */
  readonly groupCount: number;
}

export interface ExportList {
  readonly exports: readonly ExportNode[];
  /** Every export the list named, kept or not. */
  readonly exportCount: number;
}

/** MNT and UMNT take a dirpath (RFC 1813 I.5.3). */
export function encodeDirPath(path: Buffer): Buffer {
  return new XdrWriter().string(path).toBuffer();
}

/**
 * RFC 1813 I.5.5 EXPORT's result: a list of exportnode, each with a list of
 * groupnode. The whole answer is one record, whose size the record reader
 * already bounded; the counts cover the whole of it, the kept entries are capped.
 */
export function decodeExports(body: XdrReader, caps: { readonly exports: number; readonly groups: number }): XdrDecoded<ExportList> {
  return decodeXdr(() => {
    const exports: ExportNode[] = [];
    let exportCount = 0;
    while (body.bool('exports: value follows')) {
      exportCount += 1;
      const dir = body.string(MNTPATHLEN, 'ex_dir');
      const groups: Buffer[] = [];
      let groupCount = 0;
      while (body.bool('ex_groups: value follows')) {
        groupCount += 1;
        const name = body.string(MNTNAMLEN, 'gr_name');
        if (groups.length < caps.groups) groups.push(name);
      }
      if (exports.length < caps.exports) exports.push({ dir, groups, groupCount });
    }
    return { exports, exportCount };
  });
}

export function encodeExports(list: readonly { dir: string; groups: readonly string[] }[]): Buffer {
  const w = new XdrWriter();
  for (const e of list) {
    w.bool(true).string(e.dir);
    for (const g of e.groups) w.bool(true).string(g);
    w.bool(false);
  }
  return w.bool(false).toBuffer();
}

/** RFC 1813 I.5.3 mountstat3. */
export type MountStat = 'ok' | 'perm' | 'noent' | 'io' | 'acces' | 'notdir' | 'inval' | 'nametoolong' | 'notsupp' | 'serverfault' | 'other';
const MOUNT_STATS: Readonly<Record<number, MountStat>> = { 0: 'ok', 1: 'perm', 2: 'noent', 5: 'io', 13: 'acces', 20: 'notdir', 22: 'inval', 63: 'nametoolong', 10004: 'notsupp', 10006: 'serverfault' };

export type MountResult = { readonly status: 'ok'; readonly handle: Buffer; readonly authFlavors: readonly number[] } | { readonly status: Exclude<MountStat, 'ok'>; readonly code: number };

/** RFC 1813 I.5.3 MNT's result: fhstatus3 (mountres3). */
export function decodeMountResult(body: XdrReader): XdrDecoded<MountResult> {
  return decodeXdr((): MountResult => {
    const code = body.uint32('fhs_status');
    const status = MOUNT_STATS[code] ?? 'other';
    if (status !== 'ok') return { status, code };
    const handle = body.opaque(FHSIZE3, 'fhandle');
    const authFlavors = body.array(MAX_AUTH_FLAVORS, 'auth_flavors', (r) => r.uint32('auth flavor'));
    return { status, handle, authFlavors };
  });
}

export function encodeMountResult(result: { handle: Buffer; authFlavors: readonly number[] } | { code: number }): Buffer {
  const w = new XdrWriter();
  if ('code' in result) return w.uint32(result.code).toBuffer();
  w.uint32(0).opaque(result.handle).uint32(result.authFlavors.length);
  for (const f of result.authFlavors) w.uint32(f);
  return w.toBuffer();
}
