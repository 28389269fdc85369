/**
 * Bounds-checked little-endian reads for the SMB codecs. A read past the end
 * throws Truncated inside a decoder; every exported decoder catches it and
 * returns an error value naming the field and offset (STYLE.md habit 4).
 */
import type { CodecError } from '../dicom/dataset/result.ts';

export type SmbCodecErrorCode = 'truncated' | 'bad-signature' | 'bad-structure' | 'bad-length' | 'unexpected-type';
export type SmbCodecError = CodecError<SmbCodecErrorCode>;
export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SmbCodecError };

class DecodeFailure extends Error {
  constructor(readonly error: SmbCodecError) {
    super(error.message);
  }
}

export function failure(code: SmbCodecErrorCode, field: string, offset: number, detail: string): DecodeFailure {
  return new DecodeFailure({ code, field, offset, message: `${field} at offset ${offset}: ${detail}` });
}

export class Cursor {
  constructor(
    readonly buf: Buffer,
    public offset = 0,
  ) {}

  need(n: number, field: string, at = this.offset): void {
    if (at < 0 || at + n > this.buf.length) throw failure('truncated', field, at, `needs ${n} bytes, ${Math.max(0, this.buf.length - at)} left`);
  }
  u8(field: string): number {
    this.need(1, field);
    return this.buf.readUInt8(this.offset++);
  }
  u16(field: string): number {
    this.need(2, field);
    const v = this.buf.readUInt16LE(this.offset);
    this.offset += 2;
    return v;
  }
  u32(field: string): number {
    this.need(4, field);
    const v = this.buf.readUInt32LE(this.offset);
    this.offset += 4;
    return v;
  }
  u64(field: string): bigint {
    this.need(8, field);
    const v = this.buf.readBigUInt64LE(this.offset);
    this.offset += 8;
    return v;
  }
  bytes(n: number, field: string): Buffer {
    this.need(n, field);
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }
  skip(n: number, field: string): void {
    this.need(n, field);
    this.offset += n;
  }
  align(n: number): void {
    const pad = (n - (this.offset % n)) % n;
    this.offset = Math.min(this.buf.length, this.offset + pad);
  }
  /** A slice at an absolute offset, bounds-checked. */
  at(offset: number, length: number, field: string): Buffer {
    this.need(length, field, offset);
    return this.buf.subarray(offset, offset + length);
  }
}

export function decodeWith<T>(fn: () => T): Decoded<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof DecodeFailure) return { ok: false, error: e.error };
    throw e;
  }
}

/** UTF-16LE text from a peer, reduced to printable characters and capped: it may reach a report. */
export function printable(buf: Buffer, max: number): string {
  const even = buf.subarray(0, buf.length - (buf.length % 2));
  return even.toString('utf16le').replace(/[^\x20-\x7e\u00a0-\uffff]/g, '').replace(/[\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '').slice(0, max);
}
