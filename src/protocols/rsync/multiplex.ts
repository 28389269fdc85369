/**
 * rsync's multiplexed stream (io.c, protocol 23 on): after the handshake the
 * daemon sends frames, each a little-endian uint32 header
 * ((MPLEX_BASE + code) << 24 | length) and `length` bytes. MSG_DATA frames
 * carry the protocol's bytes; the others carry the daemon's log lines,
 * error codes and keep-alives.
 *
 * The demultiplexer is streaming: a frame's length is only a count of bytes
 * to route, never an allocation, so a peer declaring 16 MiB costs nothing
 * until it sends them. Message text is never kept: only the code, and the
 * int32 some messages carry.
 */
import { int32Bytes, Malformed } from './wire.ts';

const MPLEX_BASE = 7;

/** rsync.h enum msgcode: the codes a daemon may send a client. */
export const MsgCode = {
  DATA: 0,
  ERROR_XFER: 1,
  INFO: 2,
  ERROR: 3,
  WARNING: 4,
  ERROR_SOCKET: 5,
  LOG: 6,
  CLIENT: 7,
  ERROR_UTF8: 8,
  REDO: 9,
  STATS: 10,
  FLIST: 20,
  FLIST_EOF: 21,
  IO_ERROR: 22,
  IO_TIMEOUT: 33,
  NOOP: 42,
  ERROR_EXIT: 86,
  SUCCESS: 100,
  DELETED: 101,
  NO_SEND: 102,
} as const;

const KNOWN_CODES: ReadonlySet<number> = new Set(Object.values(MsgCode));

/** Non-data messages accepted in one stream: a daemon that only talks is cut off. */
export const MAX_MESSAGES = 10_000;

/** A message other than data: its code and, when its payload is an int32, that value. */
export interface MuxMessage {
  readonly code: number;
  readonly value?: number;
}

export function encodeFrame(code: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32LE((((MPLEX_BASE + code) << 24) >>> 0) + payload.length, 0);
  return Buffer.concat([header, payload]);
}

/** The client's filter list (exclude.c send_filter_list): none, an int32 0. */
export function emptyFilterList(protocol: number): Buffer {
  // Protocol 30 on, the daemon reads it multiplexed (main.c start_server: need_messages_from_generator).
  return protocol >= 30 ? encodeFrame(MsgCode.DATA, int32Bytes(0)) : int32Bytes(0);
}

export class Demultiplexer {
  private header = Buffer.alloc(0);
  private code = -1;
  private left = 0;
  private length = 0;
  private payload: Buffer[] = [];
  private payloadBytes = 0;
  private messageCount = 0;

  /** Routes a chunk: data bytes in order, and the messages completed in it. Throws Malformed on a header no daemon sends. */
  feed(chunk: Buffer): { data: Buffer[]; messages: MuxMessage[] } {
    const data: Buffer[] = [];
    const messages: MuxMessage[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.code < 0) {
        const take = Math.min(4 - this.header.length, chunk.length - at);
        this.header = Buffer.concat([this.header, chunk.subarray(at, at + take)]);
        at += take;
        if (this.header.length < 4) break;
        const word = this.header.readUInt32LE(0);
        this.header = Buffer.alloc(0);
        const code = (word >>> 24) - MPLEX_BASE;
        if (!KNOWN_CODES.has(code)) throw new Malformed('multiplex header', `tag ${word >>> 24} is no message code`);
        this.code = code;
        this.left = word & 0xffffff;
        this.length = this.left;
        if (code !== MsgCode.DATA && ++this.messageCount > MAX_MESSAGES) throw new Malformed('multiplex header', `more than ${MAX_MESSAGES} messages`);
      }
      const take = Math.min(this.left, chunk.length - at);
      const part = chunk.subarray(at, at + take);
      at += take;
      this.left -= take;
      if (this.code === MsgCode.DATA) {
        if (part.length > 0) data.push(part);
      } else if (this.payloadBytes < 4) {
        // Only an int32 payload is ever read; text is counted past, never kept.
        const keep = part.subarray(0, 4 - this.payloadBytes);
        this.payload.push(keep);
        this.payloadBytes += keep.length;
      }
      if (this.left === 0) {
        if (this.code !== MsgCode.DATA) messages.push(this.message());
        this.code = -1;
      }
    }
    return { data, messages };
  }

  private message(): MuxMessage {
    const head = Buffer.concat(this.payload);
    const withInt = this.length === 4 && (this.code === MsgCode.NO_SEND || this.code === MsgCode.IO_ERROR || this.code === MsgCode.ERROR_EXIT || this.code === MsgCode.SUCCESS);
    const m: MuxMessage = withInt ? { code: this.code, value: head.readInt32LE(0) } : { code: this.code };
    this.payload = [];
    this.payloadBytes = 0;
    return m;
  }
}
