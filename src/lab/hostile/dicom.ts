/**
 * DICOM upper-layer scripts of the hostile peers, on the project's own codecs
 * in the acceptor role (PS3.8 PDUs, PS3.7 C-ECHO and C-FIND). Unlike the
 * fleet's SCPs (lab/fleet/scp.ts), these do not run the state machine: a
 * hostile peer is exactly one that ignores it, answering a C-CANCEL with more
 * matches, or an A-ASSOCIATE-RQ with an A-ASSOCIATE-AC a byte at a time.
 */
import { encodePdu, decodePdu, type AAssociateAc, type AAssociateRq, type Pdu } from '../../protocols/dicom/ul/index.ts';
import { MessageAssembler, toPdvs } from '../../protocols/dicom/dimse/fragment.ts';
import { decodeCommand, encodeCommand, type CFindRq } from '../../protocols/dicom/dimse/messages.ts';
import { Status } from '../../protocols/dicom/dimse/status.ts';
import { encodeDataset } from '../../protocols/dicom/dataset/encode.ts';
import { Tags } from '../../protocols/dicom/dataset/tag.ts';
import { UID } from '../../protocols/dicom/uids.ts';
import type { Step } from './script.ts';

/** Under the project's UID root, like the fleet's (lab/fleet/scp.ts): never a real product's. */
const IMPLEMENTATION_CLASS_UID = '1.2.826.0.1.3680043.10.1387.66';
const MAX_MESSAGE = 1 << 16;

export interface AcceptorText {
  /** The responding AE title put in the A-ASSOCIATE-AC instead of the called one echoed (PS3.8 9.3.3). */
  readonly respondingAeTitle?: string;
  readonly implementationVersionName?: string;
}

/** Every proposed context accepted in Implicit VR Little Endian, which every requestor proposes (PS3.5 10.1). */
function acceptAll(rq: AAssociateRq, text: AcceptorText = {}): AAssociateAc {
  return {
    type: 'A-ASSOCIATE-AC',
    calledAeTitle: text.respondingAeTitle ?? rq.calledAeTitle,
    callingAeTitle: rq.callingAeTitle,
    applicationContextName: UID.applicationContext,
    presentationContexts: rq.presentationContexts.map((c) => ({ id: c.id, result: 0, transferSyntax: UID.implicitVrLittleEndian })),
    userInformation: {
      maxLength: 16384,
      implementationClassUid: IMPLEMENTATION_CLASS_UID,
      implementationVersionName: text.implementationVersionName ?? 'EXPOSURE_HOSTILE',
    },
  };
}

/** The A-ASSOCIATE-AC answering the RQ a script just took (its `heard` bytes). */
function acceptHeard(rq: Buffer, text: AcceptorText = {}): Buffer {
  const d = decodePdu(rq);
  if (!d.ok || d.value.type !== 'A-ASSOCIATE-RQ') return encodePdu({ type: 'A-ABORT', source: 0, reason: 0 });
  return encodePdu(acceptAll(d.value, text));
}

/** A study match's identifier (PS3.4 C.6.2.1.2): no patient attribute, the modality code given. */
function studyIdentifier(k: number, modality: string): Buffer {
  return encodeDataset(
    [
      { tag: Tags.QueryRetrieveLevel, vr: 'CS', value: 'STUDY' },
      { tag: Tags.ModalitiesInStudy, vr: 'CS', value: modality },
      { tag: Tags.StudyInstanceUID, vr: 'UI', value: `2.25.${9000 + k}` },
      { tag: Tags.NumberOfStudyRelatedSeries, vr: 'IS', value: '1' },
      { tag: Tags.NumberOfStudyRelatedInstances, vr: 'IS', value: '1' },
    ],
    UID.implicitVrLittleEndian,
  );
}

/** A DIMSE message as the P-DATA-TF PDUs that carry it, within the requestor's maximum length. */
function dimse(contextId: number, command: Buffer, dataset: Buffer | undefined, maxLength: number): Buffer {
  return Buffer.concat(toPdvs(contextId, command, dataset, maxLength).map((pdvs) => encodePdu({ type: 'P-DATA-TF', pdvs })));
}

interface FindRequest {
  readonly rq: CFindRq;
  readonly contextId: number;
  /** The requestor's Maximum Length Received (PS3.8 D.1). */
  readonly maxLength: number;
}

/** One pending C-FIND-RSP with its identifier (PS3.4 C.4.1.1.4), as bytes. */
function pendingMatch(f: FindRequest, identifier: Buffer): Buffer {
  const command = encodeCommand({ type: 'C-FIND-RSP', messageIdBeingRespondedTo: f.rq.messageId, affectedSopClassUid: f.rq.affectedSopClassUid, status: Status.Pending });
  return dimse(f.contextId, command, identifier, f.maxLength);
}

function findDone(f: FindRequest): Buffer {
  const command = encodeCommand({ type: 'C-FIND-RSP', messageIdBeingRespondedTo: f.rq.messageId, affectedSopClassUid: f.rq.affectedSopClassUid, status: Status.Success });
  return dimse(f.contextId, command, undefined, f.maxLength);
}

interface AcceptorOptions {
  readonly text?: AcceptorText;
  /** What answers a C-FIND-RQ (the C-ECHO-RQ is always answered with success). */
  readonly find: (f: FindRequest) => readonly Step[];
}

/**
 * Accepts any association and answers, PDU by PDU: C-ECHO with success,
 * C-FIND as told, A-RELEASE-RQ with A-RELEASE-RP. One per connection (it holds
 * the message being reassembled).
 */
function acceptor(options: AcceptorOptions): Step[] {
  const assembler = new MessageAssembler({ maxMessageBytes: MAX_MESSAGE });
  let maxLength = 16384;
  const onMessage = (contextId: number, command: Buffer): readonly Step[] => {
    const cmd = decodeCommand(command);
    if (!cmd.ok) return [];
    const m = cmd.value.message;
    if (m.type === 'C-ECHO-RQ') {
      const rsp = encodeCommand({ type: 'C-ECHO-RSP', messageIdBeingRespondedTo: m.messageId, affectedSopClassUid: m.affectedSopClassUid, status: Status.Success });
      return [{ send: dimse(contextId, rsp, undefined, maxLength) }];
    }
    if (m.type === 'C-FIND-RQ') return options.find({ rq: m, contextId, maxLength });
    return []; // a C-CANCEL-RQ among them: heard, ignored
  };
  const answer = (bytes: Buffer): readonly Step[] => {
    const d = decodePdu(bytes);
    if (!d.ok) return [{ close: true }];
    const pdu: Pdu = d.value;
    switch (pdu.type) {
      case 'A-ASSOCIATE-RQ':
        maxLength = pdu.userInformation.maxLength ?? 0;
        return [{ send: encodePdu(acceptAll(pdu, options.text)) }];
      case 'P-DATA-TF':
        return pdu.pdvs.flatMap((pdv) => {
          const step = assembler.push(pdv);
          return step.kind === 'message' ? onMessage(step.message.contextId, step.message.command) : [];
        });
      case 'A-RELEASE-RQ':
        return [{ send: encodePdu({ type: 'A-RELEASE-RP' }) }, { close: true }];
      default:
        return [{ close: true }];
    }
  };
  return [{ serve: { pdu: true }, answer }];
}

/** A valid A-ASSOCIATE-AC, one byte every `everyMs`: each read sees a byte, so only a deadline of the whole probe ends it. */
export function dripAssociateAc(everyMs: number): Step[] {
  return [{ expect: { pdu: true } }, { drip: (rq) => acceptHeard(rq), everyMs }, { stall: true }];
}

/** An A-ASSOCIATE-AC header declaring 0xFFFFFFFF bytes (4 GB, PS3.8 9.3.3 PDU-length), a few of them, then silence. */
export function hugePdu(): Step[] {
  return [{ expect: { pdu: true } }, { send: Buffer.from([0x02, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x01, 0x00, 0x00]) }, { stall: true }];
}

/** Half an A-ASSOCIATE-AC, then a TCP reset. */
export function resetMidPdu(): Step[] {
  return [{ expect: { pdu: true } }, { send: (rq) => acceptHeard(rq).subarray(0, 40) }, { wait: 50 }, { reset: true }];
}

/** Distinct identifiers an endless C-FIND cycles through: encoded once each, then reused. */
const ENDLESS_DISTINCT = 256;

/**
 * Pending matches for ever: the C-CANCEL-RQ the requestor sends at its cap is
 * never read (the script is busy writing), so the matches keep coming until
 * the requestor aborts and closes.
 */
export function endlessFind(): Step[] {
  const identifiers: Buffer[] = [];
  return acceptor({
    find: (f) => [
      {
        neverEnd: function* (): Generator<Buffer> {
          for (let k = 0; ; k = (k + 1) % ENDLESS_DISTINCT) yield pendingMatch(f, (identifiers[k] ??= studyIdentifier(k, 'CT')));
        },
      },
    ],
  });
}

/** Hostile text in the association and a birth date in ModalitiesInStudy of `matches` matches. */
export function hostileFind(text: AcceptorText, modality: string, matches: number): Step[] {
  return acceptor({
    text,
    find: (f) => [
      ...Array.from({ length: matches }, (_, k): Step => ({ send: pendingMatch(f, studyIdentifier(k, modality)) })),
      { send: findDone(f) },
    ],
  });
}
