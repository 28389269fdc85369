/**
 * The seeds each fuzz target starts from: valid encodings made by the
 * project's own encoders, the byte fixtures of the decoders' tests, and
 * documented sample lines for the text formats. Values are made up; none is
 * patient data. `node --import tsx test/fuzz/seeds.ts` writes them to
 * fuzz/seeds/<target>/<name>.bin (the files are kept in the repository).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeDataset, encodeFindIdentifier, type ElementInput } from '../../src/protocols/dicom/dataset/encode.ts';
import { Tags } from '../../src/protocols/dicom/dataset/tag.ts';
import { toPdvs } from '../../src/protocols/dicom/dimse/fragment.ts';
import { encodeCommand, Priority, type DimseMessage } from '../../src/protocols/dicom/dimse/messages.ts';
import { Status } from '../../src/protocols/dicom/dimse/status.ts';
import { encodePdu, type Pdu } from '../../src/protocols/dicom/ul/index.ts';
import type { PresentationDataValue } from '../../src/protocols/dicom/ul/pdv.ts';
import { UID } from '../../src/protocols/dicom/uids.ts';
import { C_FIND_RQ, ECHOSCU_C_ECHO_RQ } from '../protocols/dicom/dimse/fixtures.ts';
import { build } from '../protocols/dicom/dataset/build.ts';
import { ALL_FIXTURES, C_ECHO_RQ_PDATA, ECHO_ASSOCIATE_AC, ECHOSCU_ASSOCIATE_RQ, PROVIDER_ABORT, RELEASE_RP, RELEASE_RQ } from '../protocols/dicom/ul/fixtures.ts';
import { FUZZ_DIR } from './corpus.ts';
import { dcerpcSeeds, ntlmsspSeeds, smb2Seeds } from './seeds-smb.ts';
import { oncRpcSeeds } from './seeds-sunrpc.ts';
import { ftpListingSeeds, ftpReplySeeds, qidoSeeds, resultLineSeeds, shareTextSeeds, targetSpecSeeds } from './seeds-text.ts';

type Seeds = Record<string, Buffer>;

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** A C-FIND identifier answer as an SCP sends it: study level, made-up values. */
function studyIdentifier(transferSyntax: string): Buffer {
  return encodeFindIdentifier('STUDY', [
    { tag: Tags.StudyDate, vr: 'DA', value: '20200101' },
    { tag: Tags.ModalitiesInStudy, vr: 'CS', value: 'CT\\MR' },
    { tag: Tags.PatientID, vr: 'LO', value: 'FUZZ-1' },
    { tag: Tags.StudyInstanceUID, vr: 'UI', value: '1.2.826.0.1.3680043.9.1' },
    { tag: Tags.NumberOfStudyRelatedSeries, vr: 'IS', value: '2' },
    { tag: Tags.NumberOfStudyRelatedInstances, vr: 'IS', value: '12' },
  ], transferSyntax);
}

/** A dataset with a sequence (written by dcmjs with undefined lengths and delimiters). */
function withSequence(transferSyntax: string): Buffer {
  const elements: ElementInput[] = [
    { tag: Tags.SpecificCharacterSet, vr: 'CS', value: 'ISO_IR 100' },
    { tag: 0x00081115, vr: 'SQ', items: [[{ tag: 0x00081150, vr: 'UI', value: '1.2.3' }, { tag: 0x00081155, vr: 'UI', value: '1.2.3.4' }], []] },
    { tag: 0x00280010, vr: 'US', value: 512 },
    { tag: 0x00091010, vr: 'OB', value: new Uint8Array([1, 2, 3, 4]) },
  ];
  return encodeDataset(elements, transferSyntax);
}

const PENDING: DimseMessage = { type: 'C-FIND-RSP', messageIdBeingRespondedTo: 7, affectedSopClassUid: UID.studyRootFind, status: Status.Pending };
const FIND_FAILED: DimseMessage = { type: 'C-FIND-RSP', messageIdBeingRespondedTo: 7, status: Status.UnableToProcess, offendingElement: [Tags.PatientName], errorComment: 'Unable to process' };

function ulSeeds(): Seeds {
  const out: Seeds = Object.fromEntries(ALL_FIXTURES.map(([name, bytes]) => [slug(name), bytes]));
  const ac: Pdu = {
    type: 'A-ASSOCIATE-AC',
    calledAeTitle: 'ANY-SCP',
    callingAeTitle: 'EXPOSURE',
    applicationContextName: UID.applicationContext,
    presentationContexts: [
      { id: 1, result: 0, transferSyntax: UID.implicitVrLittleEndian },
      { id: 3, result: 3 },
      { id: 5, result: 4 },
    ],
    userInformation: { maxLength: 16384, implementationClassUid: '1.2.3.4', implementationVersionName: 'FUZZ_1', unknownSubItems: [{ itemType: 0x54, length: 6 }] },
  };
  const rq: Pdu = {
    type: 'A-ASSOCIATE-RQ',
    calledAeTitle: 'PACS',
    callingAeTitle: 'EXPOSURE',
    applicationContextName: UID.applicationContext,
    presentationContexts: [
      { id: 1, abstractSyntax: UID.verification, transferSyntaxes: [UID.implicitVrLittleEndian] },
      { id: 3, abstractSyntax: UID.studyRootFind, transferSyntaxes: [UID.explicitVrLittleEndian, UID.implicitVrLittleEndian] },
    ],
    userInformation: { maxLength: 0 },
  };
  const [command] = toPdvs(1, encodeCommand(PENDING), undefined, 0)[0]!;
  const pdata: Pdu = { type: 'P-DATA-TF', pdvs: [command!, { contextId: 1, isCommand: false, isLast: true, data: studyIdentifier(UID.implicitVrLittleEndian) }] };
  return { ...out, 'a-associate-ac-three-contexts': encodePdu(ac), 'a-associate-rq-two-contexts': encodePdu(rq), 'p-data-tf-c-find-rsp': encodePdu(pdata) };
}

function framerSeeds(): Seeds {
  return {
    'requestor-side': Buffer.concat([ECHO_ASSOCIATE_AC, C_ECHO_RQ_PDATA, RELEASE_RP]),
    'acceptor-side': Buffer.concat([ECHOSCU_ASSOCIATE_RQ, C_ECHO_RQ_PDATA, RELEASE_RQ]),
    'abort': PROVIDER_ABORT,
  };
}

function commandSeeds(): Seeds {
  const messages: Record<string, DimseMessage> = {
    'c-echo-rsp': { type: 'C-ECHO-RSP', messageIdBeingRespondedTo: 1, affectedSopClassUid: UID.verification, status: Status.Success },
    'c-find-rsp-pending': PENDING,
    'c-find-rsp-failed': FIND_FAILED,
    'c-find-rsp-success': { type: 'C-FIND-RSP', messageIdBeingRespondedTo: 7, status: Status.Success },
    'c-cancel-rq': { type: 'C-CANCEL-RQ', messageIdBeingRespondedTo: 7 },
    'c-find-rq-high': { type: 'C-FIND-RQ', messageId: 9, affectedSopClassUid: UID.patientRootFind, priority: Priority.High },
  };
  const out: Seeds = { 'echoscu-c-echo-rq': ECHOSCU_C_ECHO_RQ, 'c-find-rq': C_FIND_RQ };
  for (const [name, m] of Object.entries(messages)) out[name] = encodeCommand(m);
  return out;
}

/** PDVs as the dimse-fragment target reads them: context ID, control header, 16-bit LE length, data. */
function records(pdus: readonly (readonly PresentationDataValue[])[]): Buffer {
  return Buffer.concat(
    pdus.flat().map((p) => {
      const head = Buffer.alloc(4);
      head[0] = p.contextId;
      head[1] = (p.isCommand ? 1 : 0) | (p.isLast ? 2 : 0);
      head.writeUInt16LE(p.data.length, 2);
      return Buffer.concat([head, p.data]);
    }),
  );
}

function fragmentSeeds(): Seeds {
  const identifier = studyIdentifier(UID.implicitVrLittleEndian);
  return {
    'c-find-rsp-pending-in-pieces': records(toPdvs(1, encodeCommand(PENDING), identifier, 40)),
    'c-find-rsp-pending-then-success': records([
      ...toPdvs(1, encodeCommand(PENDING), identifier, 0),
      ...toPdvs(1, encodeCommand({ type: 'C-FIND-RSP', messageIdBeingRespondedTo: 7, status: Status.Success }), undefined, 0),
    ]),
    'c-echo-rsp': records(toPdvs(3, encodeCommand({ type: 'C-ECHO-RSP', messageIdBeingRespondedTo: 1, status: Status.Success }), undefined, 0)),
  };
}

function datasetSeeds(): Seeds {
  const nested = build([
    { kind: 'leaf', tag: 0x00100010, vr: 'LO', value: new Uint8Array(Buffer.from('ANON^FUZZ ')) },
    { kind: 'seq', tag: 0x00081115, undefinedLength: true, undefinedItems: true, items: [[{ kind: 'seq', tag: 0x00081199, undefinedLength: false, undefinedItems: true, items: [[{ kind: 'leaf', tag: 0x00081150, vr: 'OB', value: new Uint8Array([1, 2]) }]] }]] },
    { kind: 'leaf', tag: 0x00201208, vr: 'LO', value: new Uint8Array(Buffer.from('12')) },
  ], true);
  return {
    'study-identifier-implicit': studyIdentifier(UID.implicitVrLittleEndian),
    'study-identifier-explicit': studyIdentifier(UID.explicitVrLittleEndian),
    'sequence-implicit': withSequence(UID.implicitVrLittleEndian),
    'sequence-explicit': withSequence(UID.explicitVrLittleEndian),
    'nested-undefined-lengths-explicit': nested,
  };
}

/** One explicit VR little endian element of the file meta group (PS3.10 7.1). */
function metaElement(element: number, vr: 'UL' | 'OB' | 'UI', value: Buffer): Buffer {
  const padded = value.length % 2 === 0 ? value : Buffer.concat([value, Buffer.alloc(1)]);
  const long = vr === 'OB';
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(0x0002, 0);
  head.writeUInt16LE(element, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(padded.length, 8);
  else head.writeUInt16LE(padded.length, 6);
  return Buffer.concat([head, padded]);
}

/** Preamble, "DICM", file meta, dataset, then a Pixel Data header and a few pixels: the head of a file. */
function part10(transferSyntax: string, dataset: Buffer): Buffer {
  const meta = Buffer.concat([
    metaElement(0x0001, 'OB', Buffer.from([0, 1])),
    metaElement(0x0002, 'UI', Buffer.from('1.2.840.10008.5.1.4.1.1.7', 'latin1')),
    metaElement(0x0003, 'UI', Buffer.from('1.2.826.0.1.3680043.9.2', 'latin1')),
    metaElement(0x0010, 'UI', Buffer.from(transferSyntax, 'latin1')),
    metaElement(0x0012, 'UI', Buffer.from('1.2.3.4', 'latin1')),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(meta.length);
  const pixelHeader = transferSyntax === UID.implicitVrLittleEndian
    ? Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x10, 0x00, 0x00, 0x00])
    : Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00]);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), metaElement(0x0000, 'UL', groupLength), meta, dataset, pixelHeader, Buffer.alloc(16, 0x55)]);
}

function part10Seeds(): Seeds {
  return {
    'explicit-le': part10(UID.explicitVrLittleEndian, studyIdentifier(UID.explicitVrLittleEndian)),
    'implicit-le': part10(UID.implicitVrLittleEndian, withSequence(UID.implicitVrLittleEndian)),
    'jpeg-baseline': part10('1.2.840.10008.1.2.4.50', withSequence(UID.explicitVrLittleEndian)),
    'deflated': part10('1.2.840.10008.1.2.1.99', Buffer.alloc(0)),
    'not-dicom': Buffer.from('%PDF-1.4\n'.padEnd(200, ' ')),
  };
}

/** Every target's seeds, by target name. */
export function allSeeds(): Record<string, Seeds> {
  return {
    'ul-pdu': ulSeeds(),
    'ul-framer': framerSeeds(),
    'dimse-command': commandSeeds(),
    'dimse-fragment': fragmentSeeds(),
    'dataset-walk': datasetSeeds(),
    'part10-header': part10Seeds(),
    'smb2': smb2Seeds(),
    'ntlmssp': ntlmsspSeeds(),
    'dcerpc': dcerpcSeeds(),
    'onc-rpc': oncRpcSeeds(),
    'qido-json': qidoSeeds(),
    'ftp-listing': ftpListingSeeds(),
    'ftp-reply': ftpReplySeeds(),
    'share-text': shareTextSeeds(),
    'result-lines': resultLineSeeds(),
    'target-spec': targetSpecSeeds(),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [target, seeds] of Object.entries(allSeeds())) {
    const dir = join(FUZZ_DIR, 'seeds', target);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const [name, bytes] of Object.entries(seeds)) writeFileSync(join(dir, `${name}.bin`), bytes);
    console.log(`${target}: ${Object.keys(seeds).length} seeds`);
  }
}
