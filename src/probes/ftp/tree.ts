/**
 * The FTP side of a share walk: LIST/MLSD folder by folder, and the first
 * bytes of a file by a RETR whose data stops being read once the walk has
 * enough (a header up to Pixel Data, a text file's first KiB). basic-ftp has no "first N bytes": the download goes into a
 * Writable that fails on purpose when it has enough, the library then drops
 * the connection, and the next request logs in again.
 */
import { Writable } from 'node:stream';
import type { Client, FileInfo, FileType } from 'basic-ftp';
import type { EnoughOf, FileTree, TreeEntry } from '../nas/tree-walk.ts';

class EnoughRead extends Error {
  override readonly name = 'EnoughRead';
}

/**
 * Longest listing line handed to the parser: one name (NAME_MAX is 255 bytes
 * on common file systems) and its facts fit many times over in PATH_MAX, 4096.
 * A longer line is no entry of a real listing, and is dropped unparsed.
 */
export const MAX_LISTING_LINE_CHARS = 4096;
/** Lines kept beyond the walk's entry cap: ".", "..", a "total" line and one entry past the cap, at which tree-walk.ts stops. */
const LISTING_SLACK_LINES = 4;

/**
 * The part of a raw listing worth parsing: at most `maxLines` non-blank lines
 * of at most MAX_LISTING_LINE_CHARS each. basic-ftp makes one FileInfo per
 * line, and a 4 MiB listing (the byte cap, session.ts) of 3-byte MLSD lines
 * would be 1.4 million of them; the walk reads no more than its entry cap anyway.
 */
export function boundListing(raw: string, maxLines: number): string {
  const kept: string[] = [];
  let start = 0;
  while (start < raw.length && kept.length < maxLines) {
    const newline = raw.indexOf('\n', start);
    const end = newline < 0 ? raw.length : newline;
    const line = raw.slice(start, end);
    if (line.length <= MAX_LISTING_LINE_CHARS && line.trim() !== '') kept.push(line);
    start = end + 1;
  }
  return kept.join('\n');
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

/**
 * Runs `work` on `client`, closing the client if `signal` aborts first: basic-ftp
 * then rejects what it was waiting for (a reply, a file trickling in) at once.
 */
async function within<T>(client: Client, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  const stop = (): void => client.close();
  if (signal.aborted) stop();
  signal.addEventListener('abort', stop, { once: true });
  try {
    return await work();
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

export class FtpTree implements FileTree {
  private client: Client | undefined;
  private mlsdWritable = new Set<string>();
  reconnects = 0;

  constructor(
    /** Opens and logs in a new session; its dial, greeting and login stop when `signal` aborts. */
    private readonly connect: (signal: AbortSignal) => Promise<Client>,
    private readonly maxReconnects: number,
    /** The walk's entry cap: no listing is parsed beyond it (boundListing). */
    private readonly maxEntries: number,
  ) {}

  /** The open session, or a new one (within the reconnect budget) bounded by `signal`. */
  async session(signal: AbortSignal): Promise<Client> {
    if (this.client && !this.client.closed) return this.client;
    if (this.client) {
      if (this.reconnects >= this.maxReconnects) throw new Error('reconnect budget spent');
      this.reconnects += 1;
    }
    const client = await this.connect(signal);
    const parse = client.parseList.bind(client);
    client.parseList = (raw: string) => {
      const bounded = boundListing(raw, this.maxEntries + LISTING_SLACK_LINES);
      this.mlsdWritable = mlsdWritableNames(bounded);
      return parseListLeniently(parse, bounded);
    };
    this.client = client;
    return client;
  }

  close(): void {
    this.client?.close();
  }

  async list(path: readonly string[], signal: AbortSignal): Promise<readonly TreeEntry[] | undefined> {
    try {
      const client = await this.session(signal);
      this.mlsdWritable = new Set();
      const infos = await within(client, signal, () => client.list(remotePath(path)));
      return infos.map((i) => entryOf(i, this.mlsdWritable));
    } catch {
      return undefined;
    }
  }

  async readHead(path: readonly string[], maxBytes: number, signal: AbortSignal, enough: EnoughOf): Promise<Buffer | undefined> {
    const chunks: Buffer[] = [];
    let length = 0;
    let kept: Buffer | undefined;
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        length += chunk.length;
        const all = Buffer.concat(chunks, length);
        const keep = enough(all);
        if (keep !== undefined || length >= maxBytes) {
          // Keep only what is enough (a header up to Pixel Data) or the cap; the rest is dropped unread.
          kept = all.subarray(0, Math.min(keep ?? maxBytes, maxBytes));
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
      client = await this.session(signal);
    } catch {
      return undefined;
    }
    try {
      // basic-ftp's own timeout is an idle one: a file trickling a byte at a time never trips it.
      await within(client, signal, () => client.downloadTo(sink, remotePath(path)));
      return Buffer.concat(chunks, length).subarray(0, maxBytes);
    } catch {
      if (kept === undefined) return undefined;
      // The library has given up on this transfer: start afresh for the next request.
      client.close();
      return kept;
    }
  }
}
