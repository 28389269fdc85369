/**
 * The integer codings of the rsync protocol (rsync's io.c), all little-endian:
 * int32, shortint (uint16), longint (protocol < 30), and the varint and
 * varlong of protocol 30 on, whose first byte says how many bytes follow.
 *
 * Reads are bounds-checked against the bytes in hand: a read past the end
 * throws `Truncated`, which a streaming decoder takes as "wait for more bytes
 * and start this item again", never as a malformed answer. A value that no
 * conforming peer sends (a varint longer than its type) throws `Malformed`.
 */

/** The bytes in hand end inside the item being decoded. */
export class Truncated extends Error {
  override readonly name = 'Truncated';
}

/** The item cannot be what the protocol allows; `field` says which part of it broke. */
export class Malformed extends Error {
  override readonly name = 'Malformed';
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}

/**
 * io.c int_byte_extra[]: indexed by the first byte / 4, how many bytes follow
 * it in a varint or varlong (0x00-0x7F none, 0x80-0xBF one, 0xC0-0xDF two,
 * 0xE0-0xEF three, 0xF0-0xF7 four, 0xF8-0xFB five, 0xFC-0xFF six).
 */
function extraBytes(first: number): number {
  if (first < 0x80) return 0;
  if (first < 0xc0) return 1;
  if (first < 0xe0) return 2;
  if (first < 0xf0) return 3;
  if (first < 0xf8) return 4;
  if (first < 0xfc) return 5;
  return 6;
}

export class WireCursor {
  constructor(
    readonly buf: Buffer,
    public offset = 0,
  ) {}

  private need(n: number): void {
    if (this.offset + n > this.buf.length) throw new Truncated();
  }

  byte(): number {
    this.need(1);
    return this.buf[this.offset++]!;
  }

  shortint(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.offset);
    this.offset += 4;
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  /** io.c read_varint: a signed int32 in one to five bytes. */
  varint(field: string): number {
    const first = this.byte();
    const extra = extraBytes(first);
    if (extra === 0) return first;
    // A fifth byte would not fit an int32: rsync calls this an overflow and exits.
    if (extra >= 5) throw new Malformed(field, 'varint longer than an int32');
    const b = Buffer.alloc(5);
    this.bytes(extra).copy(b, 0);
    b[extra] = first & ((1 << (8 - extra)) - 1);
    return b.readInt32LE(0);
  }

  /**
   * io.c read_varlong: `minBytes` bytes at least (3 for a file length, 4 for a
   * time), the first of which says how many more follow. Values past 2^53 are
   * refused: no file or time a scanner counts is that large.
   */
  varlong(minBytes: number, field: string): number {
    const head = this.bytes(minBytes);
    const first = head[0]!;
    const extra = extraBytes(first);
    if (minBytes + extra > 9) throw new Malformed(field, 'varlong longer than an int64');
    const b = Buffer.alloc(9);
    head.copy(b, 0, 1);
    if (extra > 0) {
      this.bytes(extra).copy(b, minBytes - 1);
      b[minBytes + extra - 1] = first & ((1 << (8 - extra)) - 1);
    } else {
      b[minBytes - 1] = first;
    }
    return safeInt64(b.readBigInt64LE(0), field);
  }

  /** io.c read_longint (protocols before 30): an int32, or -1 and then an int64. */
  longint(field: string): number {
    const v = this.int32();
    if (v !== -1) return v;
    this.need(8);
    const big = this.buf.readBigInt64LE(this.offset);
    this.offset += 8;
    return safeInt64(big, field);
  }
}

function safeInt64(v: bigint, field: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new Malformed(field, 'value beyond 2^53');
  return Number(v);
}

export function int32Bytes(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v, 0);
  return b;
}

export function shortintBytes(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v, 0);
  return b;
}

/** io.c write_varint, for tests and the lab: the shortest form rsync itself writes. */
export function varintBytes(v: number): Buffer {
  const b = Buffer.alloc(5);
  b.writeInt32LE(v, 1);
  let cnt = 4;
  while (cnt > 1 && b[cnt] === 0) cnt--;
  const bit = 1 << (7 - cnt + 1);
  if (b[cnt]! >= bit) {
    cnt++;
    b[0] = ~(bit - 1) & 0xff;
  } else if (cnt > 1) {
    b[0] = b[cnt]! | (~(bit * 2 - 1) & 0xff);
  } else {
    b[0] = b[cnt]!;
  }
  return Buffer.from(b.subarray(0, cnt));
}

/** io.c write_varlong, for tests and the lab. */
export function varlongBytes(v: number, minBytes: number): Buffer {
  const b = Buffer.alloc(9);
  b.writeBigInt64LE(BigInt(v), 1);
  let cnt = 8;
  while (cnt > minBytes && b[cnt] === 0) cnt--;
  const bit = 1 << (7 - cnt + minBytes);
  if (b[cnt]! >= bit) {
    cnt++;
    b[0] = ~(bit - 1) & 0xff;
  } else if (cnt > minBytes) {
    b[0] = b[cnt]! | (~(bit * 2 - 1) & 0xff);
  } else {
    b[0] = b[cnt]!;
  }
  return Buffer.from(b.subarray(0, cnt));
}
