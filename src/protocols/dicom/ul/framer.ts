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
  /** Complete frames (header + body), in stream order; views into the framer's own copy of the bytes. */
  readonly frames: readonly Buffer[];
  /** Set once the stream is unusable; every later push returns the same error and no frames. */
  readonly error?: UlDecodeError;
}

/** Smallest staging buffer; it grows by doubling so each byte is copied O(1) times. */
const MIN_CAPACITY = 16 * 1024;

export class PduFramer {
  private readonly maxPduBytes: number;
  /**
   * Staging buffer: bytes [start, end) are buffered. Frames are views into it, so it is never
   * overwritten below `end`: when full, a new buffer is allocated instead of compacting in place.
   */
  private buf: Buffer = Buffer.alloc(0);
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
        this.buf = Buffer.alloc(0);
        this.start = this.end = 0;
        return { frames, error: size };
      }
      frames.push(this.buf.subarray(this.start, this.start + size));
      this.start += size;
      this.consumed += size;
    }
  }

  private append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.end + chunk.length > this.buf.length) {
      const held = this.end - this.start;
      const next = Buffer.allocUnsafe(Math.max(MIN_CAPACITY, 2 * (held + chunk.length)));
      this.buf.copy(next, 0, this.start, this.end);
      this.buf = next;
      this.start = 0;
      this.end = held;
    }
    chunk.copy(this.buf, this.end);
    this.end += chunk.length;
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
