/**
 * Command sets (PS3.7 6.3): the group 0000 elements that open every DIMSE
 * message. They are always encoded in Implicit VR Little Endian whatever the
 * presentation context's transfer syntax (PS3.7 6.3.1), and begin with
 * CommandGroupLength (0000,0000), the byte count of the elements after it
 * (PS3.7 Annex E), which the encoder computes.
 */
import { type CodecError, type Result, codecError, fail, ok } from '../dataset/result.ts';
import { formatTag, tagGroup } from '../dataset/tag.ts';
import { trimTrailing } from '../dataset/values.ts';
import { DEFAULT_MAX_ELEMENTS, walkDataset, type WalkErrorCode } from '../dataset/walk.ts';
import { UID } from '../uids.ts';

/** PS3.7 Annex E, Table E.1-1: the command elements (retired ones left out) with keyword and VR. */
export const CommandElement = {
  CommandGroupLength: 0x00000000,
  AffectedSOPClassUID: 0x00000002,
  RequestedSOPClassUID: 0x00000003,
  CommandField: 0x00000100,
  MessageID: 0x00000110,
  MessageIDBeingRespondedTo: 0x00000120,
  MoveDestination: 0x00000600,
  Priority: 0x00000700,
  CommandDataSetType: 0x00000800,
  Status: 0x00000900,
  OffendingElement: 0x00000901,
  ErrorComment: 0x00000902,
  ErrorID: 0x00000903,
  AffectedSOPInstanceUID: 0x00001000,
  RequestedSOPInstanceUID: 0x00001001,
  EventTypeID: 0x00001002,
  AttributeIdentifierList: 0x00001005,
  ActionTypeID: 0x00001008,
  NumberOfRemainingSuboperations: 0x00001020,
  NumberOfCompletedSuboperations: 0x00001021,
  NumberOfFailedSuboperations: 0x00001022,
  NumberOfWarningSuboperations: 0x00001023,
  MoveOriginatorApplicationEntityTitle: 0x00001030,
  MoveOriginatorMessageID: 0x00001031,
} as const;

const KEYWORD_BY_TAG = new Map<number, string>(Object.entries(CommandElement).map(([k, t]) => [t, k]));

/** "MessageID (0000,0110)", or the bare tag for an element PS3.7 does not name. */
export function commandElementName(tag: number): string {
  const k = KEYWORD_BY_TAG.get(tag);
  return k === undefined ? formatTag(tag) : `${k} ${formatTag(tag)}`;
}

/** VRs used by command elements (PS3.7 Annex E). */
export type CommandElementInput =
  | { readonly tag: number; readonly vr: 'US'; readonly value: number }
  | { readonly tag: number; readonly vr: 'UL'; readonly value: number }
  | { readonly tag: number; readonly vr: 'UI' | 'AE' | 'LO'; readonly value: string }
  | { readonly tag: number; readonly vr: 'AT'; readonly value: readonly number[] };

export class CommandEncodeError extends Error {
  override readonly name = 'CommandEncodeError';
  constructor(
    readonly code: 'invalid-tag' | 'duplicate-element' | 'invalid-value',
    message: string,
  ) {
    super(message);
  }
}

function checkUint(tag: number, n: number, max: number): void {
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new CommandEncodeError('invalid-value', `${commandElementName(tag)}: ${n} is not an integer in 0..${max}`);
  }
}

/** PS3.5 6.2: UI is padded with NUL to even length, other strings with a space. */
function stringValue(el: { readonly tag: number; readonly vr: 'UI' | 'AE' | 'LO'; readonly value: string }): Buffer {
  if (!/^[\x20-\x7e]*$/.test(el.value)) {
    throw new CommandEncodeError('invalid-value', `${commandElementName(el.tag)}: only printable ASCII is allowed`);
  }
  const raw = Buffer.from(el.value, 'latin1');
  if (raw.length % 2 === 0) return raw;
  return Buffer.concat([raw, Buffer.from([el.vr === 'UI' ? 0x00 : 0x20])]);
}

function valueOf(el: CommandElementInput): Buffer {
  switch (el.vr) {
    case 'US': {
      checkUint(el.tag, el.value, 0xffff);
      const b = Buffer.alloc(2);
      b.writeUInt16LE(el.value);
      return b;
    }
    case 'UL': {
      checkUint(el.tag, el.value, 0xffffffff);
      const b = Buffer.alloc(4);
      b.writeUInt32LE(el.value);
      return b;
    }
    case 'AT': {
      // PS3.5 6.2, AT: each tag as two 16-bit values, group first.
      const b = Buffer.alloc(el.value.length * 4);
      el.value.forEach((t, i) => {
        checkUint(el.tag, t, 0xffffffff);
        b.writeUInt16LE(t >>> 16, i * 4);
        b.writeUInt16LE(t & 0xffff, i * 4 + 2);
      });
      return b;
    }
    default:
      return stringValue(el);
  }
}

/**
 * Encodes a command set in Implicit VR Little Endian (PS3.7 6.3.1), elements in
 * ascending tag order (PS3.5 7.1), preceded by CommandGroupLength (0000,0000)
 * which must not be in `elements`. Throws CommandEncodeError on bad input.
 */
export function encodeCommandSet(elements: readonly CommandElementInput[]): Buffer {
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  const parts: Buffer[] = [];
  let previous = -1;
  for (const el of sorted) {
    if (!Number.isInteger(el.tag) || tagGroup(el.tag) !== 0 || el.tag === CommandElement.CommandGroupLength) {
      throw new CommandEncodeError('invalid-tag', `${formatTag(el.tag)} is not a command element we may set`);
    }
    if (el.tag === previous) throw new CommandEncodeError('duplicate-element', `${commandElementName(el.tag)} appears twice`);
    previous = el.tag;
    const value = valueOf(el);
    const header = Buffer.alloc(8);
    header.writeUInt16LE(0x0000, 0);
    header.writeUInt16LE(el.tag & 0xffff, 2);
    header.writeUInt32LE(value.length, 4);
    parts.push(header, value);
  }
  const body = Buffer.concat(parts);
  // PS3.7 Annex E: CommandGroupLength (UL) = bytes from the end of its value to the end of the group.
  const groupLength = Buffer.alloc(12);
  groupLength.writeUInt32LE(4, 4);
  groupLength.writeUInt32LE(body.length, 8);
  return Buffer.concat([groupLength, body]);
}

export type CommandSetErrorCode =
  | WalkErrorCode
  | 'not-command-group'
  | 'undefined-length'
  | 'duplicate-element'
  | 'missing-element'
  | 'invalid-value-length'
  | 'unknown-command';

export type CommandSetError = CodecError<CommandSetErrorCode>;

export interface CommandValue {
  /** Offset of the value in the decoded buffer. */
  readonly offset: number;
  readonly bytes: Buffer;
}

export interface CommandSet {
  /** Value bytes of each element, including CommandGroupLength, keyed by tag. */
  readonly elements: ReadonlyMap<number, CommandValue>;
  /**
   * CommandGroupLength as sent (undefined when absent) and as counted. A
   * mismatch is recorded, not refused: the elements themselves parsed cleanly.
   */
  readonly groupLength: { readonly declared: number | undefined; readonly actual: number };
}

/**
 * Decodes a command set: Implicit VR Little Endian elements, all of group 0000,
 * none of undefined length, none twice. Never throws.
 */
export function decodeCommandSet(buf: Buffer): Result<CommandSet, CommandSetError> {
  return decodePlainCommandSet(buf) ?? walkCommandSet(buf);
}

/**
 * The command set every peer sends, read in one loop: group 0000 elements of
 * defined length, each whole, none twice, no more than the walker allows.
 * Anything else is undefined, and the walker reads it again to name what
 * broke. (Each response is decoded twice, by the assembler and by the check:
 * the walker's generator, header and element objects were most of a C-ECHO's
 * decoding garbage.) The same result as walkCommandSet, whatever the bytes.
 */
function decodePlainCommandSet(buf: Buffer): Result<CommandSet, CommandSetError> | undefined {
  const elements = new Map<number, CommandValue>();
  let afterGroupLength: number | undefined;
  let offset = 0;
  for (let count = 1; offset < buf.length; count++) {
    // PS3.5 7.1.3: tag (group, element), then a 32-bit value length.
    if (count > DEFAULT_MAX_ELEMENTS || buf.length - offset < 8 || buf.readUInt16LE(offset) !== 0) return undefined;
    const tag = buf.readUInt16LE(offset + 2);
    const length = buf.readUInt32LE(offset + 4);
    const valueOffset = offset + 8;
    // Undefined length (FFFFFFFFH) is over any buffer's length too.
    if (length > buf.length - valueOffset || elements.has(tag)) return undefined;
    elements.set(tag, { offset: valueOffset, bytes: buf.subarray(valueOffset, valueOffset + length) });
    if (tag === CommandElement.CommandGroupLength) afterGroupLength = valueOffset + length;
    offset = valueOffset + length;
  }
  return ok(withGroupLength(buf, elements, afterGroupLength));
}

function withGroupLength(buf: Buffer, elements: Map<number, CommandValue>, afterGroupLength: number | undefined): CommandSet {
  const gl = elements.get(CommandElement.CommandGroupLength);
  const declared = gl !== undefined && gl.bytes.length === 4 ? gl.bytes.readUInt32LE(0) : undefined;
  return { elements, groupLength: { declared, actual: buf.length - (afterGroupLength ?? 0) } };
}

/** decodeCommandSet through the dataset walker: the reference reading, whose errors name the field that broke. */
export function walkCommandSet(buf: Buffer): Result<CommandSet, CommandSetError> {
  const elements = new Map<number, CommandValue>();
  const walk = walkDataset(buf, UID.implicitVrLittleEndian);
  let afterGroupLength: number | undefined;
  for (;;) {
    const step = walk.next();
    if (step.done) {
      if (!step.value.ok) return fail(step.value.error);
      break;
    }
    const el = step.value;
    const headerOffset = el.valueOffset - 8;
    if (tagGroup(el.tag) !== 0) {
      return fail(codecError('not-command-group', 'element tag', headerOffset, `${formatTag(el.tag)} in a command set`));
    }
    if (el.undefinedLength) {
      return fail(codecError('undefined-length', `value length of ${commandElementName(el.tag)}`, headerOffset + 4, 'command elements have defined lengths'));
    }
    if (elements.has(el.tag)) {
      return fail(codecError('duplicate-element', commandElementName(el.tag), headerOffset, 'appears twice'));
    }
    elements.set(el.tag, { offset: el.valueOffset, bytes: buf.subarray(el.valueOffset, el.valueOffset + el.length) });
    if (el.tag === CommandElement.CommandGroupLength) afterGroupLength = el.valueOffset + el.length;
  }
  return ok(withGroupLength(buf, elements, afterGroupLength));
}

/** A US element: undefined when absent, an error when not exactly 2 bytes. */
export function getUs(cs: CommandSet, tag: number): Result<number | undefined, CommandSetError> {
  const v = cs.elements.get(tag);
  if (v === undefined) return ok(undefined);
  if (v.bytes.length !== 2) {
    return fail(codecError('invalid-value-length', `value of ${commandElementName(tag)}`, v.offset, `US needs 2 bytes, has ${v.bytes.length}`));
  }
  return ok(v.bytes.readUInt16LE(0));
}

/** A string element (UI, AE, LO): trailing spaces and NULs removed (PS3.5 6.2). */
export function getString(cs: CommandSet, tag: number): string | undefined {
  const v = cs.elements.get(tag);
  return v === undefined ? undefined : trimTrailing(v.bytes.toString('latin1'));
}

/** An AT element: its tags; an error when the length is not a multiple of 4. */
export function getAt(cs: CommandSet, tag: number): Result<number[] | undefined, CommandSetError> {
  const v = cs.elements.get(tag);
  if (v === undefined) return ok(undefined);
  if (v.bytes.length % 4 !== 0) {
    return fail(codecError('invalid-value-length', `value of ${commandElementName(tag)}`, v.offset, `AT needs a multiple of 4 bytes, has ${v.bytes.length}`));
  }
  const tags: number[] = [];
  for (let i = 0; i < v.bytes.length; i += 4) tags.push((v.bytes.readUInt16LE(i) * 0x10000 + v.bytes.readUInt16LE(i + 2)) >>> 0);
  return ok(tags);
}
