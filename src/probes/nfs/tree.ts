/**
 * A mounted NFS export as the shared walker sees it (probes/nas/): a folder is
 * listed with READDIRPLUS, page by page, and a file's first bytes come from
 * READ, no further than the walk needs. A server that does not support READDIRPLUS (NFS3ERR_NOTSUPP, or the
 * procedure unavailable) is listed with READDIR for the rest of the walk, and
 * what READDIR leaves out comes from LOOKUP (handle, and mostly attributes)
 * and GETATTR (attributes LOOKUP did not send), for the entries the walk's
 * entry cap still counts. Handles are kept in memory only, with the names
 * they were found under. Nothing is ever written.
 */
import {
  decodeGetAttr,
  decodeLookup,
  decodeRead,
  decodeReadDir,
  decodeReadDirPlus,
  encodeHandle,
  encodeLookup,
  encodeRead,
  encodeReadDir,
  encodeReadDirPlus,
  NFS_PROGRAM,
  NFS_V3,
  NFSPROC3_GETATTR,
  NFSPROC3_LOOKUP,
  NFSPROC3_READ,
  NFSPROC3_READDIR,
  NFSPROC3_READDIRPLUS,
  type DirectoryPage,
  type Failed,
  type FileAttributes,
} from '../../protocols/nfs/nfs3.ts';
import type { Credential } from '../../protocols/sunrpc/rpc.ts';
import type { XdrDecoded } from '../../protocols/sunrpc/xdr.ts';
import type { EnoughOf, FileTree, TreeEntry } from '../nas/tree-walk.ts';
import { RpcProtocolError, type RpcSession } from './rpc-session.ts';

/** READDIRPLUS asks for pages of this size (RFC 1813 3.3.17 dircount and maxcount): a few hundred entries each. */
const DIR_COUNT = 8 << 10;
const MAX_COUNT = 32 << 10;
/** Entries kept from one page: a 32 KiB page holds fewer than 300 real ones. */
const MAX_PAGE_ENTRIES = 1024;
/** Pages read for one folder at most: a server that never says "end of folder" is cut here (or by the entry cap). */
const MAX_PAGES = 256;
/** READ calls for one header at most: a server may answer with fewer bytes than asked. */
const MAX_READS = 8;
/** What the first READ of a file asks for: most DICOM headers end within it (PS3.10 preamble, meta, a few hundred bytes of attributes). */
const FIRST_READ = 4 << 10;

const EMPTY_VERIFIER = Buffer.alloc(8);
const FIRST_COOKIE = Buffer.alloc(8);

function decoded<T>(result: XdrDecoded<T>, what: string): T {
  if (!result.ok) throw new RpcProtocolError('RPC_MALFORMED', `${what}: ${result.error.field} at offset ${result.error.offset}`);
  return result.value;
}

/** A path as a map key: JSON keeps each name whole, whatever bytes it holds. */
const handleKey = (path: readonly string[]): string => JSON.stringify(path);

export class NfsTree implements FileTree {
  /** File handles by path (handleKey; the root's is the empty path's); keyed so that a peer's name holding "/" cannot alias another folder's handle. */
  private readonly handles = new Map<string, Buffer>();
  private entriesSeen = 0;
  /** Whether folders are listed with READDIRPLUS: once the server says it does not support it, READDIR. */
  private plus = true;

  constructor(
    private readonly session: RpcSession,
    private readonly credential: Credential,
    root: Buffer,
    /** The walk's entry cap: listings stop reading pages once past it. */
    private readonly maxEntries: number,
  ) {
    this.handles.set(handleKey([]), root);
  }

  async list(path: readonly string[], signal: AbortSignal): Promise<readonly TreeEntry[] | undefined> {
    const dir = await this.handleOf(path, signal);
    if (dir === undefined) return undefined;
    const out: TreeEntry[] = [];
    let cookie: Buffer = FIRST_COOKIE;
    let verifier: Buffer = EMPTY_VERIFIER;
    for (let page = 0; page < MAX_PAGES && this.entriesSeen <= this.maxEntries; page++) {
      const result = await this.page(dir, cookie, verifier, signal);
      if (result.status !== 'ok') return out.length > 0 ? out : undefined;
      for (const e of result.entries) {
        // latin1: one character per byte, so two names never read as one (UTF-8 would make every invalid byte U+FFFD) and LOOKUP sends the server its own bytes back.
        const name = e.name.toString('latin1');
        if (name === '.' || name === '..') continue;
        this.entriesSeen += 1;
        const entryPath = [...path, name];
        if (e.handle) this.handles.set(handleKey(entryPath), e.handle);
        // An entry past the walk's cap is never looked at: no LOOKUP or GETATTR is spent on it.
        const attributes = e.attributes ?? (this.entriesSeen <= this.maxEntries ? await this.attributesOf(entryPath, signal) : undefined);
        out.push({ name, kind: attributes?.type ?? 'other', size: attributes?.size ?? 0 });
      }
      // A page without entries that does not end the folder would be asked for again and again.
      if (result.eof || result.entries.length === 0) return out;
      cookie = result.entries.at(-1)!.cookie;
      verifier = result.cookieVerifier;
    }
    return out;
  }

  /** One page of a folder: READDIRPLUS while the server supports it, READDIR once it says it does not. */
  private async page(dir: Buffer, cookie: Buffer, verifier: Buffer, signal: AbortSignal): Promise<DirectoryPage | Failed> {
    if (this.plus) {
      const result = await this.session
        .call(NFS_PROGRAM, NFS_V3, NFSPROC3_READDIRPLUS, this.credential, encodeReadDirPlus(dir, cookie, verifier, DIR_COUNT, MAX_COUNT), signal)
        .then(
          (body) => decoded(decodeReadDirPlus(body, MAX_PAGE_ENTRIES), 'READDIRPLUS reply'),
          (err: unknown) => {
            // RFC 1813 3.3.17: a server may not support READDIRPLUS; some leave the procedure out altogether.
            if (err instanceof RpcProtocolError && err.code === 'RPC_PROC_UNAVAIL') return undefined;
            throw err;
          },
        );
      if (result !== undefined && result.status !== 'notsupp') return result;
      this.plus = false;
    }
    const body = await this.session.call(NFS_PROGRAM, NFS_V3, NFSPROC3_READDIR, this.credential, encodeReadDir(dir, cookie, verifier, MAX_COUNT), signal);
    return decoded(decodeReadDir(body, MAX_PAGE_ENTRIES), 'READDIR reply');
  }

  /**
   * The file's first bytes, READ by READ until `enough` says the walk has what
   * it needs (a header up to Pixel Data, 132 bytes of a file that is not
   * DICOM), at the end of the file, or at the cap. The first READ asks for
   * 4 KiB, which holds most headers whole; each next one asks for twice as
   * much, so a long header still takes few calls (64 KiB in five).
   */
  async readHead(path: readonly string[], maxBytes: number, signal: AbortSignal, enough: EnoughOf): Promise<Buffer | undefined> {
    const file = await this.handleOf(path, signal);
    if (file === undefined) return undefined;
    let head: Buffer = Buffer.alloc(0);
    let ask = FIRST_READ;
    for (let i = 0; i < MAX_READS && head.length < maxBytes; i++, ask *= 2) {
      const count = Math.min(ask, maxBytes - head.length);
      const body = await this.session.call(NFS_PROGRAM, NFS_V3, NFSPROC3_READ, this.credential, encodeRead(file, head.length, count), signal);
      const result = decoded(decodeRead(body, count), 'READ reply');
      if (result.status !== 'ok') return head.length > 0 ? head : undefined;
      head = Buffer.concat([head, result.data]);
      const keep = enough(head);
      if (keep !== undefined) return head.subarray(0, keep);
      if (result.eof || result.data.length === 0) break;
    }
    return head;
  }

  /** The handle of `path`, from a listing or by LOOKUP in its parent; undefined when the server has none. */
  private async handleOf(path: readonly string[], signal: AbortSignal): Promise<Buffer | undefined> {
    const known = this.handles.get(handleKey(path));
    if (known !== undefined || path.length === 0) return known;
    return (await this.lookUp(path, signal))?.handle;
  }

  /** LOOKUP of `path`'s last name in its parent: its handle (kept) and the attributes the server sent with it. */
  private async lookUp(path: readonly string[], signal: AbortSignal): Promise<{ readonly handle: Buffer; readonly attributes?: FileAttributes } | undefined> {
    const parent = await this.handleOf(path.slice(0, -1), signal);
    if (parent === undefined) return undefined;
    const body = await this.session.call(NFS_PROGRAM, NFS_V3, NFSPROC3_LOOKUP, this.credential, encodeLookup(parent, Buffer.from(path.at(-1)!, 'latin1')), signal);
    const result = decoded(decodeLookup(body), 'LOOKUP reply');
    if (result.status !== 'ok') return undefined;
    this.handles.set(handleKey(path), result.handle);
    return result;
  }

  /** The type and size of an entry a listing gave no attributes for: from LOOKUP, else GETATTR on its handle. */
  private async attributesOf(path: readonly string[], signal: AbortSignal): Promise<FileAttributes | undefined> {
    let handle = this.handles.get(handleKey(path));
    if (handle === undefined) {
      const found = await this.lookUp(path, signal);
      if (found?.attributes !== undefined || found === undefined) return found?.attributes;
      handle = found.handle;
    }
    const result = decoded(decodeGetAttr(await this.session.call(NFS_PROGRAM, NFS_V3, NFSPROC3_GETATTR, this.credential, encodeHandle(handle), signal)), 'GETATTR reply');
    return result.status === 'ok' ? result.attributes : undefined;
  }
}
