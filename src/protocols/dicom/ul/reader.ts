/**
 * Bounded, named field reads for PS3.8 PDUs and items (all big endian, PS3.8 9.3.1).
 *
 * Every read names the field it reads, so a malformed or truncated PDU is reported as
 * "which field, at which offset" rather than as a RangeError. A reader never reads,
 * allocates or loops past the bytes actually present, whatever a length field declares.
 */

export type UlDecodeErrorCode =
  /** The frame ends before a field that the PDU's own lengths say is there. */
  | 'TRUNCATED'
  /** The PDU length field disagrees with the frame or with the PDU's fixed layout. */
  | 'BAD_PDU_LENGTH'
  /** An item length runs past its enclosing PDU or item, or does not fit the item's fixed layout. */
  | 'BAD_ITEM_LENGTH'
  /** First byte is not a PDU type of PS3.8 9.3.1 (0x01-0x07). */
  | 'UNKNOWN_PDU_TYPE'
  /** PS3.8 9.3.2: bit 0 of the protocol version (version 1) is not set. */
  | 'BAD_PROTOCOL_VERSION'
  /** An item PS3.8 requires, and that the decoded value needs, is absent. */
  | 'MISSING_ITEM'
  /** Framer only: the declared PDU length is above the configured maximum. */
  | 'PDU_TOO_LARGE'
  /**
   * A P-DATA-TF item on a presentation context the association did not accept (PS3.8 9.3.5.1).
   * The decoder cannot know; the end that negotiated the contexts raises it (contexts.ts).
   */
  | 'UNKNOWN_CONTEXT';

export interface UlDecodeError {
  readonly code: UlDecodeErrorCode;
  /** The field being read, in PS3.8's words, e.g. 'presentation context item length'. */
  readonly field: string;
  /** Byte offset of that field from the start of the frame (framer: of the stream). */
  readonly offset: number;
  /** One sentence for logs and reports; structural numbers only, never field contents. */
  readonly message: string;
}

export type DecodeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: UlDecodeError };

/** Thrown inside the decoder only; `decodePdu` turns it into a `DecodeResult`. */
export class UlDecodeFailure extends Error {
  readonly error: UlDecodeError;
  constructor(error: UlDecodeError) {
    super(error.message);
    this.name = 'UlDecodeFailure';
    this.error = error;
  }
}

export function decodeError(code: UlDecodeErrorCode, field: string, offset: number, message: string): UlDecodeError {
  return { code, field, offset, message: `${field} at offset ${offset}: ${message}` };
}

const SPACE = 0x20;
const NUL = 0x00;

/**
 * Reads the region [pos, declaredEnd) of `buf`. `availableEnd` is where the bytes actually
 * stop (below `declaredEnd` when the frame was cut short). Running past `availableEnd`
 * inside the declared region is TRUNCATED; running past `declaredEnd` is `overrun`
 * (the enclosing length is too small for the layout).
 */
export class FieldReader {
  private pos: number;

  private constructor(
    private readonly buf: Buffer,
    start: number,
    private readonly declaredEnd: number,
    private readonly availableEnd: number,
    private readonly overrun: 'BAD_PDU_LENGTH' | 'BAD_ITEM_LENGTH',
  ) {
    this.pos = start;
  }

  /** A reader over `declaredLength` bytes of `buf` from `start`, of which fewer may be present. */
  static over(buf: Buffer, start: number, declaredLength: number, overrun: 'BAD_PDU_LENGTH' | 'BAD_ITEM_LENGTH'): FieldReader {
    const declaredEnd = start + declaredLength;
    return new FieldReader(buf, start, declaredEnd, Math.min(declaredEnd, buf.length), overrun);
  }

  get offset(): number {
    return this.pos;
  }

  /** Declared bytes left in this region (some may be missing if the frame was truncated). */
  get declaredRemaining(): number {
    return this.declaredEnd - this.pos;
  }

  /** True while declared bytes remain; TRUNCATED if they are declared but absent. */
  hasMore(nextField: string): boolean {
    if (this.pos >= this.declaredEnd) return false;
    if (this.pos >= this.availableEnd) {
      this.fail('TRUNCATED', nextField, `the frame ends here but ${this.declaredEnd - this.pos} more bytes are declared`);
    }
    return true;
  }

  u8(field: string): number {
    this.need(1, field);
    const v = this.buf.readUInt8(this.pos);
    this.pos += 1;
    return v;
  }

  u16(field: string): number {
    this.need(2, field);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(field: string): number {
    this.need(4, field);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Reserved bytes: PS3.8 9.3.1 says they are sent as zero and not tested when received. */
  reserved(length: number, field: string): void {
    this.need(length, field);
    this.pos += length;
  }

  /** A view (no copy) of the next `length` bytes. */
  bytes(length: number, field: string): Buffer {
    this.need(length, field);
    const v = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return v;
  }

  /** A view of every byte left in this region, e.g. a UID that fills its item. */
  rest(field: string): Buffer {
    return this.bytes(this.declaredEnd - this.pos, field);
  }

  /** Text field of fixed width, leading and trailing spaces/NULs removed (AE titles, PS3.8 9.3.2). */
  paddedText(length: number, field: string): string {
    return trimmedLatin1(this.bytes(length, field), true);
  }

  /** The rest of this region as text with trailing NUL/space removed (UIDs, names). */
  restText(field: string): string {
    return trimmedLatin1(this.rest(field), false);
  }

  /**
   * Reads a big-endian length of `width` bytes named `lengthField`, then returns a child
   * reader over that many bytes (an item's body); the parent moves past them.
   */
  lengthPrefixed(width: 2 | 4, lengthField: string): FieldReader {
    const lengthOffset = this.pos;
    const length = width === 2 ? this.u16(lengthField) : this.u32(lengthField);
    const childEnd = this.pos + length;
    if (childEnd > this.declaredEnd) {
      // Declared lengths disagree, whether or not the frame was also cut short.
      this.fail('BAD_ITEM_LENGTH', lengthField, `declares ${length} bytes but only ${this.declaredEnd - this.pos} remain in the enclosing PDU or item`, lengthOffset);
    }
    const child = new FieldReader(this.buf, this.pos, childEnd, Math.min(childEnd, this.availableEnd), 'BAD_ITEM_LENGTH');
    this.pos = childEnd;
    return child;
  }

  fail(code: UlDecodeErrorCode, field: string, message: string, offset: number = this.pos): never {
    throw new UlDecodeFailure(decodeError(code, field, offset, message));
  }

  private need(length: number, field: string): void {
    if (this.pos + length > this.declaredEnd) {
      this.fail(this.overrun, field, `needs ${length} bytes but its enclosing length leaves ${this.declaredEnd - this.pos}`);
    }
    if (this.pos + length > this.availableEnd) {
      this.fail('TRUNCATED', field, `needs ${length} bytes but the frame ends after ${Math.max(0, this.availableEnd - this.pos)}`);
    }
  }
}

/** Latin-1 keeps every byte as one code unit; trimming is a byte loop (no regex on peer data). */
function trimmedLatin1(bytes: Buffer, trimLeading: boolean): string {
  let start = 0;
  let end = bytes.length;
  while (end > start && (bytes[end - 1] === SPACE || bytes[end - 1] === NUL)) end--;
  if (trimLeading) while (start < end && (bytes[start] === SPACE || bytes[start] === NUL)) start++;
  return bytes.toString('latin1', start, end);
}
