/**
 * The sender's file list (rsync's flist.c send_file_entry / recv_file_entry),
 * as a daemon sends it to a client that asked for `--server --sender -r`
 * with no -l, -o, -g, -D, -H or -c (daemon.ts listArguments): each entry is
 *
 *   xflags     byte, and a second one when XMIT_EXTENDED_FLAGS (protocol 28 on)
 *   [l1]       byte: characters shared with the previous name (XMIT_SAME_NAME)
 *   l2         byte, or varint30 when XMIT_LONG_NAME
 *   name       l2 bytes
 *   length     varlong(3) from protocol 30, longint before
 *   [mtime]    varlong(4) from 30, int32 before (unless XMIT_SAME_TIME)
 *   [nsec]     varint (XMIT_MOD_NSEC, protocol 31 on)
 *   [mode]     int32 (unless XMIT_SAME_MODE)
 *
 * and a zero flags byte ends the list (protocol 31 may end it with
 * XMIT_EXTENDED_FLAGS|XMIT_IO_ERROR_ENDLIST and a varint error code).
 *
 * Decoding is one entry at a time over the bytes in hand, with the previous
 * entry's name, time and mode as state: a `truncated` answer means "call again
 * from the same offset when more bytes have come". Names are kept as latin1
 * strings, byte for byte, so the probe can send one back to ask for that file.
 */
import { Malformed, Truncated, WireCursor } from './wire.ts';

/** rsync.h XMIT_* bits. */
const Xmit = {
  TOP_DIR: 1 << 0,
  SAME_MODE: 1 << 1,
  EXTENDED_FLAGS: 1 << 2,
  SAME_UID: 1 << 3,
  SAME_GID: 1 << 4,
  SAME_NAME: 1 << 5,
  LONG_NAME: 1 << 6,
  SAME_TIME: 1 << 7,
  /** Directories, protocol 30 on. */
  NO_CONTENT_DIR: 1 << 8,
  HLINKED: 1 << 9,
  USER_NAME_FOLLOWS: 1 << 10,
  GROUP_NAME_FOLLOWS: 1 << 11,
  HLINK_FIRST: 1 << 12,
  IO_ERROR_ENDLIST: 1 << 12,
  MOD_NSEC: 1 << 13,
} as const;

/** rsync's MAXPATHLEN: a name (or the part shared with the previous one, plus the rest) is shorter. */
const MAX_PATH_BYTES = 4096;
/** The largest entry this decoder can be waiting on: flags, lengths, a full name, and every number at its widest. */
export const MAX_ENTRY_BYTES = 2 + 1 + 5 + MAX_PATH_BYTES + 12 + 9 + 5 + 4;

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

export type EntryKind = 'file' | 'directory' | 'other';

export interface FileListEntry {
  /** The path from the transfer's root, "/"-separated, as the sender wrote it (latin1: one character per byte). */
  readonly name: string;
  readonly kind: EntryKind;
  readonly length: number;
}

/** What the decoder carries from one entry to the next (flist.c's statics). */
export interface EntryState {
  readonly lastName: string;
  readonly mtime: number;
  readonly mode: number;
}

export const INITIAL_STATE: EntryState = { lastName: '', mtime: 0, mode: 0 };

export type EntryResult =
  | { readonly kind: 'entry'; readonly entry: FileListEntry; readonly state: EntryState; readonly next: number }
  | { readonly kind: 'end'; readonly next: number }
  | { readonly kind: 'truncated' }
  | { readonly kind: 'malformed'; readonly field: string; readonly message: string };

function kindOfMode(mode: number): EntryKind {
  const type = mode & S_IFMT;
  return type === S_IFDIR ? 'directory' : type === S_IFREG ? 'file' : 'other';
}

/** Decodes the entry (or the end of the list) at `offset`. Never throws. */
export function decodeEntry(buf: Buffer, offset: number, state: EntryState, protocol: number): EntryResult {
  const c = new WireCursor(buf, offset);
  try {
    let flags = c.byte();
    if (flags === 0) return { kind: 'end', next: c.offset };
    if (protocol >= 28 && (flags & Xmit.EXTENDED_FLAGS) !== 0) flags |= c.byte() << 8;
    if (protocol >= 31 && flags === (Xmit.EXTENDED_FLAGS | Xmit.IO_ERROR_ENDLIST)) {
      c.varint('io_error at the end of the list');
      return { kind: 'end', next: c.offset };
    }
    // We asked for no hard links (-H): a reference to an earlier entry is not an answer to our request.
    if (protocol >= 30 && (flags & Xmit.HLINKED) !== 0) throw new Malformed('xflags', 'hard-link data that was not asked for');
    const l1 = (flags & Xmit.SAME_NAME) !== 0 ? c.byte() : 0;
    if (l1 > state.lastName.length) throw new Malformed('name prefix', 'longer than the previous name');
    const l2 = (flags & Xmit.LONG_NAME) !== 0 ? (protocol >= 30 ? c.varint('name length') : c.int32()) : c.byte();
    if (l2 < 0 || l1 + l2 >= MAX_PATH_BYTES) throw new Malformed('name length', `${l2} bytes after ${l1} shared`);
    const name = state.lastName.slice(0, l1) + c.bytes(l2).toString('latin1');
    const length = protocol >= 30 ? c.varlong(3, 'file length') : c.longint('file length');
    if (length < 0) throw new Malformed('file length', 'negative');
    let mtime = state.mtime;
    if ((flags & Xmit.SAME_TIME) === 0) mtime = protocol >= 30 ? c.varlong(4, 'modification time') : c.int32();
    if (protocol >= 31 && (flags & Xmit.MOD_NSEC) !== 0) c.varint('modification time nanoseconds');
    let mode = state.mode;
    if ((flags & Xmit.SAME_MODE) === 0) mode = c.int32() >>> 0;
    if (name.length === 0) throw new Malformed('name', 'empty');
    return { kind: 'entry', entry: { name, kind: kindOfMode(mode), length }, state: { lastName: name, mtime, mode }, next: c.offset };
  } catch (err) {
    if (err instanceof Truncated) return { kind: 'truncated' };
    if (err instanceof Malformed) return { kind: 'malformed', field: err.field, message: err.message };
    throw err;
  }
}

/**
 * The components of an entry's path, or undefined for one that would leave
 * the module ("..") or names nothing: flist.c clean_fname drops empty and "."
 * components; a sender's ".." is refused by rsync's receiver too.
 */
export function pathOf(name: string): string[] | undefined {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return undefined;
  return parts;
}
