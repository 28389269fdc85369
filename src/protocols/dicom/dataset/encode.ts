/**
 * Dataset encoding: C-FIND identifiers for the scanner, response datasets for
 * the lab's SCPs. A typed wrapper over dcmjs (docs/decisions/0002-dataset-coding.md):
 * callers pass typed elements and get bytes, and never see dcmjs.
 *
 * dcmjs writes a bare dataset (no Part-10 preamble or meta header) in both
 * Implicit and Explicit VR Little Endian, in ascending tag order (PS3.5 7.1),
 * pads values to even length (PS3.5 7.1.1: spaces, NUL for UI) and writes
 * sequences with undefined length and delimiters (PS3.5 7.5). What it does not
 * do is check its input: an unknown VR makes it log and throw a TypeError, and
 * it writes any string as UTF-8 whatever Specific Character Set says. So the
 * checks are made here first, and encoding errors are typed.
 */
import { createRequire } from 'node:module';
import type Dcmjs from 'dcmjs';
import type { DcmjsDict, DcmjsElement } from 'dcmjs';
import { UID } from '../uids.ts';
import { Tags, formatTag, tagGroup, tagKey } from './tag.ts';

let library: typeof Dcmjs | undefined;

/**
 * dcmjs, loaded on the first dataset written rather than when this module is
 * imported: it is the largest library a scan loads (~15 MB resident, ~40 ms),
 * and `--help`, a dry run or a scan that meets no open DICOM port never need
 * it. Loaded synchronously (its CommonJS build) so encoding stays synchronous.
 */
function dcmjs(): typeof Dcmjs {
  if (library) return library;
  library = createRequire(import.meta.url)('dcmjs') as typeof Dcmjs;
  // dcmjs logs through its own bundled loglevel; mute it at its level setting
  // (LIBRARIES.md: setLevel, not .level), including the child logger that its
  // VR lookup reports to.
  library.log.setLevel('silent');
  library.log.getLogger('validation.dcmjs').setLevel('silent');
  return library;
}

/** VRs whose values are character strings (PS3.5 6.2). */
export const STRING_VRS = [
  'AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT',
] as const;
export type StringVr = (typeof STRING_VRS)[number];
export const NUMBER_VRS = ['US', 'UL', 'SS', 'SL', 'FL', 'FD'] as const;
export type NumberVr = (typeof NUMBER_VRS)[number];
export const BYTES_VRS = ['OB', 'OW', 'UN'] as const;
export type BytesVr = (typeof BYTES_VRS)[number];

export type ElementInput =
  | { readonly tag: number; readonly vr: StringVr; readonly value: string | readonly string[] }
  | { readonly tag: number; readonly vr: NumberVr; readonly value: number | readonly number[] }
  | { readonly tag: number; readonly vr: BytesVr; readonly value: Uint8Array }
  | { readonly tag: number; readonly vr: 'SQ'; readonly items: readonly (readonly ElementInput[])[] };

/** A C-FIND key: an empty or absent value asks for universal matching (PS3.4 C.2.2.2.3). */
export interface FindKey {
  readonly tag: number;
  readonly vr: StringVr;
  readonly value?: string;
}

/** PS3.4 C.6: values of Query/Retrieve Level (0008,0052). */
export type QueryRetrieveLevel = 'PATIENT' | 'STUDY' | 'SERIES' | 'IMAGE';

export type DatasetEncodeErrorCode =
  | 'unsupported-transfer-syntax'
  | 'invalid-tag'
  | 'duplicate-tag'
  | 'invalid-vr'
  | 'invalid-value'
  | 'character-set'
  | 'encoder-failed';

/** Thrown for input a caller built wrongly: encoding our own values is not a protocol event. */
export class DatasetEncodeError extends Error {
  override readonly name = 'DatasetEncodeError';
  constructor(
    readonly code: DatasetEncodeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const NUMBER_RANGE: Record<NumberVr, readonly [number, number] | undefined> = {
  US: [0, 0xffff],
  UL: [0, 0xffffffff],
  SS: [-0x8000, 0x7fff],
  SL: [-0x80000000, 0x7fffffff],
  FL: undefined,
  FD: undefined,
};

function isOneOf<T extends string>(list: readonly T[], s: string): s is T {
  return (list as readonly string[]).includes(s);
}

function checkTag(t: number): void {
  if (!Number.isInteger(t) || t < 0 || t > 0xffffffff) throw new DatasetEncodeError('invalid-tag', `${t} is not a 32-bit tag`);
  const g = tagGroup(t);
  // PS3.5 7.1: group 0000 is the command set (command-set.ts), 0002 the file meta
  // header, FFFE items and delimiters; 7.8.1: groups 0001, 0003, 0005, 0007 and FFFF are not allowed.
  if ([0x0000, 0x0001, 0x0002, 0x0003, 0x0005, 0x0007, 0xfffe, 0xffff].includes(g)) {
    throw new DatasetEncodeError('invalid-tag', `${formatTag(t)} cannot appear in a dataset`);
  }
}

function strings(value: string | readonly string[]): string[] {
  return typeof value === 'string' ? [value] : [...value];
}

const NON_ASCII = /[^\x00-\x7f]/;

function checkNumbers(el: { readonly tag: number; readonly vr: NumberVr; readonly value: number | readonly number[] }): void {
  const range = NUMBER_RANGE[el.vr];
  for (const n of typeof el.value === 'number' ? [el.value] : el.value) {
    const inRange = range === undefined || (Number.isInteger(n) && n >= range[0] && n <= range[1]);
    if (typeof n !== 'number' || !Number.isFinite(n) || !inRange) {
      throw new DatasetEncodeError('invalid-value', `${formatTag(el.tag)}: ${el.vr} value out of range`);
    }
  }
}

/** Checks one level and its items; returns whether any string is non-ASCII. */
function check(elements: readonly ElementInput[]): boolean {
  const seen = new Set<number>();
  let nonAscii = false;
  for (const el of elements) {
    checkTag(el.tag);
    if (seen.has(el.tag)) throw new DatasetEncodeError('duplicate-tag', `${formatTag(el.tag)} appears twice`);
    seen.add(el.tag);
    switch (el.vr) {
      case 'SQ':
        for (const item of el.items) nonAscii = check(item) || nonAscii;
        break;
      case 'OB':
      case 'OW':
      case 'UN':
        if (!(el.value instanceof Uint8Array)) throw new DatasetEncodeError('invalid-value', `${formatTag(el.tag)}: ${el.vr} needs bytes`);
        break;
      case 'US':
      case 'UL':
      case 'SS':
      case 'SL':
      case 'FL':
      case 'FD':
        checkNumbers(el);
        break;
      default:
        // The type says a string VR; callers from plain JS or casts may say otherwise.
        if (!isOneOf(STRING_VRS, el.vr)) {
          throw new DatasetEncodeError('invalid-vr', `${formatTag(el.tag)}: ${JSON.stringify(el.vr)} is not a supported VR`);
        }
        if (strings(el.value).some((v) => typeof v !== 'string')) {
          throw new DatasetEncodeError('invalid-value', `${formatTag(el.tag)}: ${el.vr} needs strings`);
        }
        if (strings(el.value).some((v) => NON_ASCII.test(v))) nonAscii = true;
    }
  }
  return nonAscii;
}

function toDcmjs(elements: readonly ElementInput[]): DcmjsDict {
  const dict: DcmjsDict = {};
  for (const el of elements) {
    let entry: DcmjsElement;
    switch (el.vr) {
      case 'SQ':
        entry = { vr: 'SQ', Value: el.items.map(toDcmjs) };
        break;
      case 'OB':
      case 'OW':
      case 'UN':
        entry = { vr: el.vr, Value: [Uint8Array.from(el.value).buffer] };
        break;
      case 'US':
      case 'UL':
      case 'SS':
      case 'SL':
      case 'FL':
      case 'FD':
        entry = { vr: el.vr, Value: typeof el.value === 'number' ? [el.value] : [...el.value] };
        break;
      default:
        entry = { vr: el.vr, Value: strings(el.value) };
    }
    // Keys are 8 upper-case hex digits, so dcmjs's string sort is ascending tag order.
    dict[tagKey(el.tag)] = entry;
  }
  return dict;
}

type StringElement = Extract<ElementInput, { readonly vr: StringVr }>;

function isStringElement(el: ElementInput): el is StringElement {
  return isOneOf(STRING_VRS, el.vr);
}

function specificCharacterSet(elements: readonly ElementInput[]): string[] {
  const el = elements.find((e) => e.tag === Tags.SpecificCharacterSet);
  return el !== undefined && isStringElement(el) ? strings(el.value) : [];
}

/**
 * Encodes `elements` as a bare dataset in Implicit or Explicit VR Little Endian.
 * Throws DatasetEncodeError for input that cannot be encoded as asked.
 */
export function encodeDataset(elements: readonly ElementInput[], transferSyntax: string): Buffer {
  if (transferSyntax !== UID.implicitVrLittleEndian && transferSyntax !== UID.explicitVrLittleEndian) {
    throw new DatasetEncodeError('unsupported-transfer-syntax', `${transferSyntax} is not Implicit or Explicit VR Little Endian`);
  }
  const nonAscii = check(elements);
  // PS3.5 6.1.2.3: without Specific Character Set only the default repertoire
  // (ASCII) may be used; dcmjs writes UTF-8, which ISO_IR 192 declares (PS3.3 C.12.1.1.2).
  if (nonAscii && !specificCharacterSet(elements).includes('ISO_IR 192')) {
    throw new DatasetEncodeError('character-set', 'non-ASCII text needs Specific Character Set (0008,0005) ISO_IR 192');
  }
  try {
    const { data } = dcmjs();
    const stream = new data.WriteBufferStream(1024, true);
    data.DicomMessage.write(toDcmjs(elements), stream, transferSyntax, {});
    return Buffer.from(stream.getBuffer(0, stream.size));
  } catch (err) {
    throw new DatasetEncodeError('encoder-failed', `dcmjs could not write the dataset: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * A C-FIND identifier (PS3.4 C.4.1.1.3): Query/Retrieve Level plus the keys,
 * each empty for universal matching unless given a value. A key for
 * (0008,0052) in `keys` is refused: the level is the `level` argument.
 */
export function encodeFindIdentifier(level: QueryRetrieveLevel, keys: readonly FindKey[], transferSyntax: string): Buffer {
  const elements: ElementInput[] = [{ tag: Tags.QueryRetrieveLevel, vr: 'CS', value: level }];
  for (const k of keys) elements.push({ tag: k.tag, vr: k.vr, value: k.value ?? '' });
  return encodeDataset(elements, transferSyntax);
}
