/**
 * One rsync daemon conversation over a dialer Connection: the greeting, a
 * module request, then either the module list or the binary protocol of a
 * read-only sender (protocols/rsync/). Every wait is bounded by the I/O
 * timeout and the signal; every line and every count the peer controls is
 * capped. What the peer writes is read in memory and dropped: only module
 * names and entry names leave this file, and only to the probe and the walk.
 */
import type { Connection, Dialer } from '../../net/dialer.ts';
import type { Endpoint } from '../../observation/observation.ts';
import { classifyLine, encodeArguments, encodeGreeting, encodeModuleRequest, MAX_LINE_BYTES, parseGreeting, sessionProtocol, type Greeting } from '../../protocols/rsync/daemon.ts';
import { decodeEntry, INITIAL_STATE, MAX_ENTRY_BYTES, type EntryState, type FileListEntry } from '../../protocols/rsync/file-list.ts';
import { Demultiplexer, emptyFilterList, MsgCode } from '../../protocols/rsync/multiplex.ts';
import { decodeTransferHead, encodeFileRequest, FileHeadReader } from '../../protocols/rsync/transfer.ts';
import { Malformed, Truncated, WireCursor } from '../../protocols/rsync/wire.ts';
import type { EnoughOf } from '../nas/tree-walk.ts';

export type RsyncErrorCode = 'NOT_RSYNC' | 'RSYNC_MALFORMED' | 'RSYNC_CLOSED' | 'RSYNC_LINE_TOO_LONG' | 'RSYNC_TOO_MANY_LINES';

/** Our own words for what the peer did: never a quote of it. */
export class RsyncProtocolError extends Error {
  override readonly name = 'RsyncProtocolError';
  constructor(
    readonly code: RsyncErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Lines the daemon may send before it answers a module request (its message of the day). */
const MAX_MOTD_LINES = 200;
/** Lines of a module list read at most; a list past it is counted as cut. */
export const MAX_LIST_LINES = 2000;

export interface SessionOptions {
  readonly dialer: Dialer;
  readonly endpoint: Endpoint;
  readonly connectTimeoutMs: number;
  readonly ioTimeoutMs: number;
  readonly signal: AbortSignal;
}

export type ModuleAnswer = 'ok' | 'auth-required' | 'refused' | 'closed';

export class RsyncSession {
  private pending: Buffer = Buffer.alloc(0);
  /** Demultiplexed data that came after the file list's end (and its io_error flag before protocol 30). */
  private afterList: Buffer = Buffer.alloc(0);
  private ended = false;
  private demux: Demultiplexer | undefined;
  /** Non-data messages the daemon sent that stop a file's transfer (MSG_NO_SEND, MSG_ERROR_EXIT). */
  private stopped = false;
  greeting: Greeting | undefined;

  private constructor(
    private readonly conn: Connection,
    private readonly options: SessionOptions,
    /** What stops the waits: the probe's, or the walk's once a walk reads from this session. */
    private signal: AbortSignal,
  ) {}

  /** Connects and exchanges greetings; the session's waits stop with `signal` (the probe's unless a walk gives its own). */
  static async open(options: SessionOptions, signal = options.signal): Promise<RsyncSession> {
    const conn = await options.dialer.connect(options.endpoint, { signal, connectTimeoutMs: options.connectTimeoutMs });
    const session = new RsyncSession(conn, options, signal);
    try {
      // csprotocol.txt: both sides send their greeting at once, then read the other's.
      await conn.write(encodeGreeting());
      const greeting = parseGreeting(await session.readLine());
      if (!greeting) throw new RsyncProtocolError('NOT_RSYNC', 'the first line is not an rsync daemon greeting');
      session.greeting = greeting;
      return session;
    } catch (err) {
      conn.close();
      throw err;
    }
  }

  get protocol(): number {
    return this.greeting ? sessionProtocol(this.greeting) : 0;
  }

  close(): void {
    this.conn.close();
  }

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const chunk = await this.conn.read(this.options.ioTimeoutMs, this.signal);
    if (chunk === null) {
      this.ended = true;
      return false;
    }
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    return true;
  }

  /** One line of the text phase, without its newline; at most MAX_LINE_BYTES, whatever the peer sends. */
  async readLine(): Promise<string> {
    for (;;) {
      const nl = this.pending.indexOf(0x0a);
      if (nl >= 0) {
        if (nl > MAX_LINE_BYTES) break;
        const line = this.pending.subarray(0, nl).toString('latin1').replace(/\r$/, '');
        this.pending = this.pending.subarray(nl + 1);
        return line;
      }
      if (this.pending.length > MAX_LINE_BYTES) break;
      if (!(await this.fill())) throw new RsyncProtocolError('RSYNC_CLOSED', 'the daemon closed the connection');
    }
    throw new RsyncProtocolError('RSYNC_LINE_TOO_LONG', `a line longer than ${MAX_LINE_BYTES} bytes`);
  }

  /**
   * Asks for the module list (an empty module name). Names in the order sent,
   * at most `keep` of them; `listed` counts them all within MAX_LIST_LINES.
   */
  async listModules(keep: number): Promise<{ names: string[]; listed: number; cut: boolean; refused: boolean }> {
    await this.conn.write(encodeModuleRequest(''));
    const names: string[] = [];
    let listed = 0;
    for (let i = 0; i < MAX_LIST_LINES; i++) {
      let line: string;
      try {
        line = await this.readLine();
      } catch (err) {
        // Before protocol 25 the list ends with the connection (clientserver.c kluge_around_eof).
        if (err instanceof RsyncProtocolError && err.code === 'RSYNC_CLOSED') return { names, listed, cut: false, refused: false };
        throw err;
      }
      const l = classifyLine(line);
      if (l.kind === 'exit') return { names, listed, cut: false, refused: false };
      if (l.kind === 'error') return { names, listed, cut: false, refused: listed === 0 };
      if (l.kind !== 'module') continue;
      listed += 1;
      if (names.length < keep && !names.includes(l.name)) names.push(l.name);
    }
    return { names, listed, cut: true, refused: false };
  }

  /** Names a module; on OK, sends the sender's arguments and an empty filter list, and reads the setup to the multiplexed stream. */
  async requestModule(module: string, args: readonly string[]): Promise<ModuleAnswer> {
    await this.conn.write(encodeModuleRequest(module));
    for (let i = 0; i < MAX_MOTD_LINES; i++) {
      let line: string;
      try {
        line = await this.readLine();
      } catch (err) {
        if (err instanceof RsyncProtocolError && err.code === 'RSYNC_CLOSED') return 'closed';
        throw err;
      }
      const l = classifyLine(line);
      // Never answered: a module behind a secret is reported as such, no secret is ever tried.
      if (l.kind === 'auth-required') return 'auth-required';
      if (l.kind === 'error' || l.kind === 'exit') return 'refused';
      if (l.kind !== 'ok') continue;
      await this.conn.write(Buffer.concat([encodeArguments(args, this.protocol), emptyFilterList(this.protocol)]));
      await this.readSetup();
      return 'ok';
    }
    throw new RsyncProtocolError('RSYNC_TOO_MANY_LINES', `more than ${MAX_MOTD_LINES} lines before an answer to the module request`);
  }

  /** compat.c setup_protocol: the compat flags (protocol 30 on) and the checksum seed, before the stream is multiplexed. */
  private async readSetup(): Promise<void> {
    for (;;) {
      const c = new WireCursor(this.pending);
      try {
        if (this.protocol >= 30) c.varint('compat flags');
        c.int32();
        this.pending = this.pending.subarray(c.offset);
        this.demux = new Demultiplexer();
        return;
      } catch (err) {
        if (err instanceof Malformed) throw new RsyncProtocolError('RSYNC_MALFORMED', `the setup is malformed (${err.field})`);
        if (!(err instanceof Truncated)) throw err;
      }
      if (this.pending.length > 16) throw new RsyncProtocolError('RSYNC_MALFORMED', 'the setup is malformed');
      if (!(await this.fill())) throw new RsyncProtocolError('RSYNC_CLOSED', 'the daemon closed the connection after accepting the module');
    }
  }

  /** More demultiplexed data, appended to `data`; false at the end of the stream. */
  private async moreData(data: Buffer): Promise<Buffer | undefined> {
    const demux = this.demux!;
    for (;;) {
      let raw = this.pending;
      this.pending = Buffer.alloc(0);
      if (raw.length === 0) {
        if (!(await this.fill())) return undefined;
        raw = this.pending;
        this.pending = Buffer.alloc(0);
      }
      let routed: ReturnType<Demultiplexer['feed']>;
      try {
        routed = demux.feed(raw);
      } catch (err) {
        if (err instanceof Malformed) throw new RsyncProtocolError('RSYNC_MALFORMED', `the stream is malformed (${err.field})`);
        throw err;
      }
      if (routed.messages.some((m) => m.code === MsgCode.NO_SEND || m.code === MsgCode.ERROR_EXIT)) this.stopped = true;
      if (routed.data.length > 0) return Buffer.concat([data, ...routed.data]);
      if (this.stopped) return undefined;
    }
  }

  /**
   * The file list, entry by entry, into `entries` until its end or
   * `maxEntries` entries (then `complete` is false and the rest is never
   * read). Waits stop with `signal` when given; what was decoded before a
   * failure stays in `entries`.
   */
  async readFileList(maxEntries: number, signal?: AbortSignal, entries: FileListEntry[] = []): Promise<{ entries: FileListEntry[]; complete: boolean }> {
    if (signal) this.signal = signal;
    let data: Buffer = Buffer.alloc(0);
    let at = 0;
    let state: EntryState = INITIAL_STATE;
    for (;;) {
      const r = decodeEntry(data, at, state, this.protocol);
      if (r.kind === 'end') {
        this.afterList = await this.skipIoError(data.subarray(r.next));
        return { entries, complete: true };
      }
      if (r.kind === 'malformed') throw new RsyncProtocolError('RSYNC_MALFORMED', `the file list is malformed (${r.field})`);
      if (r.kind === 'entry') {
        entries.push(r.entry);
        state = r.state;
        at = r.next;
        if (entries.length >= maxEntries) return { entries, complete: false };
        continue;
      }
      // Truncated: the entry is still coming. No entry is longer than MAX_ENTRY_BYTES.
      data = data.subarray(at);
      at = 0;
      if (data.length > MAX_ENTRY_BYTES) throw new RsyncProtocolError('RSYNC_MALFORMED', 'a file list entry longer than any rsync writes');
      const more = await this.moreData(data);
      if (more === undefined) throw new RsyncProtocolError('RSYNC_CLOSED', 'the file list ended before its end marker');
      data = more;
    }
  }

  /**
   * What follows the list's end marker. Before protocol 30 the sender writes its
   * io_error flag there as a 4-byte int (flist.c send_file_list), which may come
   * in a later chunk than the marker: it is read and dropped here, so that the
   * next read (a file's transfer head) starts where the sender's answer does.
   */
  private async skipIoError(rest: Buffer): Promise<Buffer> {
    if (this.protocol >= 30) return rest;
    while (rest.length < 4) {
      const more = await this.moreData(rest);
      if (more === undefined) throw new RsyncProtocolError('RSYNC_CLOSED', 'the file list ended without its io_error flag');
      rest = more;
    }
    return rest.subarray(4);
  }

  /**
   * After a one-file list: asks for that file (index `ndx`) and reads its data
   * until `enough` says the walk has what it needs (132 bytes of a file that is
   * not DICOM, a header up to Pixel Data), or `maxBytes`; what `enough` keeps
   * is returned. Undefined when the sender will not send it.
   */
  async readFileHead(ndx: number, maxBytes: number, signal: AbortSignal, enough: EnoughOf): Promise<Buffer | undefined> {
    this.signal = signal;
    await this.conn.write(encodeFileRequest(ndx, this.protocol));
    let data: Buffer = this.afterList;
    this.afterList = Buffer.alloc(0);
    for (;;) {
      const head = decodeTransferHead(data, this.protocol);
      if (head.kind === 'malformed') throw new RsyncProtocolError('RSYNC_MALFORMED', `the transfer is malformed (${head.field})`);
      if (head.kind === 'head') {
        data = data.subarray(head.next);
        break;
      }
      if (data.length > 1024) throw new RsyncProtocolError('RSYNC_MALFORMED', 'the transfer header is longer than any rsync writes');
      const more = await this.moreData(data);
      if (more === undefined) return undefined;
      data = more;
    }
    const reader = new FileHeadReader(maxBytes);
    for (let chunk: Buffer | undefined = data; ; ) {
      let said: ReturnType<FileHeadReader['feed']>;
      try {
        said = reader.feed(chunk);
      } catch (err) {
        if (err instanceof Malformed) throw new RsyncProtocolError('RSYNC_MALFORMED', `the file data is malformed (${err.field})`);
        throw err;
      }
      // The daemon sends the whole file whatever we need of it: the read stops, and the connection is cut, once the walk has enough.
      const head = reader.head();
      const keep = enough(head);
      if (keep !== undefined) return head.subarray(0, keep);
      if (said !== 'more') return head;
      chunk = await this.moreData(Buffer.alloc(0));
      if (chunk === undefined) return undefined;
    }
  }
}
