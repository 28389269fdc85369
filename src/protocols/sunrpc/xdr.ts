/**
 * XDR (RFC 4506): big-endian four-byte units, variable-length opaque data and
 * strings with a length word and padding, optional data and linked lists as
 * "value follows" booleans.
 *
 * Every length and every list a peer sends is checked against a cap the caller
 * names before anything is sliced or collected: a length word is four bytes of
 * the peer's choosing. Reads past the end or past a cap throw XdrFailure
 * inside a decoder; exported decoders return it as a value (decodeXdr).
 */
import { codecError, type CodecError, type Result } from '../dicom/dataset/result.ts';

export type XdrErrorCode = 'truncated' | 'too-long' | 'bad-value';
export type XdrError = CodecError<XdrErrorCode>;
export type XdrDecoded<T> = Result<T, XdrError>;

export class XdrFailure extends Error {
  constructor(readonly error: XdrError) {
    super(error.message);
    this.name = 'XdrFailure';
  }
}

export function xdrFailure(code: XdrErrorCode, field: string, offset: number, detail: string): XdrFailure {
  return new XdrFailure(codecError(code, field, offset, detail));
}

/** RFC 4506 4.10–4.11: data is padded to a multiple of four bytes. */
export function padded(n: number): number {
  return (n + 3) & ~3;
}

/** Runs a decoder; its XdrFailure becomes an error value, anything else is a bug and propagates. */
export function decodeXdr<T>(fn: () => T): XdrDecoded<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof XdrFailure) return { ok: false, error: e.error };
    throw e;
  }
}

export class XdrReader {
  constructor(
    readonly buf: Buffer,
    public offset = 0,
  ) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number, field: string): void {
    if (n > this.buf.length - this.offset) throw xdrFailure('truncated', field, this.offset, `needs ${n} bytes, ${this.buf.length - this.offset} left`);
  }

  uint32(field: string): number {
    this.need(4, field);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  /**
   * RFC 4506 4.5 unsigned hyper, as a number: file sizes and offsets. Above
   * 2^53 it is clamped (no file share holds more): counts stay numbers.
   */
  uint64(field: string): number {
    this.need(8, field);
    const high = this.buf.readUInt32BE(this.offset);
    const low = this.buf.readUInt32BE(this.offset + 4);
    this.offset += 8;
    return Math.min(high * 2 ** 32 + low, Number.MAX_SAFE_INTEGER);
  }

  /** An unsigned hyper kept exactly, as its eight bytes (cookies are opaque to the client). */
  hyperBytes(field: string): Buffer {
    return this.fixedOpaque(8, field);
  }

  /** RFC 4506 4.4: only 0 and 1 are booleans. */
  bool(field: string): boolean {
    const at = this.offset;
    const v = this.uint32(field);
    if (v > 1) throw xdrFailure('bad-value', field, at, `a boolean is 0 or 1, not ${v}`);
    return v === 1;
  }

  fixedOpaque(n: number, field: string): Buffer {
    const size = padded(n);
    this.need(size, field);
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += size;
    return v;
  }

  /** RFC 4506 4.10 opaque<max>: the declared length is checked against `max` before any slice. */
  opaque(max: number, field: string): Buffer {
    const at = this.offset;
    const length = this.uint32(`length of ${field}`);
    if (length > max) throw xdrFailure('too-long', field, at, `declares ${length} bytes, at most ${max} accepted`);
    return this.fixedOpaque(length, field);
  }

  /** RFC 4506 4.11 string<max>, as bytes: the caller decides how peer text is read. */
  string(max: number, field: string): Buffer {
    return this.opaque(max, field);
  }

  /** RFC 4506 4.13 variable-length array: the count is capped before any element is read. */
  array<T>(max: number, field: string, element: (r: XdrReader, i: number) => T): T[] {
    const at = this.offset;
    const count = this.uint32(`count of ${field}`);
    if (count > max) throw xdrFailure('too-long', field, at, `declares ${count} elements, at most ${max} accepted`);
    // Each element takes at least four bytes: a count beyond what is left is a lie told before any work.
    if (count * 4 > this.remaining) throw xdrFailure('truncated', field, at, `declares ${count} elements, ${this.remaining} bytes left`);
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(element(this, i));
    return out;
  }

  /**
   * A linked list as XDR lays it out ("*next" pointers, RFC 4506 4.19): a
   * boolean before each element, false at the end. At most `max` elements are
   * read; `cut` is true when the peer said more follow.
   */
  linkedList<T>(max: number, field: string, element: (r: XdrReader) => T): { items: T[]; cut: boolean } {
    const items: T[] = [];
    while (this.bool(`${field}: value follows`)) {
      if (items.length >= max) return { items, cut: true };
      items.push(element(this));
    }
    return { items, cut: false };
  }
}

/** Builds XDR in four-byte units; the inverse of XdrReader for what a client sends (and the lab's servers answer). */
export class XdrWriter {
  private readonly parts: Buffer[] = [];

  uint32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    this.parts.push(b);
    return this;
  }

  uint64(v: number): this {
    const b = Buffer.alloc(8);
    b.writeUInt32BE(Math.floor(v / 2 ** 32) >>> 0, 0);
    b.writeUInt32BE(v % 2 ** 32 >>> 0, 4);
    this.parts.push(b);
    return this;
  }

  bool(v: boolean): this {
    return this.uint32(v ? 1 : 0);
  }

  fixedOpaque(data: Buffer): this {
    this.parts.push(data);
    const pad = padded(data.length) - data.length;
    if (pad > 0) this.parts.push(Buffer.alloc(pad));
    return this;
  }

  opaque(data: Buffer): this {
    return this.uint32(data.length).fixedOpaque(data);
  }

  string(text: string | Buffer): this {
    return this.opaque(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  }

  bytes(data: Buffer): this {
    this.parts.push(data);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}
