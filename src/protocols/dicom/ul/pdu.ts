/**
 * DICOM Upper Layer PDUs (PS3.8 9.3): pure encode and decode, no I/O.
 *
 * Every PDU starts with PDU type (1), reserved (1), PDU length (4, big endian, the bytes
 * after this 6-byte header). `decodePdu` takes one complete frame as `PduFramer` yields it
 * and never throws: a malformed frame comes back as an error value naming the field.
 */
import {
  decodeAssociateItems,
  decodePresentationContextAc,
  decodePresentationContextRq,
  encodeAssociateItems,
  encodePresentationContextAc,
  encodePresentationContextRq,
  ITEM_TYPE,
  type AssociateItems,
  type PresentationContextAc,
  type PresentationContextRq,
} from './items.ts';
import type { PresentationDataValue } from './pdv.ts';
import { FieldReader, UlDecodeFailure, type DecodeResult } from './reader.ts';
import { aeTitle, reserved, u16, u32, u8 } from './writer.ts';

/** PS3.8 9.3.1, Table 9-1 … 9-26: the seven PDU types. */
export const PDU_TYPE = {
  'A-ASSOCIATE-RQ': 0x01,
  'A-ASSOCIATE-AC': 0x02,
  'A-ASSOCIATE-RJ': 0x03,
  'P-DATA-TF': 0x04,
  'A-RELEASE-RQ': 0x05,
  'A-RELEASE-RP': 0x06,
  'A-ABORT': 0x07,
} as const;

export type PduType = keyof typeof PDU_TYPE;

/** Name of a PDU type byte, or undefined if PS3.8 defines none. */
export function pduTypeName(code: number): PduType | undefined {
  return (Object.keys(PDU_TYPE) as PduType[]).find((k) => PDU_TYPE[k] === code);
}

export const PDU_HEADER_LENGTH = 6;

/** PS3.8 9.3.2: bit 0 set means version 1, the only one defined. */
export const PROTOCOL_VERSION_1 = 0x0001;

interface AssociateFixedFields {
  /** PS3.8 9.3.2: decoded always; encoded as 0x0001 when absent. */
  readonly protocolVersion?: number;
  /** 16 bytes space padded on the wire, trimmed here. In an AC, the RQ's value echoed (9.3.3). */
  readonly calledAeTitle: string;
  readonly callingAeTitle: string;
}

/** PS3.8 9.3.2 */
export interface AAssociateRq extends AssociateFixedFields, AssociateItems<PresentationContextRq> {
  readonly type: 'A-ASSOCIATE-RQ';
}

/** PS3.8 9.3.3 */
export interface AAssociateAc extends AssociateFixedFields, AssociateItems<PresentationContextAc> {
  readonly type: 'A-ASSOCIATE-AC';
}

/** PS3.8 9.3.4: texts in reasons.ts (`describeReject`). */
export interface AAssociateRj {
  readonly type: 'A-ASSOCIATE-RJ';
  readonly result: number;
  readonly source: number;
  /** "Reason/Diag."; its meaning depends on `source`. */
  readonly reason: number;
}

/** PS3.8 9.3.5 */
export interface PDataTf {
  readonly type: 'P-DATA-TF';
  readonly pdvs: readonly PresentationDataValue[];
}

/** PS3.8 9.3.6 */
export interface AReleaseRq {
  readonly type: 'A-RELEASE-RQ';
}

/** PS3.8 9.3.7 */
export interface AReleaseRp {
  readonly type: 'A-RELEASE-RP';
}

/** PS3.8 9.3.8: texts in reasons.ts (`describeAbort`). */
export interface AAbort {
  readonly type: 'A-ABORT';
  readonly source: number;
  readonly reason: number;
}

export type Pdu = AAssociateRq | AAssociateAc | AAssociateRj | PDataTf | AReleaseRq | AReleaseRp | AAbort;

// ---------------------------------------------------------------- encoding

/** Encodes one PDU, header included. Throws `UlEncodeError` for a value the wire cannot carry. */
export function encodePdu(pdu: Pdu): Buffer {
  const body = encodeBody(pdu);
  const length = body.reduce((n, b) => n + b.length, 0);
  return Buffer.concat([u8(PDU_TYPE[pdu.type], 'PDU type'), reserved(1), u32(length, 'PDU length'), ...body]);
}

function encodeBody(pdu: Pdu): Buffer[] {
  switch (pdu.type) {
    case 'A-ASSOCIATE-RQ':
      return [
        ...encodeAssociateFixed(pdu),
        ...encodeAssociateItems(pdu.applicationContextName, pdu.presentationContexts.map(encodePresentationContextRq), pdu.userInformation),
      ];
    case 'A-ASSOCIATE-AC':
      return [
        ...encodeAssociateFixed(pdu),
        ...encodeAssociateItems(pdu.applicationContextName, pdu.presentationContexts.map(encodePresentationContextAc), pdu.userInformation),
      ];
    case 'A-ASSOCIATE-RJ': // PS3.8 9.3.4: reserved, result, source, reason/diag.
      return [reserved(1), u8(pdu.result, 'result'), u8(pdu.source, 'source'), u8(pdu.reason, 'reason/diag.')];
    case 'P-DATA-TF': // PS3.8 9.3.5.1 and Annex E.2
      return pdu.pdvs.flatMap((pdv) => [
        u32(pdv.data.length + 2, 'presentation data value item length'),
        u8(pdv.contextId, 'presentation context ID'),
        u8((pdv.isCommand ? 0x01 : 0) | (pdv.isLast ? 0x02 : 0), 'message control header'),
        pdv.data,
      ]);
    case 'A-RELEASE-RQ': // PS3.8 9.3.6
    case 'A-RELEASE-RP': // PS3.8 9.3.7
      return [reserved(4)];
    case 'A-ABORT': // PS3.8 9.3.8: reserved, reserved, source, reason/diag.
      return [reserved(2), u8(pdu.source, 'abort source'), u8(pdu.reason, 'abort reason/diag.')];
    default:
      return assertNever(pdu);
  }
}

/** PS3.8 9.3.2 / 9.3.3: protocol version, reserved (2), called AE, calling AE, reserved (32). */
function encodeAssociateFixed(pdu: AAssociateRq | AAssociateAc): Buffer[] {
  return [
    u16(pdu.protocolVersion ?? PROTOCOL_VERSION_1, 'protocol version'),
    reserved(2),
    aeTitle(pdu.calledAeTitle, 'called AE title'),
    aeTitle(pdu.callingAeTitle, 'calling AE title'),
    reserved(32),
  ];
}

// ---------------------------------------------------------------- decoding

/** Decodes one complete frame (header + body). Never throws. */
export function decodePdu(frame: Buffer): DecodeResult<Pdu> {
  try {
    return { ok: true, value: decodeFrame(frame) };
  } catch (e) {
    if (e instanceof UlDecodeFailure) return { ok: false, error: e.error };
    throw e; // a bug in this decoder, not a peer's doing: the property tests look for these
  }
}

function decodeFrame(frame: Buffer): Pdu {
  const header: FieldReader = FieldReader.over(frame, 0, PDU_HEADER_LENGTH, 'BAD_PDU_LENGTH');
  const code = header.u8('PDU type');
  const type = pduTypeName(code);
  if (type === undefined) header.fail('UNKNOWN_PDU_TYPE', 'PDU type', `0x${code.toString(16).padStart(2, '0')} is not a PS3.8 PDU type (0x01-0x07)`, 0);
  header.reserved(1, 'PDU reserved');
  const length = header.u32('PDU length');
  const present = frame.length - PDU_HEADER_LENGTH;
  if (present > length) header.fail('BAD_PDU_LENGTH', 'PDU length', `declares ${length} bytes but the frame holds ${present} after the header`, 2);
  const body = FieldReader.over(frame, PDU_HEADER_LENGTH, length, 'BAD_PDU_LENGTH');
  const pdu = decodeBody(type, length, body);
  if (present < length) body.fail('TRUNCATED', 'PDU body', `the frame holds ${present} of ${length} declared bytes`); // defensive
  return pdu;
}

function decodeBody(type: PduType, length: number, r: FieldReader): Pdu {
  switch (type) {
    case 'A-ASSOCIATE-RQ':
      return { type, ...decodeAssociateFixed(r), ...decodeAssociateItems(r, ITEM_TYPE.presentationContextRq, decodePresentationContextRq) };
    case 'A-ASSOCIATE-AC':
      return { type, ...decodeAssociateFixed(r), ...decodeAssociateItems(r, ITEM_TYPE.presentationContextAc, decodePresentationContextAc) };
    case 'A-ASSOCIATE-RJ': {
      expectFixedLength(r, length, type);
      r.reserved(1, 'reserved');
      const result = r.u8('result');
      const source = r.u8('source');
      const reason = r.u8('reason/diag.');
      return { type, result, source, reason };
    }
    case 'P-DATA-TF':
      return { type, pdvs: decodePdvs(r) };
    case 'A-RELEASE-RQ':
    case 'A-RELEASE-RP':
      expectFixedLength(r, length, type);
      r.reserved(4, 'reserved');
      return { type };
    case 'A-ABORT': {
      expectFixedLength(r, length, type);
      r.reserved(2, 'reserved');
      const source = r.u8('abort source');
      const reason = r.u8('abort reason/diag.');
      return { type, source, reason };
    }
    default:
      return assertNever(type);
  }
}

/** PS3.8 9.3.4, 9.3.6-9.3.8: these PDUs have a PDU length of exactly 4. */
function expectFixedLength(r: FieldReader, length: number, type: PduType): void {
  if (length !== 4) r.fail('BAD_PDU_LENGTH', 'PDU length', `${type} has a fixed length of 4, not ${length}`, 2);
}

function decodeAssociateFixed(r: FieldReader): Required<AssociateFixedFields> {
  const versionOffset = r.offset;
  const protocolVersion = r.u16('protocol version');
  // PS3.8 9.3.2: version 1 is bit 0; an acceptor answers an unsupported one with RJ source 2 reason 2.
  if ((protocolVersion & PROTOCOL_VERSION_1) === 0) {
    r.fail('BAD_PROTOCOL_VERSION', 'protocol version', `0x${protocolVersion.toString(16).padStart(4, '0')} does not include version 1 (bit 0)`, versionOffset);
  }
  r.reserved(2, 'reserved');
  const calledAeTitle = r.paddedText(16, 'called AE title');
  const callingAeTitle = r.paddedText(16, 'calling AE title');
  r.reserved(32, 'reserved');
  return { protocolVersion, calledAeTitle, callingAeTitle };
}

/** PS3.8 9.3.5.1: item length (4), presentation context ID (1), message control header (1), fragment. */
function decodePdvs(r: FieldReader): PresentationDataValue[] {
  const pdvs: PresentationDataValue[] = [];
  while (r.hasMore('presentation data value item length')) {
    const lengthOffset = r.offset;
    const item = r.lengthPrefixed(4, 'presentation data value item length');
    if (item.declaredRemaining < 2) {
      r.fail('BAD_ITEM_LENGTH', 'presentation data value item length', `is ${item.declaredRemaining}, at least 2 (context ID and message control header)`, lengthOffset);
    }
    const contextId = item.u8('presentation context ID');
    const header = item.u8('message control header');
    const data = item.rest('presentation data value fragment');
    // PS3.8 E.2: bit 0 command/data set, bit 1 last fragment; other bits reserved (not tested).
    pdvs.push({ contextId, isCommand: (header & 0x01) !== 0, isLast: (header & 0x02) !== 0, data });
  }
  return pdvs;
}

function assertNever(x: never): never {
  throw new Error(`unhandled PDU ${String(x)}`);
}

export type { DecodeResult, UlDecodeError, UlDecodeErrorCode } from './reader.ts';
export type { PresentationContextAc, PresentationContextRq, UnknownSubItem, UserInformation } from './items.ts';
export type { PresentationDataValue } from './pdv.ts';
export { UlEncodeError } from './writer.ts';
