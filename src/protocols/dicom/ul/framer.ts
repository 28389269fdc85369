/**
 * Incremental PDU framing over a byte stream (PS3.8 9.3.1: type (1), reserved (1),
 * length (4), body). Pure: the caller pushes what the socket gave it and gets back the
 * complete frames, ready for `decodePdu`.
 *
 * A hostile peer is stopped as early as its bytes allow: an unknown first byte is refused
 * on arrival, and a declared length above `maxPduBytes` is refused as soon as the header is
 * complete, before any of the body is buffered.
 */
import { PDU_HEADER_LENGTH, pduTypeName } from './pdu.ts';
import { decodeError, type UlDecodeError } from './reader.ts';

export interface PduFramerOptions {
  /** Largest PDU length field accepted (bytes after the 6-byte header), 0..0xFFFFFFFF. */
  readonly maxPduBytes: number;
}

export interface FramerResult {
  /**
   * Complete frames (header + body), in stream order: views into the chunk pushed when it
   * held them whole, else into the framer's own copy. A pushed chunk must not be written to again.
   */
  readonly frames: readonly Buffer[];
  /** Set once the stream is unusable; every later push returns the same error and no frames. */
  readonly error?: UlDecodeError;
}

/** Smallest staging buffer; it grows by doubling so each byte is copied O(1) times. */
const MIN_CAPACITY = 16 * 1024;
const EMPTY = Buffer.alloc(0);

export class PduFramer {
  private readonly maxPduBytes: number;
  /**
   * Bytes [start, end) of `buf` are not framed yet. `buf` is the last chunk pushed while nothing
   * was held, or else a staging copy. Frames are views into it, so it is never overwritten below
   * `end`: when full, a new staging buffer is allocated instead of compacting in place.
   */
  private buf: Buffer = EMPTY;
  private start = 0;
  private end = 0;
  /** Stream offset of `buf[start]`, for error offsets. */
  private consumed = 0;
  private error: UlDecodeError | undefined;

  constructor(options: PduFramerOptions) {
    const max = options.maxPduBytes;
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
      throw new RangeError(`maxPduBytes must be an integer in 0..4294967295, got ${max}`);
    }
    this.maxPduBytes = max;
  }

  /** Bytes held that do not yet form a complete frame (non-zero at close means a cut PDU). */
  get bufferedBytes(): number {
    return this.end - this.start;
  }

  /** The error that stopped this framer, if any. */
  get failure(): UlDecodeError | undefined {
    return this.error;
  }

  push(chunk: Buffer): FramerResult {
    if (this.error) return { frames: [], error: this.error };
    this.append(chunk);
    const frames: Buffer[] = [];
    for (;;) {
      const size = this.nextFrameSize();
      if (size === undefined) return { frames };
      if (typeof size !== 'number') {
        this.error = size;
        this.release();
        return { frames, error: size };
      }
      frames.push(this.buf.subarray(this.start, this.start + size));
      this.start += size;
      this.consumed += size;
      if (this.start === this.end) this.release();
    }
  }

  private append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.start === this.end) {
      // Nothing held: frame the chunk where it lies. A socket hands each read in a buffer
      // of its own, so frames that are views into it hold nothing else alive, and the
      // common case (whole PDUs per read) copies nothing.
      this.buf = chunk;
      this.start = 0;
      this.end = chunk.length;
      return;
    }
    if (this.end + chunk.length > this.buf.length) {
      const held = this.end - this.start;
      // Not from Node's shared pool: a frame kept from this buffer must not hold a 64 KiB slab.
      const next = Buffer.allocUnsafeSlow(Math.max(MIN_CAPACITY, 2 * (held + chunk.length)));
      this.buf.copy(next, 0, this.start, this.end);
      this.buf = next;
      this.start = 0;
      this.end = held;
    }
    chunk.copy(this.buf, this.end);
    this.end += chunk.length;
  }

  /** Lets go of the buffer once every byte of it has been framed: frames already handed out keep their own view. */
  private release(): void {
    this.buf = EMPTY;
    this.start = this.end = 0;
  }

  /** Size of the frame at the head of the buffer, undefined if more bytes are needed, or the error. */
  private nextFrameSize(): number | UlDecodeError | undefined {
    const held = this.end - this.start;
    if (held < 1) return undefined;
    const type = this.buf.readUInt8(this.start);
    if (pduTypeName(type) === undefined) {
      return decodeError('UNKNOWN_PDU_TYPE', 'PDU type', this.consumed, `0x${type.toString(16).padStart(2, '0')} is not a PS3.8 PDU type (0x01-0x07)`);
    }
    if (held < PDU_HEADER_LENGTH) return undefined;
    const length = this.buf.readUInt32BE(this.start + 2); // PS3.8 9.3.1: PDU length at bytes 2-5
    if (length > this.maxPduBytes) {
      return decodeError('PDU_TOO_LARGE', 'PDU length', this.consumed + 2, `declares ${length} bytes, above the limit of ${this.maxPduBytes}`);
    }
    const size = PDU_HEADER_LENGTH + length;
    return held >= size ? size : undefined;
  }
}
