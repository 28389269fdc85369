/**
 * A defensive walker over the top-level elements of a dataset, reading tags and
 * lengths only. The scanner builds its attribute inventory from this without
 * decoding a single value; values it does need are read with values.ts.
 *
 * Sequences (and any other value of undefined length) are skipped, contents
 * unseen, by following items and delimiters (PS3.5 7.5), down to a bounded
 * depth; the top-level elements yielded are bounded in number too. Every read
 * is bounds-checked: a truncated, overlong, too deep or too long input ends
 * the walk with an error value naming the field and its offset; nothing throws.
 */
import { UID } from '../uids.ts';
import { type CodecError, codecError } from './result.ts';
import {
  ITEM,
  ITEM_DELIMITATION,
  SEQUENCE_DELIMITATION,
  UNDEFINED_LENGTH,
  formatTag,
  tagGroup,
} from './tag.ts';

export type VrEncoding = 'implicit' | 'explicit';

/** Only the two little-endian transfer syntaxes used for C-FIND identifiers (PS3.5 A.1, A.2). */
export function vrEncodingOf(transferSyntax: string): VrEncoding | undefined {
  if (transferSyntax === UID.implicitVrLittleEndian) return 'implicit';
  if (transferSyntax === UID.explicitVrLittleEndian) return 'explicit';
  return undefined;
}

export interface DatasetElement {
  /** group << 16 | element. */
  readonly tag: number;
  /** The VR as sent, in Explicit VR only: Implicit VR carries none (PS3.5 7.1.3). */
  readonly vr?: string;
  /**
   * Bytes of the value. For a value of undefined length this is measured: the
   * bytes from valueOffset up to, not including, the Sequence Delimitation Item.
   */
  readonly length: number;
  readonly undefinedLength: boolean;
  /** Offset of the first value byte in the walked buffer. */
  readonly valueOffset: number;
}

export type WalkErrorCode =
  | 'unsupported-transfer-syntax'
  | 'truncated'
  | 'length-beyond-buffer'
  | 'invalid-vr'
  | 'unexpected-delimiter'
  | 'unexpected-tag-in-sequence'
  | 'depth-exceeded'
  | 'too-many-elements';

export type WalkError = CodecError<WalkErrorCode>;

export type WalkOutcome = { readonly ok: true } | { readonly ok: false; readonly error: WalkError };

export interface WalkOptions {
  /** Deepest sequence nesting to follow; deeper input is an error. Default 16. */
  readonly maxDepth?: number;
  /** Most top-level elements yielded; one more is an error. Default 10,000. */
  readonly maxElements?: number;
}

export const DEFAULT_MAX_DEPTH = 16;

/**
 * PS3.6 registers some 5,000 public attributes; a dataset with twice that many
 * top-level elements is no dataset an archive writes, and the list a caller
 * collects (listElements) stays small whatever the message cap allows (at 8
 * bytes an element, the scan's 4 MiB cap on a C-FIND identifier holds 524,288).
 * Nested elements are skipped, never listed: their cost is one pass over their bytes.
 */
export const DEFAULT_MAX_ELEMENTS = 10_000;

/**
 * PS3.5 7.1.2, Table 7.1-1: VRs whose explicit header has two reserved bytes
 * and a 32-bit length; all other VRs have a 16-bit length.
 */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const SHORT_VRS = new Set([
  'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT',
  'PN', 'SH', 'SL', 'SS', 'ST', 'TM', 'UI', 'UL', 'US',
]);

interface Header {
  readonly tag: number;
  readonly vr?: string;
  readonly length: number;
  /** Where the value length field sits, for error messages. */
  readonly lengthOffset: number;
  readonly headerLength: number;
}

/** PS3.5 7.1: group then element, each a 16-bit little-endian integer. */
function readTag(buf: Buffer, offset: number): number {
  return (buf.readUInt16LE(offset) * 0x10000 + buf.readUInt16LE(offset + 2)) >>> 0;
}

/** Reads one element header at `offset`. Items and delimiters (group FFFE) never carry a VR (PS3.5 7.5). */
function readHeader(buf: Buffer, offset: number, enc: VrEncoding): Header | WalkError {
  const left = buf.length - offset;
  if (left < 8) return codecError('truncated', 'element header', offset, `needs 8 bytes, ${left} left`);
  const tag = readTag(buf, offset);
  if (enc === 'implicit' || tagGroup(tag) === 0xfffe) {
    // PS3.5 7.1.3: tag, then a 32-bit value length.
    return { tag, length: buf.readUInt32LE(offset + 4), lengthOffset: offset + 4, headerLength: 8 };
  }
  // PS3.5 7.1.2: tag, two VR characters, then a 16-bit length or two reserved bytes and a 32-bit length.
  const vr = buf.toString('latin1', offset + 4, offset + 6);
  if (SHORT_VRS.has(vr)) return { tag, vr, length: buf.readUInt16LE(offset + 6), lengthOffset: offset + 6, headerLength: 8 };
  if (!LONG_VRS.has(vr)) return codecError('invalid-vr', `VR of ${formatTag(tag)}`, offset + 4, 'not a VR of PS3.5 Table 6.2-1');
  if (left < 12) return codecError('truncated', `header of ${formatTag(tag)}`, offset, `needs 12 bytes, ${left} left`);
  return { tag, vr, length: buf.readUInt32LE(offset + 8), lengthOffset: offset + 8, headerLength: 12 };
}

function isError(x: object): x is WalkError {
  return 'code' in x;
}

/** PS3.5 6.2.2: a UN value of undefined length is a sequence encoded in Implicit VR Little Endian. */
function nestedEncoding(enc: VrEncoding, vr: string | undefined): VrEncoding {
  return vr === 'UN' ? 'implicit' : enc;
}

interface Skipped {
  /** Offset just past the Sequence Delimitation Item. */
  readonly end: number;
  /** Bytes of items before the delimiter. */
  readonly contentLength: number;
}

/**
 * Skips the items of an undefined-length value starting at `start` (PS3.5 7.5.1,
 * 7.5.2): items of defined length are jumped over, items of undefined length are
 * walked element by element to their Item Delimitation Item.
 */
function skipSequence(buf: Buffer, start: number, enc: VrEncoding, depth: number, maxDepth: number): Skipped | WalkError {
  if (depth > maxDepth) return codecError('depth-exceeded', 'sequence', start, `nested deeper than ${maxDepth}`);
  let offset = start;
  for (;;) {
    const left = buf.length - offset;
    if (left < 8) return codecError('truncated', 'item header', offset, `needs 8 bytes, ${left} left`);
    const t = readTag(buf, offset);
    const length = buf.readUInt32LE(offset + 4);
    if (t === SEQUENCE_DELIMITATION) {
      // PS3.5 7.5.2: its length should be 0; a non-zero length is ignored, not followed.
      return { end: offset + 8, contentLength: offset - start };
    }
    if (t !== ITEM) {
      return codecError('unexpected-tag-in-sequence', 'item tag', offset, `${formatTag(t)} where an item or a sequence delimiter belongs`);
    }
    if (length === UNDEFINED_LENGTH) {
      const end = skipItemElements(buf, offset + 8, enc, depth, maxDepth);
      if (typeof end !== 'number') return end;
      offset = end;
    } else {
      if (length > left - 8) {
        return codecError('length-beyond-buffer', 'item length', offset + 4, `${length} bytes declared, ${left - 8} left`);
      }
      offset += 8 + length;
    }
  }
}

/** Walks the elements of an undefined-length item to just past its Item Delimitation Item (PS3.5 7.5.2). */
function skipItemElements(buf: Buffer, start: number, enc: VrEncoding, depth: number, maxDepth: number): number | WalkError {
  let offset = start;
  for (;;) {
    const h = readHeader(buf, offset, enc);
    if (isError(h)) return h;
    if (h.tag === ITEM_DELIMITATION) return offset + 8;
    if (tagGroup(h.tag) === 0xfffe) {
      return codecError('unexpected-delimiter', 'element tag', offset, `${formatTag(h.tag)} inside an item`);
    }
    const valueOffset = offset + h.headerLength;
    if (h.length === UNDEFINED_LENGTH) {
      const s = skipSequence(buf, valueOffset, nestedEncoding(enc, h.vr), depth + 1, maxDepth);
      if (isError(s)) return s;
      offset = s.end;
    } else {
      if (h.length > buf.length - valueOffset) {
        const field = `value length of ${formatTag(h.tag)}`;
        return codecError('length-beyond-buffer', field, h.lengthOffset, `${h.length} bytes declared, ${buf.length - valueOffset} left`);
      }
      offset = valueOffset + h.length;
    }
  }
}

/**
 * Yields the top-level elements of `buf` in order; the generator's return value
 * says whether the whole buffer was walked or where it broke. Elements yielded
 * before an error are sound.
 *
 * In Implicit VR a value of undefined length is taken to be a sequence: that
 * is the only VR knowledge the walker needs (PS3.5 7.5: only SQ, and UN or OB/OW
 * pixel data, may have undefined length; all are made of items).
 */
export function* walkDataset(
  buf: Buffer,
  transferSyntax: string,
  options: WalkOptions = {},
): Generator<DatasetElement, WalkOutcome, undefined> {
  const enc = vrEncodingOf(transferSyntax);
  if (enc === undefined) return { ok: false, error: unsupportedTransferSyntax() };
  return yield* walkElements(buf, enc, options);
}

function unsupportedTransferSyntax(): WalkError {
  return codecError('unsupported-transfer-syntax', 'transfer syntax', 0, 'only Implicit and Explicit VR Little Endian are walked');
}

/** walkDataset once the encoding is known: a dataset, or the elements of one item (listItems). */
function* walkElements(buf: Buffer, enc: VrEncoding, options: WalkOptions): Generator<DatasetElement, WalkOutcome, undefined> {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
  let offset = 0;
  let count = 0;
  while (offset < buf.length) {
    if (++count > maxElements) {
      return { ok: false, error: codecError('too-many-elements', 'element header', offset, `more than ${maxElements} elements`) };
    }
    const h = readHeader(buf, offset, enc);
    if (isError(h)) return { ok: false, error: h };
    if (tagGroup(h.tag) === 0xfffe) {
      return { ok: false, error: codecError('unexpected-delimiter', 'element tag', offset, `${formatTag(h.tag)} outside a sequence`) };
    }
    const valueOffset = offset + h.headerLength;
    const vrPart = h.vr === undefined ? {} : { vr: h.vr };
    if (h.length === UNDEFINED_LENGTH) {
      const s = skipSequence(buf, valueOffset, nestedEncoding(enc, h.vr), 1, maxDepth);
      if (isError(s)) return { ok: false, error: s };
      yield { tag: h.tag, ...vrPart, length: s.contentLength, undefinedLength: true, valueOffset };
      offset = s.end;
    } else {
      const left = buf.length - valueOffset;
      if (h.length > left) {
        const field = `value length of ${formatTag(h.tag)}`;
        return { ok: false, error: codecError('length-beyond-buffer', field, h.lengthOffset, `${h.length} bytes declared, ${left} left`) };
      }
      yield { tag: h.tag, ...vrPart, length: h.length, undefinedLength: false, valueOffset };
      offset = valueOffset + h.length;
    }
  }
  return { ok: true };
}

export type WalkResult =
  | { readonly ok: true; readonly elements: readonly DatasetElement[] }
  | { readonly ok: false; readonly error: WalkError; readonly elements: readonly DatasetElement[] };

/** walkDataset, collected: the elements read before an error are kept (a partial result is still evidence). */
export function listElements(buf: Buffer, transferSyntax: string, options: WalkOptions = {}): WalkResult {
  const elements: DatasetElement[] = [];
  const it = walkDataset(buf, transferSyntax, options);
  for (;;) {
    const step = it.next();
    if (step.done) {
      return step.value.ok ? { ok: true, elements } : { ok: false, error: step.value.error, elements };
    }
    elements.push(step.value);
  }
}

/** The first element with `tag`, if any. */
export function findElement(elements: readonly DatasetElement[], tag: number): DatasetElement | undefined {
  return elements.find((e) => e.tag === tag);
}

/** An error found in a sub-buffer, its offset (and message) made relative to the whole buffer. */
function shifted(e: WalkError, by: number): WalkError {
  const prefix = `${e.field} at offset ${e.offset}: `;
  return codecError(e.code, e.field, e.offset + by, e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message);
}

export type ItemsResult =
  | { readonly ok: true; readonly items: readonly (readonly DatasetElement[])[] }
  | { readonly ok: false; readonly error: WalkError; readonly items: readonly (readonly DatasetElement[])[] };

export interface ItemsOptions extends WalkOptions {
  /** Items read at most; the rest are left unread (not an error). Default 1. */
  readonly maxItems?: number;
}

/**
 * The top-level elements of each item of a sequence element the walker yielded
 * (PS3.5 7.5.1), for a caller that needs to see inside one: a worklist's
 * Scheduled Procedure Step Sequence. Offsets are into `buf`, so values read
 * with values.ts as for any element. Items past `maxItems` are not read; items
 * nested in an item are skipped as the walker skips them. The same checks as
 * walkDataset: a malformed item ends the list with an error naming where.
 */
export function listItems(buf: Buffer, sequence: DatasetElement, transferSyntax: string, options: ItemsOptions = {}): ItemsResult {
  const items: DatasetElement[][] = [];
  const topEnc = vrEncodingOf(transferSyntax);
  if (topEnc === undefined) return { ok: false, error: unsupportedTransferSyntax(), items };
  const enc = nestedEncoding(topEnc, sequence.vr);
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxItems = options.maxItems ?? 1;
  const end = sequence.valueOffset + sequence.length;
  // Bounded by the sequence's own value: nothing inside it is read past its end.
  const value = buf.subarray(0, Math.min(end, buf.length));
  let offset = sequence.valueOffset;
  while (offset < value.length && items.length < maxItems) {
    const left = value.length - offset;
    if (left < 8) return { ok: false, error: codecError('truncated', 'item header', offset, `needs 8 bytes, ${left} left`), items };
    const t = readTag(value, offset);
    if (t !== ITEM) {
      return { ok: false, error: codecError('unexpected-tag-in-sequence', 'item tag', offset, `${formatTag(t)} where an item belongs`), items };
    }
    const length = value.readUInt32LE(offset + 4);
    const start = offset + 8;
    let stop: number;
    if (length === UNDEFINED_LENGTH) {
      const after = skipItemElements(value, start, enc, 1, maxDepth);
      if (typeof after !== 'number') return { ok: false, error: after, items };
      stop = after - 8; // the Item Delimitation Item is not an element of the item
      offset = after;
    } else {
      if (length > left - 8) return { ok: false, error: codecError('length-beyond-buffer', 'item length', offset + 4, `${length} bytes declared, ${left - 8} left`), items };
      stop = start + length;
      offset = stop;
    }
    const elements: DatasetElement[] = [];
    const it = walkElements(value.subarray(start, stop), enc, { ...options, maxDepth: maxDepth - 1 });
    for (;;) {
      const step = it.next();
      if (step.done) {
        if (!step.value.ok) {
          return { ok: false, error: shifted(step.value.error, start), items };
        }
        break;
      }
      elements.push({ ...step.value, valueOffset: step.value.valueOffset + start });
    }
    items.push(elements);
  }
  return { ok: true, items };
}
