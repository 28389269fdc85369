/**
 * Tree-level operations on one session: connect to a share, open, list one
 * page at a time, read the first bytes, close. Statuses come back as values;
 * only a broken conversation throws.
 */
import {
  closeRequest,
  Command,
  createRequest,
  decodeCreateResponse,
  decodeQueryDirectoryResponse,
  decodeReadResponse,
  decodeTreeConnectResponse,
  FILE_ATTRIBUTE_DIRECTORY,
  queryDirectoryRequest,
  readRequest,
  Status,
  treeConnectRequest,
  writeRequest,
  type CreateKind,
  type CreateResponse,
  type DirectoryEntry,
  type TreeConnectResponse,
} from '../../protocols/smb/smb2.ts';
import type { EnoughOf, FileTree, TreeEntry } from '../nas/tree-walk.ts';
import { SmbProtocolError, type SmbClient } from './client.ts';

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly status: number };

export async function treeConnect(client: SmbClient, server: string, share: string): Promise<Outcome<TreeConnectResponse & { treeId: number }>> {
  const m = await client.request(Command.TREE_CONNECT, treeConnectRequest(`\\\\${server}\\${share}`));
  if (m.header.status !== Status.SUCCESS) return { ok: false, status: m.header.status };
  const r = decodeTreeConnectResponse(m);
  if (!r.ok) throw new SmbProtocolError('SMB_MALFORMED', `malformed TREE_CONNECT response (${r.error.field})`);
  return { ok: true, value: { ...r.value, treeId: m.header.treeId } };
}

export async function open(client: SmbClient, treeId: number, name: string, kind: CreateKind, askMaximalAccess = false, signal?: AbortSignal): Promise<Outcome<CreateResponse>> {
  const m = await client.request(Command.CREATE, createRequest(name, kind, askMaximalAccess), treeId, signal);
  if (m.header.status !== Status.SUCCESS) return { ok: false, status: m.header.status };
  const r = decodeCreateResponse(m);
  if (!r.ok) throw new SmbProtocolError('SMB_MALFORMED', `malformed CREATE response (${r.error.field})`);
  return { ok: true, value: r.value };
}

export async function close(client: SmbClient, treeId: number, fileId: Buffer, signal?: AbortSignal): Promise<number> {
  return (await client.request(Command.CLOSE, closeRequest(fileId), treeId, signal)).header.status;
}

/** READ; STATUS_BUFFER_OVERFLOW (a pipe message longer than asked) still carries data. */
export async function read(client: SmbClient, treeId: number, fileId: Buffer, offset: number, length: number, signal?: AbortSignal): Promise<Outcome<Buffer>> {
  const m = await client.request(Command.READ, readRequest(fileId, offset, length), treeId, signal);
  if (m.header.status !== Status.SUCCESS && m.header.status !== Status.BUFFER_OVERFLOW) return { ok: false, status: m.header.status };
  const r = decodeReadResponse(m);
  if (!r.ok) throw new SmbProtocolError('SMB_MALFORMED', `malformed READ response (${r.error.field})`);
  return { ok: true, value: r.value };
}

/** The session's maximal access on the share's root folder (MS-SMB2 3.3.5.9.5), or undefined. */
export async function rootMaximalAccess(client: SmbClient, treeId: number): Promise<number | undefined> {
  const root = await open(client, treeId, '', 'directory', true);
  if (!root.ok) return undefined;
  await close(client, treeId, root.value.fileId);
  return root.value.maximalAccess;
}

export async function write(client: SmbClient, treeId: number, fileId: Buffer, data: Buffer): Promise<number> {
  return (await client.request(Command.WRITE, writeRequest(fileId, data), treeId)).header.status;
}

const PAGE_BYTES = 64 << 10;
const READ_STEP = 4096;
/**
 * QUERY_DIRECTORY pages read for one folder. An empty page ends the listing
 * and every other page adds an entry, so the entry cap bounds the pages
 * already; this bound holds on its own, whatever the cap or those rules become.
 */
const MAX_DIRECTORY_PAGES = 10_000;

/** A share as the walker sees it: every request bounded by the walk's signal. */
export class SmbTree implements FileTree {
  constructor(
    private readonly client: SmbClient,
    private readonly treeId: number,
    private readonly maxEntriesPerFolder: number,
  ) {}

  async list(path: readonly string[], signal: AbortSignal): Promise<readonly TreeEntry[] | undefined> {
    const dir = await open(this.client, this.treeId, path.join('\\'), 'directory', false, signal);
    if (!dir.ok) return undefined;
    const entries: DirectoryEntry[] = [];
    try {
      // One page per QUERY_DIRECTORY (MS-SMB2 3.2.4.17) until STATUS_NO_MORE_FILES or the cap.
      for (let page = 0; entries.length < this.maxEntriesPerFolder && page < MAX_DIRECTORY_PAGES; page++) {
        const m = await this.client.request(Command.QUERY_DIRECTORY, queryDirectoryRequest(dir.value.fileId, PAGE_BYTES, page === 0), this.treeId, signal);
        if (m.header.status === Status.NO_MORE_FILES) break;
        if (m.header.status !== Status.SUCCESS) return undefined;
        const r = decodeQueryDirectoryResponse(m, this.maxEntriesPerFolder - entries.length);
        if (!r.ok) throw new SmbProtocolError('SMB_MALFORMED', `malformed QUERY_DIRECTORY response (${r.error.field})`);
        if (r.value.length === 0) break;
        entries.push(...r.value);
      }
    } finally {
      await closeUnlessCut(this.client, this.treeId, dir.value.fileId, signal);
    }
    return entries.map((e) => ({ name: e.name, kind: (e.attributes & FILE_ATTRIBUTE_DIRECTORY) !== 0 ? 'directory' : 'file', size: e.size }));
  }

  /** Reads 4 KiB at a time and stops when the walk has enough (a header up to Pixel Data), at the end of the file or at the cap. */
  async readHead(path: readonly string[], maxBytes: number, signal: AbortSignal, enough: EnoughOf): Promise<Buffer | undefined> {
    const file = await open(this.client, this.treeId, path.join('\\'), 'file', false, signal);
    if (!file.ok) return undefined;
    let head: Buffer = Buffer.alloc(0);
    try {
      while (head.length < maxBytes) {
        const r = await read(this.client, this.treeId, file.value.fileId, head.length, Math.min(READ_STEP, maxBytes - head.length), signal);
        if (!r.ok || r.value.length === 0) break;
        head = Buffer.concat([head, r.value]);
        const keep = enough(head);
        if (keep !== undefined) return head.subarray(0, keep);
      }
      return head.length > 0 ? head : undefined;
    } finally {
      await closeUnlessCut(this.client, this.treeId, file.value.fileId, signal);
    }
  }
}

/**
 * CLOSE after a walk call, unless the walk's time ran out during it: then the
 * handle is left to the server (it goes with the session), and the caller's
 * error, not a CLOSE nobody waits for, says what happened.
 */
async function closeUnlessCut(client: SmbClient, treeId: number, fileId: Buffer, signal: AbortSignal): Promise<void> {
  if (!signal.aborted) await close(client, treeId, fileId, signal);
}
