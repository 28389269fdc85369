/**
 * Result values shared by the DICOM codecs: decoders return these instead of
 * throwing (STYLE.md habit 4). Error messages name the field and the byte
 * offset where decoding stopped, never a decoded value: a value could be
 * patient data.
 */

export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export interface CodecError<Code extends string> {
  readonly code: Code;
  /** The field being read when decoding stopped, e.g. "value length of (0010,0020)". */
  readonly field: string;
  /** Offset of that field from the start of the buffer given to the decoder. */
  readonly offset: number;
  readonly message: string;
}

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function fail<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}

export function codecError<Code extends string>(code: Code, field: string, offset: number, detail: string): CodecError<Code> {
  return { code, field, offset, message: `${field} at offset ${offset}: ${detail}` };
}
