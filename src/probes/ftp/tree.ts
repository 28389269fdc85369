/**
 * The FTP side of a share walk: LIST/MLSD folder by folder, and the first
 * bytes of a file by a RETR whose data stops being read once the header is
 * complete. basic-ftp has no "first N bytes": the download goes into a
 * Writable that fails on purpose when it has enough, the library then drops
 * the connection, and the next request logs in again.
 */
import { Writable } from 'node:stream';
import type { Client, FileInfo, FileType } from 'basic-ftp';
import { enoughOfHeader } from '../nas/part10-header.ts';
import type { FileTree, TreeEntry } from '../nas/tree-walk.ts';

class EnoughRead extends Error {
  override readonly name = 'EnoughRead';
}

/** RFC 3659 7.5.5 "perm" fact: c (create), a (append), w (write), m (mkdir), p (purge) mean writes are allowed. */
export function mlsdWritableNames(raw: string): Set<string> {
  const names = new Set<string>();
  for (const line of raw.split(/\r?\n/)) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    const perm = /(?:^|;)perm=([a-z]*)/i.exec(line.slice(0, space));
    if (perm && /[cawmp]/i.test(perm[1] ?? '')) names.add(line.slice(space + 1));
  }
  return names;
}

/**
 * basic-ftp's list parser, a line it cannot read costing that line only: its
 * MLSD reader throws a RangeError on a "modify" fact that is no date (basic-ftp
 * issue 129), which would otherwise lose the whole folder to one entry. A
 * listing in no format it knows still throws, as before.
 */
export function parseListLeniently(parse: (raw: string) => FileInfo[], raw: string): FileInfo[] {
  try {
    return parse(raw);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
  }
  return raw.split(/\r?\n/).flatMap((line) => {
    try {
      return parse(line);
    } catch {
      return [];
    }
  });
}

/** Unix permissions in a LIST line: world-writable, or writable by the anonymous account's owner name. */
function listingSaysWritable(info: FileInfo, mlsdWritable: Set<string>): boolean {
  if (mlsdWritable.has(info.name)) return true;
  const p = info.permissions;
  if (!p) return false;
  const W = 2;
  return (p.world & W) !== 0 || ((info.user === 'ftp' || info.user === 'anonymous') && (p.user & W) !== 0);
}

/**
 * basic-ftp's FileType values, typed as its enum members so that a change of
 * value there fails to compile here; a type import keeps the library out of
 * start-up (session.ts loads it with the first session).
 */
const FILE: FileType.File = 1;
const DIRECTORY: FileType.Directory = 2;

function entryOf(info: FileInfo, mlsdWritable: Set<string>): TreeEntry {
  const kind = info.type === DIRECTORY ? 'directory' : info.type === FILE ? 'file' : 'other';
  const size = Number.isSafeInteger(info.size) && info.size > 0 ? info.size : 0;
  return { name: info.name, kind, size, writable: listingSaysWritable(info, mlsdWritable) };
}

export function remotePath(path: readonly string[]): string {
  return `/${path.join('/')}`;
}

export class FtpTree implements FileTree {
  private client: Client | undefined;
  private mlsdWritable = new Set<string>();
  reconnects = 0;

  constructor(
    private readonly connect: () => Promise<Client>,
    private readonly maxReconnects: number,
  ) {}

  async session(): Promise<Client> {
    if (this.client && !this.client.closed) return this.client;
    if (this.client) {
      if (this.reconnects >= this.maxReconnects) throw new Error('reconnect budget spent');
      this.reconnects += 1;
    }
    const client = await this.connect();
    const parse = client.parseList.bind(client);
    client.parseList = (raw: string) => {
      this.mlsdWritable = mlsdWritableNames(raw);
      return parseListLeniently(parse, raw);
    };
    this.client = client;
    return client;
  }

  close(): void {
    this.client?.close();
  }

  async list(path: readonly string[]): Promise<readonly TreeEntry[] | undefined> {
    try {
      const client = await this.session();
      this.mlsdWritable = new Set();
      const infos = await client.list(remotePath(path));
      return infos.map((i) => entryOf(i, this.mlsdWritable));
    } catch {
      return undefined;
    }
  }

  async readHead(path: readonly string[], maxBytes: number): Promise<Buffer | undefined> {
    const chunks: Buffer[] = [];
    let length = 0;
    let kept: Buffer | undefined;
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        length += chunk.length;
        const all = Buffer.concat(chunks, length);
        const enough = enoughOfHeader(all);
        if (enough !== undefined || length >= maxBytes) {
          // Keep only what precedes Pixel Data (or the cap); the rest is dropped unread.
          kept = all.subarray(0, Math.min(enough ?? maxBytes, maxBytes));
          done(new EnoughRead());
          return;
        }
        chunks.length = 0;
        chunks.push(all);
        done();
      },
    });
    let client: Client;
    try {
      client = await this.session();
    } catch {
      return undefined;
    }
    try {
      await client.downloadTo(sink, remotePath(path));
      return Buffer.concat(chunks, length).subarray(0, maxBytes);
    } catch {
      if (kept === undefined) return undefined;
      // The library has given up on this transfer: start afresh for the next request.
      client.close();
      return kept;
    }
  }
}
