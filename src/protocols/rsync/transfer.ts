/**
 * Asking the sender for one file and reading the start of what it sends
 * (rsync's generator.c, sender.c, io.c sum_head, token.c simple tokens).
 *
 * The client sends a selector: the file's index (an int32 before protocol 30,
 * io.c write_ndx's compressed form after), its item flags (protocol 29 on)
 * with ITEM_TRANSFER, and a sum head of zero blocks, so the sender has nothing
 * to match and sends the file as literal data. The sender answers (multiplexed)
 * with the index, the item flags, the sum head again, then tokens: an int32
 * n > 0 and n bytes of data, until a 0 token (then the file's checksum).
 *
 * The client reads the first bytes it needs and hangs up: a daemon cannot be
 * asked for part of a file, so the header is all a scanner keeps of it.
 */
import { encodeFrame, MsgCode } from './multiplex.ts';
import { int32Bytes, Malformed, shortintBytes, Truncated, WireCursor } from './wire.ts';

/** rsync.h ITEM_TRANSFER: the generator wants the file's data. */
export const ITEM_TRANSFER = 1 << 15;
/** rsync.h: item flags that announce more fields after them. */
const ITEM_BASIS_TYPE_FOLLOWS = 1 << 11;
const ITEM_XNAME_FOLLOWS = 1 << 12;
/** token.c CHUNK_SIZE: the sender writes literal data in runs of at most 32 KiB; we allow far more, never an allocation. */
const MAX_TOKEN_BYTES = 1 << 24;

/** io.c write_ndx, the first index of a session (the previous positive index starts at -1). */
export function encodeFirstIndex(ndx: number, protocol: number): Buffer {
  if (protocol < 30) return int32Bytes(ndx);
  const diff = ndx + 1;
  if (diff > 0 && diff < 0xfe) return Buffer.from([diff]);
  if (diff <= 0x7fff) return Buffer.from([0xfe, diff >> 8, diff & 0xff]);
  return Buffer.from([0xfe, ((ndx >>> 24) | 0x80) & 0xff, ndx & 0xff, (ndx >>> 8) & 0xff, (ndx >>> 16) & 0xff]);
}

/**
 * The selector for one whole file: index, ITEM_TRANSFER, and an empty sum head
 * (count, block length, s2length, remainder). From protocol 30 the client's
 * stream is multiplexed (compat.c need_messages_from_generator), so it goes
 * in a MSG_DATA frame; a 3.x daemon reads a bare one as a bad tag.
 */
export function encodeFileRequest(ndx: number, protocol: number): Buffer {
  const parts = [encodeFirstIndex(ndx, protocol)];
  if (protocol >= 29) parts.push(shortintBytes(ITEM_TRANSFER));
  parts.push(int32Bytes(0), int32Bytes(0));
  if (protocol >= 27) parts.push(int32Bytes(0));
  parts.push(int32Bytes(0));
  const selector = Buffer.concat(parts);
  return protocol >= 30 ? encodeFrame(MsgCode.DATA, selector) : selector;
}

/** io.c read_ndx, the sender's first answer: the index it is about to send. */
function readFirstIndex(c: WireCursor, protocol: number): number {
  if (protocol < 30) return c.int32();
  const b = c.byte();
  if (b === 0) return -1; // NDX_DONE
  if (b === 0xff) throw new Malformed('file index', 'a negative index where a file was expected');
  if (b !== 0xfe) return b - 1;
  const hi = c.byte();
  if ((hi & 0x80) !== 0) {
    const rest = c.bytes(3);
    return ((hi & 0x7f) << 24) | (rest[2]! << 16) | (rest[1]! << 8) | rest[0]!;
  }
  return ((hi << 8) | c.byte()) - 1;
}

/**
 * The sender's header before the data: index, item flags and their extras,
 * and the echoed sum head. Returns the offset where tokens begin.
 */
export function decodeTransferHead(buf: Buffer, protocol: number): { kind: 'head'; ndx: number; next: number } | { kind: 'truncated' } | { kind: 'malformed'; field: string } {
  const c = new WireCursor(buf);
  try {
    const ndx = readFirstIndex(c, protocol);
    if (ndx < 0) throw new Malformed('file index', 'the sender ended without sending the file');
    if (protocol >= 29) {
      const iflags = c.shortint();
      if ((iflags & ITEM_BASIS_TYPE_FOLLOWS) !== 0) c.byte();
      if ((iflags & ITEM_XNAME_FOLLOWS) !== 0) {
        // io.c read_vstring: a length byte, two when its high bit is set.
        const first = c.byte();
        const len = (first & 0x80) !== 0 ? ((first & 0x7f) << 8) | c.byte() : first;
        c.bytes(len);
      }
    }
    const count = c.int32();
    c.int32();
    if (protocol >= 27) c.int32();
    c.int32();
    if (count !== 0) throw new Malformed('sum head', 'block checksums for a file asked for whole');
    return { kind: 'head', ndx, next: c.offset };
  } catch (err) {
    if (err instanceof Truncated) return { kind: 'truncated' };
    if (err instanceof Malformed) return { kind: 'malformed', field: err.field };
    throw err;
  }
}

/**
 * Reads literal-data tokens (token.c simple_recv_token) from a stream of
 * bytes, keeping at most `maxBytes` of the file. Fed chunk by chunk; says when
 * it has enough, when the file ended, or that the stream broke the protocol.
 */
export class FileHeadReader {
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  /** Bytes of the current literal run still to come. */
  private runLeft = 0;
  private pending = Buffer.alloc(0);

  constructor(private readonly maxBytes: number) {}

  feed(chunk: Buffer): 'more' | 'enough' | 'ended' {
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    for (;;) {
      if (this.runLeft > 0) {
        const take = Math.min(this.runLeft, data.length);
        this.keep(data.subarray(0, take));
        this.runLeft -= take;
        data = data.subarray(take);
        if (this.keptBytes >= this.maxBytes) return 'enough';
        if (data.length === 0) return 'more';
        continue;
      }
      if (data.length < 4) {
        this.pending = Buffer.from(data);
        return 'more';
      }
      const token = data.readInt32LE(0);
      data = data.subarray(4);
      if (token === 0) return 'ended';
      if (token < 0) throw new Malformed('data token', 'a block match for a file sent whole');
      if (token > MAX_TOKEN_BYTES) throw new Malformed('data token', `a literal run of ${token} bytes`);
      this.runLeft = token;
    }
  }

  private keep(part: Buffer): void {
    const room = this.maxBytes - this.keptBytes;
    if (room <= 0 || part.length === 0) return;
    const slice = part.subarray(0, room);
    this.kept.push(Buffer.from(slice));
    this.keptBytes += slice.length;
  }

  head(): Buffer {
    return Buffer.concat(this.kept);
  }
}
