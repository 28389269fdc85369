/**
 * The first bytes of a file, read as a DICOM Part-10 header (PS3.10 7.1):
 * 128-byte preamble, "DICM", the File Meta Information (group 0002, always
 * Explicit VR Little Endian), then the dataset in the transfer syntax named
 * there, walked up to — never into — Pixel Data (7FE0,0010).
 *
 * Values are looked at in memory only: PatientID goes to the keyed distinct
 * counter and StudyInstanceUID to a set the caller drops; everything else is
 * reduced to "this identifying tag was present and non-empty".
 */
import { readString } from '../../protocols/dicom/dataset/values.ts';
import { walkDataset, type DatasetElement } from '../../protocols/dicom/dataset/walk.ts';
import { UID } from '../../protocols/dicom/uids.ts';
import { MARKER_BYTES } from './limits.ts';

const PIXEL_DATA = 0x7fe00010;
const TRANSFER_SYNTAX_UID = 0x00020010;
const PATIENT_ID = 0x00100020;
const STUDY_INSTANCE_UID = 0x0020000d;
const DEFLATED = '1.2.840.10008.1.2.1.99';

export function hasDicmMarker(head: Buffer): boolean {
  return head.length >= MARKER_BYTES && head.toString('latin1', 128, 132) === 'DICM';
}

interface Walked {
  readonly elements: DatasetElement[];
  /** Offset just past the last whole element. */
  readonly end: number;
  /** The walk met Pixel Data (or a later tag): nothing more to read. */
  readonly reachedPixelData: boolean;
  /** Offset of the Pixel Data element header, when met. */
  readonly pixelDataAt?: number;
}

function endOf(el: DatasetElement): number {
  // An undefined-length value is followed by its 8-byte Sequence Delimitation Item (PS3.5 7.5.2).
  return el.valueOffset + el.length + (el.undefinedLength ? 8 : 0);
}

function tagAt(buf: Buffer, offset: number): number | undefined {
  if (buf.length < offset + 4) return undefined;
  return (buf.readUInt16LE(offset) * 0x10000 + buf.readUInt16LE(offset + 2)) >>> 0;
}

function headerLength(el: DatasetElement): number {
  if (el.vr === undefined) return 8;
  return ['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV'].includes(el.vr) ? 12 : 8;
}

/** Walks `buf` from `start`; stops before the first element at or past `stopTag`. */
function walkFrom(buf: Buffer, start: number, ts: string, stopTag: (tag: number) => boolean): Walked {
  const body = buf.subarray(start);
  const elements: DatasetElement[] = [];
  let end = start;
  const it = walkDataset(body, ts);
  for (let step = it.next(); !step.done; step = it.next()) {
    const el = step.value;
    if (stopTag(el.tag)) return { elements, end, reachedPixelData: true, pixelDataAt: start + el.valueOffset - headerLength(el) };
    elements.push({ ...el, valueOffset: el.valueOffset + start });
    end = endOf(el) + start;
  }
  // The walk broke or ran out of bytes: is the next header Pixel Data?
  const next = tagAt(buf, end);
  if (next !== undefined && stopTag(next)) return { elements, end, reachedPixelData: true, pixelDataAt: end };
  return { elements, end, reachedPixelData: false };
}

export interface HeaderFacts {
  /** "DICM" at offset 128. */
  readonly marker: boolean;
  readonly transferSyntax?: string;
  /** Dataset elements (outside group 0002) before Pixel Data. */
  readonly elementCount: number;
  /** Identifying-attribute candidates: tags (8 hex digits) with a non-empty value. */
  readonly nonEmptyTags: string[];
  readonly patientId?: string;
  readonly studyInstanceUid?: string;
  /** The dataset was walked up to Pixel Data or its end (not cut by the byte cap). */
  readonly complete: boolean;
}

function hex(tag: number): string {
  return (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

function metaOf(buf: Buffer): { ts?: string; datasetStart: number; complete: boolean } {
  const meta = walkFrom(buf, MARKER_BYTES, UID.explicitVrLittleEndian, (tag) => tag >>> 16 !== 0x0002);
  const tsEl = meta.elements.find((e) => e.tag === TRANSFER_SYNTAX_UID);
  const ts = tsEl === undefined ? undefined : readString(buf, tsEl);
  return { ...(ts === undefined ? {} : { ts }), datasetStart: meta.end, complete: meta.reachedPixelData };
}

/** The VR encoding of the dataset: only deflate and big endian change it (PS3.5 A.4, A.5: encapsulated syntaxes are Explicit VR LE). */
function walkSyntax(ts: string): string | undefined {
  if (ts === UID.implicitVrLittleEndian) return UID.implicitVrLittleEndian;
  if (ts === DEFLATED || ts === UID.explicitVrBigEndian) return undefined;
  return UID.explicitVrLittleEndian;
}

/**
 * Whether the bytes read so far are enough: not DICOM, or the walk reached
 * Pixel Data. Returns the length worth keeping (bytes up to Pixel Data's
 * header), or undefined to read on.
 */
export function enoughOfHeader(buf: Buffer): number | undefined {
  if (buf.length < MARKER_BYTES) return undefined;
  if (!hasDicmMarker(buf)) return MARKER_BYTES;
  const meta = metaOf(buf);
  if (!meta.complete || meta.ts === undefined) return undefined;
  const syntax = walkSyntax(meta.ts);
  if (syntax === undefined) return meta.datasetStart;
  const ds = walkFrom(buf, meta.datasetStart, syntax, (tag) => tag >= PIXEL_DATA);
  return ds.reachedPixelData ? ds.pixelDataAt : undefined;
}

export function readHeaderFacts(head: Buffer): HeaderFacts {
  if (!hasDicmMarker(head)) return { marker: false, elementCount: 0, nonEmptyTags: [], complete: true };
  const meta = metaOf(head);
  const syntax = meta.ts === undefined ? undefined : walkSyntax(meta.ts);
  if (syntax === undefined) {
    return { marker: true, ...(meta.ts ? { transferSyntax: meta.ts } : {}), elementCount: 0, nonEmptyTags: [], complete: false };
  }
  const ds = walkFrom(head, meta.datasetStart, syntax, (tag) => tag >= PIXEL_DATA);
  let patientId: string | undefined;
  let studyInstanceUid: string | undefined;
  for (const el of ds.elements) {
    if (el.tag === PATIENT_ID) patientId = readString(head, el);
    else if (el.tag === STUDY_INSTANCE_UID) studyInstanceUid = readString(head, el);
  }
  return {
    marker: true,
    transferSyntax: meta.ts!,
    elementCount: ds.elements.length,
    nonEmptyTags: ds.elements.filter((e) => e.length > 0).map((e) => hex(e.tag)),
    ...(patientId ? { patientId } : {}),
    ...(studyInstanceUid ? { studyInstanceUid } : {}),
    complete: ds.reachedPixelData || ds.end === head.length,
  };
}
