/**
 * A mounted NFS export as the shared walker sees it (probes/nas/): a folder is
 * listed with READDIRPLUS, page by page, and a file's first bytes come from
 * READ. Handles are looked up as the walk goes (LOOKUP when READDIRPLUS left
 * one out) and kept in memory only, with the names they were found under.
 * Nothing is ever written.
 */
import { decodeLookup, decodeRead, decodeReadDirPlus, encodeLookup, encodeRead, encodeReadDirPlus, NFS_PROGRAM, NFS_V3, NFSPROC3_LOOKUP, NFSPROC3_READ, NFSPROC3_READDIRPLUS, type FileType } from '../../protocols/nfs/nfs3.ts';
import type { Credential } from '../../protocols/sunrpc/rpc.ts';
import type { XdrDecoded } from '../../protocols/sunrpc/xdr.ts';
import type { FileTree, TreeEntry } from '../nas/tree-walk.ts';
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

const EMPTY_VERIFIER = Buffer.alloc(8);
const FIRST_COOKIE = Buffer.alloc(8);

function decoded<T>(result: XdrDecoded<T>, what: string): T {
  if (!result.ok) throw new RpcProtocolError('RPC_MALFORMED', `${what}: ${result.error.field} at offset ${result.error.offset}`);
  return result.value;
}

export class NfsTree implements FileTree {
  /** Handles by path ("a/b", "" for the root). */
  private readonly handles = new Map<string, Buffer>();
  private entriesSeen = 0;

  constructor(
    private readonly session: RpcSession,
    private readonly credential: Credential,
    root: Buffer,
    /** The walk's entry cap: listings stop reading pages once past it. */
    private readonly maxEntries: number,
  ) {
    this.handles.set('', root);
  }

  async list(path: readonly string[], signal: AbortSignal): Promise<readonly TreeEntry[] | undefined> {
    const dir = await this.handleOf(path, signal);
    if (dir === undefined) return undefined;
    const out: TreeEntry[] = [];
    let cookie: Buffer = FIRST_COOKIE;
    let verifier: Buffer = EMPTY_VERIFIER;
    for (let page = 0; page < MAX_PAGES && this.entriesSeen <= this.maxEntries; page++) {
      const body = await this.session.call(NFS_PROGRAM, NFS_V3, NFSPROC3_READDIRPLUS, this.credential, encodeReadDirPlus(dir, cookie, verifier, DIR_COUNT, MAX_COUNT), signal);
      const result = decoded(decodeReadDirPlus(body, MAX_PAGE_ENTRIES), 'READDIRPLUS reply');
      if (result.status !== 'ok') return out.length > 0 ? out : undefined;
      for (const e of result.entries) {
        const name = e.name.toString('utf8');
        if (name === '.' || name === '..') continue;
        this.entriesSeen += 1;
        const kind: FileType = e.attributes?.type ?? 'other';
        out.push({ name, kind, size: e.attributes?.size ?? 0 });
        if (e.handle) this.handles.set([...path, name].join('/'), e.handle);
      }
      // A page without entries that does not end the folder would be asked for again and again.
      if (result.eof || result.entries.length === 0) return out;
      cookie = result.entries.at(-1)!.cookie;
      verifier = result.cookieVerifier;
    }
    return out;
  }

  async readHead(path: readonly string[], maxBytes: number, signal: AbortSignal): Promise<Buffer | undefined> {
    const file = await this.handleOf(path, signal);
    if (file === undefined) return undefined;
    const parts: Buffer[] = [];
    let have = 0;
    for (let i = 0; i < MAX_READS && have < maxBytes; i++) {
      const body = await this.session.call(NFS_PROGRAM, NFS_V3, NFSPROC3_READ, this.credential, encodeRead(file, have, maxBytes - have), signal);
      const result = decoded(decodeRead(body, maxBytes - have), 'READ reply');
      if (result.status !== 'ok') return parts.length > 0 ? Buffer.concat(parts) : undefined;
      parts.push(result.data);
      have += result.data.length;
      if (result.eof || result.data.length === 0) break;
    }
    return Buffer.concat(parts);
  }

  /** The handle of `path`, from a listing or by LOOKUP in its parent; undefined when the server has none. */
  private async handleOf(path: readonly string[], signal: AbortSignal): Promise<Buffer | undefined> {
    const known = this.handles.get(path.join('/'));
    if (known !== undefined || path.length === 0) return known;
    const parent = await this.handleOf(path.slice(0, -1), signal);
    if (parent === undefined) return undefined;
    const body = await this.session.call(NFS_PROGRAM, NFS_V3, NFSPROC3_LOOKUP, this.credential, encodeLookup(parent, Buffer.from(path.at(-1)!, 'utf8')), signal);
    const result = decoded(decodeLookup(body), 'LOOKUP reply');
    if (result.status !== 'ok') return undefined;
    this.handles.set(path.join('/'), result.handle);
    return result.handle;
  }
}
