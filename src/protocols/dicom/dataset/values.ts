/**
 * Readers for the few values the scanner needs from an element the walker
 * found. Each returns undefined rather than throwing when the value is absent,
 * of the wrong size or malformed. Both supported transfer syntaxes are little
 * endian (PS3.5 A.1, A.2).
 *
 * Strings are decoded byte for byte (latin1), with no character set
 * conversion: the same bytes always give the same string, which is what keyed
 * hashing of identifiers needs, and nothing here is ever displayed.
 */
import type { DatasetElement } from './walk.ts';

/** The value bytes (a view, not a copy), or undefined for an undefined-length value or one outside `buf`. */
export function valueBytes(buf: Buffer, el: DatasetElement): Buffer | undefined {
  if (el.undefinedLength) return undefined;
  if (el.valueOffset < 0 || el.length < 0 || el.valueOffset + el.length > buf.length) return undefined;
  return buf.subarray(el.valueOffset, el.valueOffset + el.length);
}

/** A non-empty value: what the attribute inventory counts (a universal-matching key comes back zero-length). */
export function hasValue(el: DatasetElement): boolean {
  return el.length > 0;
}

/** PS3.5 6.2: string values are padded to even length with a space, UI with NUL; trailing padding is not significant. */
export function trimTrailing(s: string): string {
  let end = s.length;
  while (end > 0 && (s.charCodeAt(end - 1) === 0x20 || s.charCodeAt(end - 1) === 0x00)) end--;
  return s.slice(0, end);
}

/** The whole value as one string, trailing spaces and NULs removed. */
export function readString(buf: Buffer, el: DatasetElement): string | undefined {
  const bytes = valueBytes(buf, el);
  return bytes === undefined ? undefined : trimTrailing(bytes.toString('latin1'));
}

/**
 * PS3.5 6.4: values of a multi-valued string are separated by a backslash.
 * Each value is trimmed of spaces at both ends and of trailing NULs (for the
 * code-string and number VRs leading spaces are not significant either).
 */
export function splitMultiValue(s: string): string[] {
  if (s.length === 0) return [];
  return s.split('\\').map((v) => trimTrailing(v).replace(/^ +/, ''));
}

/** The values of a multi-valued string element (e.g. ModalitiesInStudy "CT\MR"). */
export function readStrings(buf: Buffer, el: DatasetElement): string[] | undefined {
  const s = readString(buf, el);
  return s === undefined ? undefined : splitMultiValue(s);
}

/**
 * PS3.5 6.2, IS: an optionally signed decimal integer, at most 12 characters,
 * leading and trailing spaces allowed. Returns the first value. Values beyond
 * the IS range (a 32-bit signed integer) are accepted when they are safe
 * integers: a count a server over-reports is still a count.
 */
export function readIntegerString(buf: Buffer, el: DatasetElement): number | undefined {
  const values = readStrings(buf, el);
  const first = values?.[0];
  if (first === undefined || !/^[+-]?\d{1,12}$/.test(first)) return undefined;
  const n = Number(first);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** US: 16-bit unsigned, value `index` of a multi-valued element. */
export function readUint16(buf: Buffer, el: DatasetElement, index = 0): number | undefined {
  const bytes = valueBytes(buf, el);
  if (bytes === undefined || index < 0 || bytes.length < (index + 1) * 2) return undefined;
  return bytes.readUInt16LE(index * 2);
}

/** UL: 32-bit unsigned, value `index` of a multi-valued element. */
export function readUint32(buf: Buffer, el: DatasetElement, index = 0): number | undefined {
  const bytes = valueBytes(buf, el);
  if (bytes === undefined || index < 0 || bytes.length < (index + 1) * 4) return undefined;
  return bytes.readUInt32LE(index * 4);
}
