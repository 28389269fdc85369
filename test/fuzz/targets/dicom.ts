/**
 * Fuzz targets for the DICOM codecs: upper-layer PDUs and their framing
 * (PS3.8), DIMSE command sets and fragment assembly (PS3.7, PS3.8 Annex E),
 * the dataset walker (PS3.5) and the Part-10 header reader (PS3.10).
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { readIntegerString, readString, readStrings, readUint16, readUint32 } from '../../../src/protocols/dicom/dataset/values.ts';
import { listElements, listItems, type DatasetElement, type WalkOptions } from '../../../src/protocols/dicom/dataset/walk.ts';
import { CommandEncodeError } from '../../../src/protocols/dicom/dimse/command-set.ts';
import { MessageAssembler } from '../../../src/protocols/dicom/dimse/fragment.ts';
import { commandDataSetPresent, decodeCommand, encodeCommand } from '../../../src/protocols/dicom/dimse/messages.ts';
import { checkResponse } from '../../../src/protocols/dicom/dimse/response.ts';
import { decodePdu, encodePdu, PduFramer, pduTypeName, type Pdu } from '../../../src/protocols/dicom/ul/index.ts';
import { UID } from '../../../src/protocols/dicom/uids.ts';
import { enoughOfHeader, readHeaderFacts } from '../../../src/probes/nas/part10-header.ts';
import { build, nodeArb } from '../../protocols/dicom/dataset/build.ts';
import { cap, roundTrip, type FuzzTarget } from '../engine.ts';
import { tokens } from './tokens.ts';

/** Error messages name fields and offsets, never contents: their length is bounded whatever the input. */
const MAX_MESSAGE = 400;

const PDU_TOKENS = tokens([
  [0x01], [0x02], [0x03], [0x04], [0x05], [0x06], [0x07],
  [0x10, 0x00], [0x20, 0x00], [0x21, 0x00], [0x30, 0x00], [0x40, 0x00], [0x50, 0x00], [0x51, 0x00, 0x00, 0x04], [0x52, 0x00], [0x55, 0x00], [0x58, 0x00], [0x59, 0x00],
  UID.applicationContext, UID.verification, UID.implicitVrLittleEndian,
]);

function bytesOfPdus(pdu: Pdu): number {
  return pdu.type === 'P-DATA-TF' ? pdu.pdvs.reduce((n, p) => n + p.data.length, 0) : 0;
}

/** decodePdu: never throws; lists bounded by the frame; what it decodes, re-encoded, decodes the same. */
export const ulPdu: FuzzTarget = {
  name: 'ul-pdu',
  covers: 'decodePdu, its items and user information sub-items (PS3.8 9.3, Annex D)',
  maxInputBytes: 4096,
  dictionary: PDU_TOKENS,
  run(input) {
    const r = decodePdu(input);
    if (!r.ok) {
      cap(r.error.message.length <= MAX_MESSAGE, 'error message length');
      cap(r.error.offset >= 0 && r.error.offset <= Math.max(input.length, 6), 'error offset outside the frame');
      return `err:${r.error.code}:${r.error.field}`;
    }
    const pdu = r.value;
    if (pdu.type === 'A-ASSOCIATE-RQ' || pdu.type === 'A-ASSOCIATE-AC') {
      cap(pdu.calledAeTitle.length <= 16 && pdu.callingAeTitle.length <= 16, 'AE title over 16 bytes');
      cap(pdu.presentationContexts.length <= input.length / 8, 'more presentation contexts than the frame holds');
      const unknown = pdu.userInformation.unknownSubItems ?? [];
      cap(unknown.reduce((n, u) => n + 4 + u.length, 0) <= input.length, 'sub-items longer than the frame');
    }
    if (pdu.type === 'P-DATA-TF') {
      cap(pdu.pdvs.length <= input.length / 6, 'more PDVs than the frame holds');
      cap(bytesOfPdus(pdu) <= input.length, 'PDV data longer than the frame');
    }
    const again = decodePdu(encodePdu(pdu));
    roundTrip(again.ok && isDeepStrictEqual(again.value, pdu), `${pdu.type} re-encoded decodes differently`);
    return `ok:${pdu.type}`;
  },
};

/** Where the framer's input is cut into socket reads: 1-byte dribbles, header-sized, odd and large reads. */
const READ_SIZES = [1, 5, 6, 7, 13, 64, 1000];

/** PduFramer: frames are whole, in order, within maxPduBytes; an error stops the stream. */
export const ulFramer: FuzzTarget = {
  name: 'ul-framer',
  covers: 'PduFramer over a byte stream read in pieces, then decodePdu on each frame',
  maxInputBytes: 8192,
  dictionary: PDU_TOKENS,
  run(input) {
    // A small limit on half the inputs, so that PDU_TOO_LARGE is met as often as whole frames.
    const maxPduBytes = input.length % 2 === 0 ? 256 : 16384;
    const framer = new PduFramer({ maxPduBytes });
    const frames: Buffer[] = [];
    let error: string | undefined;
    let at = 0;
    for (let i = 0; at < input.length; i++) {
      const size = READ_SIZES[i % READ_SIZES.length]!;
      const result = framer.push(input.subarray(at, at + size));
      at += size;
      if (error !== undefined) cap(result.frames.length === 0 && result.error !== undefined, 'frames after an error');
      for (const f of result.frames) {
        cap(f.length >= 6 && f.length <= maxPduBytes + 6, 'frame size outside 6..maxPduBytes+6');
        cap(pduTypeName(f[0]!) !== undefined && f.readUInt32BE(2) + 6 === f.length, 'frame header disagrees with the frame');
        const d = decodePdu(f);
        if (!d.ok) cap(d.error.code !== 'TRUNCATED', 'a whole frame decodes as truncated');
        frames.push(Buffer.from(f));
      }
      if (result.error !== undefined) error ??= `${result.error.code}:${result.error.field}`;
    }
    const framed = Buffer.concat(frames);
    cap(framed.equals(input.subarray(0, framed.length)), 'frames are not the stream in order');
    if (error === undefined) cap(framed.length + framer.bufferedBytes === input.length, 'bytes lost between frames');
    return error === undefined ? `ok:${frames.length > 0 ? 'frames' : 'none'}:${framer.bufferedBytes > 0 ? 'partial' : 'whole'}` : `err:${error}`;
  },
};

const COMMAND_TOKENS = tokens([
  [0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00], // (0000,0000) UL
  [0x00, 0x00, 0x00, 0x01], [0x00, 0x00, 0x10, 0x01], [0x00, 0x00, 0x20, 0x01], [0x00, 0x00, 0x00, 0x08], [0x00, 0x00, 0x00, 0x09], [0x00, 0x00, 0x01, 0x09], [0x00, 0x00, 0x02, 0x09],
  [0x20, 0x80], [0x30, 0x80], [0x01, 0x01], [0x00, 0xff], [0xff, 0xff, 0xff, 0xff],
  [0xfe, 0xff, 0x00, 0xe0], [0xfe, 0xff, 0xdd, 0xe0],
]);

/** decodeCommand, commandDataSetPresent and checkResponse: error values only; a decoded message re-encodes to itself. */
export const dimseCommand: FuzzTarget = {
  name: 'dimse-command',
  covers: 'decodeCommandSet, decodeCommand, commandDataSetPresent, checkResponse (PS3.7 Annex E)',
  maxInputBytes: 2048,
  dictionary: COMMAND_TOKENS,
  run(input) {
    const decoded = decodeCommand(input);
    const present = commandDataSetPresent(input);
    const find = checkResponse({ type: 'C-FIND-RSP', messageId: 7, contextId: 1 }, 1, input);
    const echo = checkResponse({ type: 'C-ECHO-RSP', messageId: 1, contextId: 3 }, 3, input);
    for (const r of [decoded, present, find, echo]) if (!r.ok) cap(r.error.message.length <= MAX_MESSAGE, 'error message length');
    if (!decoded.ok) return `err:${decoded.error.code}:${decoded.error.field}`;
    const { message, commandSet } = decoded.value;
    cap(commandSet.elements.size <= input.length / 8, 'more elements than the command set holds');
    for (const v of commandSet.elements.values()) cap(v.offset + v.bytes.length <= input.length, 'element value past the end');
    let encoded: Buffer;
    try {
      encoded = encodeCommand(message);
    } catch (e) {
      if (e instanceof CommandEncodeError) return `ok:${message.type}:not-ascii`; // peer text we would not send
      throw e;
    }
    const again = decodeCommand(encoded);
    roundTrip(again.ok && isDeepStrictEqual(again.value.message, message), `${message.type} re-encoded decodes differently`);
    return `ok:${message.type}`;
  },
};

const MAX_COMMAND = 512;
const MAX_MESSAGE_BYTES = 4096;

/**
 * MessageAssembler fed PDVs: the input is a list of records, each context ID
 * (1), message control header (1), data length (2, little endian), data.
 */
export const dimseFragment: FuzzTarget = {
  name: 'dimse-fragment',
  covers: 'MessageAssembler (PS3.8 Annex E): order, contexts and the command and message caps',
  maxInputBytes: 8192,
  dictionary: tokens([[0x01, 0x03], [0x01, 0x00], [0x01, 0x01], [0x01, 0x02], [0x03, 0x03], [0x00, 0x03], [0x00, 0x02], [0xff, 0x0f]]),
  run(input) {
    const assembler = new MessageAssembler({ maxMessageBytes: MAX_MESSAGE_BYTES, maxCommandBytes: MAX_COMMAND });
    let messages = 0;
    let failed: string | undefined;
    for (let at = 0; at + 4 <= input.length; ) {
      const length = input.readUInt16LE(at + 2);
      const data = input.subarray(at + 4, at + 4 + length);
      const step = assembler.push({ contextId: input[at]!, isCommand: (input[at + 1]! & 1) !== 0, isLast: (input[at + 1]! & 2) !== 0, data });
      at += 4 + length;
      if (failed !== undefined) cap(step.kind === 'error' && `${step.error.code}` === failed, 'a failed assembler went on');
      if (step.kind === 'error') failed ??= step.error.code;
      if (step.kind !== 'message') continue;
      messages++;
      const { command, dataset } = step.message;
      cap(command.length <= MAX_COMMAND, 'command set over maxCommandBytes');
      cap(command.length + (dataset?.length ?? 0) <= MAX_MESSAGE_BYTES, 'message over maxMessageBytes');
      const said = commandDataSetPresent(command);
      cap(said.ok && said.value === (dataset !== undefined), 'dataset delivered against CommandDataSetType');
    }
    return failed === undefined ? `ok:${messages > 0 ? 'messages' : 'none'}:${assembler.inProgress ? 'partial' : 'idle'}` : `err:${failed}`;
  },
};

const DATASET_TOKENS = tokens([
  [0xfe, 0xff, 0x00, 0xe0], [0xfe, 0xff, 0x0d, 0xe0], [0xfe, 0xff, 0xdd, 0xe0], [0xff, 0xff, 0xff, 0xff],
  'SQ\0\0', 'UN\0\0', 'OB\0\0', 'UI', 'LO', 'US', 'UL', 'IS', 'CS',
  [0x08, 0x00, 0x61, 0x00], [0x10, 0x00, 0x20, 0x00], [0x20, 0x00, 0x06, 0x12], [0xe0, 0x7f, 0x10, 0x00], [0x02, 0x00, 0x10, 0x00],
]);

/** The items listItems reads of an element lie inside its value; an error names an offset inside the buffer. */
function itemsChecked(input: Buffer, el: DatasetElement, transferSyntax: string): void {
  const r = listItems(input, el, transferSyntax, { maxItems: 4 });
  cap(r.items.length <= 4, 'more items than asked');
  for (const item of r.items) {
    for (const e of item) cap(e.valueOffset >= el.valueOffset && e.valueOffset + e.length <= el.valueOffset + el.length, 'item element outside its sequence');
  }
  if (!r.ok) cap(r.error.offset >= 0 && r.error.offset <= input.length && r.error.message.length <= MAX_MESSAGE, 'item error offset or message');
}

/** Every element the walker yields lies inside the buffer, after the one before; value readers and the item lister never throw. */
function walkChecked(input: Buffer, transferSyntax: string, options: WalkOptions = {}): string {
  const r = listElements(input, transferSyntax, options);
  let end = 0;
  for (const el of r.elements) {
    cap(el.valueOffset >= end + 8, 'elements overlap or go backwards');
    cap(el.length >= 0 && el.valueOffset + el.length <= input.length, 'element value past the end');
    end = el.valueOffset + el.length + (el.undefinedLength ? 8 : 0);
    readString(input, el);
    readStrings(input, el);
    readUint16(input, el, 1);
    readUint32(input, el);
    const n = readIntegerString(input, el);
    cap(n === undefined || Number.isSafeInteger(n), 'integer string outside the safe integers');
    itemsChecked(input, el, transferSyntax);
  }
  cap(end <= input.length, 'walk ended past the buffer');
  if (r.ok) return 'ok';
  cap(r.error.offset >= 0 && r.error.offset <= input.length && r.error.message.length <= MAX_MESSAGE, 'error offset or message');
  return r.error.code;
}

const datasetArb: fc.Arbitrary<Buffer> = fc
  .tuple(fc.array(nodeArb(3), { maxLength: 6 }), fc.boolean())
  .map(([nodes, explicit]) => build(nodes, explicit));

/** listElements in both transfer syntaxes and a shallow depth limit. */
export const datasetWalk: FuzzTarget = {
  name: 'dataset-walk',
  covers: 'walkDataset / listElements / listItems (PS3.5 7.1, 7.5) and the value readers',
  maxInputBytes: 4096,
  dictionary: DATASET_TOKENS,
  generate: datasetArb,
  run(input) {
    const implicit = walkChecked(input, UID.implicitVrLittleEndian);
    const explicit = walkChecked(input, UID.explicitVrLittleEndian);
    const shallow = walkChecked(input, UID.explicitVrLittleEndian, { maxDepth: 1 });
    return `i=${implicit} e=${explicit} d1=${shallow}`;
  },
};

const TAG_KEY = /^[0-9A-F]{8}$/;

/** enoughOfHeader and readHeaderFacts on the first bytes of a file. */
export const part10Header: FuzzTarget = {
  name: 'part10-header',
  covers: 'enoughOfHeader, readHeaderFacts (PS3.10 7.1)',
  maxInputBytes: 4096,
  dictionary: tokens(['DICM', UID.explicitVrLittleEndian, UID.implicitVrLittleEndian, UID.explicitVrBigEndian, '1.2.840.10008.1.2.1.99', ...DATASET_TOKENS.map((t) => t.toString('latin1'))]),
  run(input) {
    const enough = enoughOfHeader(input);
    cap(enough === undefined || (Number.isInteger(enough) && enough >= 0 && enough <= input.length), 'enoughOfHeader outside the bytes read');
    const heads = enough === undefined ? [input] : [input, input.subarray(0, enough)];
    let outcome = '';
    for (const head of heads) {
      const f = readHeaderFacts(head);
      cap(f.nonEmptyTags.length <= f.elementCount && f.elementCount <= head.length / 8, 'more elements than the header holds');
      cap(f.nonEmptyTags.every((t) => TAG_KEY.test(t)), 'a tag key not of 8 hex digits');
      cap((f.patientId?.length ?? 0) <= head.length && (f.transferSyntax?.length ?? 0) <= head.length, 'a value longer than the header');
      outcome ||= f.marker ? `ok:${f.transferSyntax === undefined ? 'no-ts' : 'ts'}:${f.complete ? 'complete' : 'partial'}` : 'not-dicom';
    }
    return `${outcome}:${enough === undefined ? 'more' : 'enough'}`;
  },
};
