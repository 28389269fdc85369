/**
 * Encoding helpers: each writes one named field, big endian (PS3.8 9.3.1), and refuses a
 * value the wire cannot carry. Encoding works on our own values, so a bad value is a
 * programming error: it throws `UlEncodeError` (typed, with the field) instead of
 * silently truncating.
 */

export type UlEncodeErrorCode = 'OUT_OF_RANGE' | 'TOO_LONG' | 'INVALID_VALUE';

export class UlEncodeError extends Error {
  readonly code: UlEncodeErrorCode;
  readonly field: string;
  constructor(code: UlEncodeErrorCode, field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'UlEncodeError';
    this.code = code;
    this.field = field;
  }
}

function checkUint(value: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new UlEncodeError('OUT_OF_RANGE', field, `${value} is not an integer in 0..${max}`);
  }
}

export function u8(value: number, field: string): Buffer {
  checkUint(value, 0xff, field);
  return Buffer.from([value]);
}

export function u16(value: number, field: string): Buffer {
  checkUint(value, 0xffff, field);
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return b;
}

export function u32(value: number, field: string): Buffer {
  checkUint(value, 0xffffffff, field);
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value);
  return b;
}

/** Reserved bytes are sent as zero (PS3.8 9.3.1). */
export function reserved(length: number): Buffer {
  return Buffer.alloc(length);
}

/** Text as single bytes (UIDs and AE titles are ASCII, PS3.8 Annex F and 9.3.2). */
export function latin1(text: string, field: string): Buffer {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0xff) {
      throw new UlEncodeError('INVALID_VALUE', field, `character ${i} is outside the single-byte repertoire`);
    }
  }
  return Buffer.from(text, 'latin1');
}

/** PS3.8 9.3.2: AE titles are 16 bytes, padded with trailing spaces. */
export function aeTitle(title: string, field: string): Buffer {
  const bytes = latin1(title, field);
  if (bytes.length > 16) throw new UlEncodeError('TOO_LONG', field, `${bytes.length} bytes, at most 16`);
  const padded = Buffer.alloc(16, 0x20);
  bytes.copy(padded);
  return padded;
}

/** PS3.8 9.3.2.x and Annex D: item type (1), reserved (1), item length (2), body. */
export function item(itemType: number, body: readonly Buffer[], name: string): Buffer {
  const length = body.reduce((n, b) => n + b.length, 0);
  if (length > 0xffff) throw new UlEncodeError('TOO_LONG', `${name} length`, `${length} bytes, an item holds at most 65535`);
  return Buffer.concat([u8(itemType, `${name} type`), reserved(1), u16(length, `${name} length`), ...body]);
}
