/**
 * One simulated DICOM SCP connection, on the project's own codecs in the
 * acceptor role (PS3.8 upper layer, PS3.7 C-ECHO and C-FIND): enough for load
 * and for every association outcome a scanner must tell apart. Correctness of
 * the scanner is tested against real servers (Orthanc, DCMTK); this is for fleets.
 *
 * Each connection runs through the PS3.8 state machine (Table 9-10) as the
 * acceptor: socket events and received PDUs are its events, the behaviour is
 * the local user answering indications, and the table's actions are what is
 * written. Sta13 (awaiting the close) is our half-close after the last PDU;
 * the socket timeout is the ARTIM bound on a peer that never closes.
 *
 * Distance is simulated, not loopback's: with `rttMs`, every PDU the SCP sends
 * leaves that long after what it answers arrived (the connect is accepted at
 * once), so each exchange costs the requestor one round trip as on the internet.
 */
import type net from 'node:net';
import {
  abortPdu,
  decodePdu,
  encodePdu,
  eventForPdu,
  PduFramer,
  REJECT_CALLED_AE_NOT_RECOGNISED,
  REJECT_NO_REASON_GIVEN,
  REJECT_RESULT_PERMANENT,
  UlStateMachine,
  type AAssociateRq,
  type Pdu,
  type PresentationDataValue,
  type UlDecodeError,
  type UlEvent,
} from '../../protocols/dicom/ul/index.ts';
import { MessageAssembler, toPdvs } from '../../protocols/dicom/dimse/fragment.ts';
import { decodeCommand, encodeCommand, type CFindRq } from '../../protocols/dicom/dimse/messages.ts';
import { Status } from '../../protocols/dicom/dimse/status.ts';
import { encodeDataset } from '../../protocols/dicom/dataset/encode.ts';
import { Tags } from '../../protocols/dicom/dataset/tag.ts';
import { UID } from '../../protocols/dicom/uids.ts';

/**
 * How a simulated endpoint behaves. 'closed' has no listener at all (the OS
 * refuses the connect). 'open' and 'slow' accept everything and find nothing;
 * 'echo-only' accepts Verification and rejects the Query/Retrieve contexts, as
 * a storage SCP (DCMTK storescp) does; 'qr-open' answers a C-FIND with matches.
 */
export const FLEET_KINDS = ['open', 'ae-checking', 'rejecting', 'slow', 'echo-only', 'qr-open', 'closed'] as const;
export type FleetKind = (typeof FLEET_KINDS)[number];

export interface ScpBehaviour {
  readonly kind: Exclude<FleetKind, 'closed'>;
  /** The only called AE title an 'ae-checking' SCP accepts. */
  readonly aeTitle: string;
  /** Delay before a 'slow' SCP answers the association request. */
  readonly slowMs: number;
  /** Delay of every PDU sent after the one it answers: the round trip of a distant peer (0: none). */
  readonly rttMs: number;
  /** Study matches a 'qr-open' SCP returns for each C-FIND (the other kinds return none). */
  readonly findMatches: number;
  /** A public honeypot's ways (honeypot.ts): its identity in the A-ASSOCIATE-AC, its lure studies for every Study Root C-FIND. */
  readonly persona?: ScpPersona;
}

/** What a honeypot persona changes in an 'open' SCP. */
export interface ScpPersona {
  /** The A-ASSOCIATE-AC user information: the identity it claims (or none, as dicompot's acceptor). */
  readonly userInformation: { readonly maxLength: number; readonly implementationClassUid?: string; readonly implementationVersionName?: string };
  /** The identifier of each study match, encoded once: the same on every instance. */
  readonly studyMatches: readonly Buffer[];
}

const IMPLEMENTATION = { maxLength: 16384, implementationClassUid: '1.2.826.0.1.3680043.10.1387.9', implementationVersionName: 'EXPOSURE_FLEET' };
const MAX_PDU = 1 << 16;
/** Bound on every connection: a stuck peer cannot hold a simulated SCP forever. */
const ARTIM_MS = 30_000;

/** PS3.8 9.3.3.2: presentation context results. */
const CONTEXT_ACCEPTANCE = 0;
const CONTEXT_ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;

/** `supports` says which abstract syntaxes get their context accepted; the others get result 3. */
function acceptFor(rq: AAssociateRq, supports: (abstractSyntax: string) => boolean, userInformation: ScpPersona['userInformation'] = IMPLEMENTATION): Pdu {
  return {
    type: 'A-ASSOCIATE-AC',
    calledAeTitle: rq.calledAeTitle,
    callingAeTitle: rq.callingAeTitle,
    applicationContextName: UID.applicationContext,
    // Implicit VR LE is every SCP's default (PS3.5 10.1); a rejected context's transfer syntax is not looked at (PS3.8 9.3.3.2).
    presentationContexts: rq.presentationContexts.map((c) => ({
      id: c.id,
      result: supports(c.abstractSyntax) ? CONTEXT_ACCEPTANCE : CONTEXT_ABSTRACT_SYNTAX_NOT_SUPPORTED,
      transferSyntax: UID.implicitVrLittleEndian,
    })),
    userInformation,
  };
}

const ANY_SYNTAX = (): boolean => true;
const VERIFICATION_ONLY = (syntax: string): boolean => syntax === UID.verification;

function reject(code: { source: number; reason: number }): Pdu {
  return { type: 'A-ASSOCIATE-RJ', result: REJECT_RESULT_PERMANENT, source: code.source, reason: code.reason };
}

/** The local user's A-ASSOCIATE response primitive: accept (Evt7) or reject (Evt8), with the PDU it sends. */
function decide(rq: AAssociateRq, b: ScpBehaviour): { readonly event: 'Evt7' | 'Evt8'; readonly pdu: Pdu } {
  switch (b.kind) {
    case 'open':
    case 'slow':
    case 'qr-open':
      return { event: 'Evt7', pdu: acceptFor(rq, ANY_SYNTAX, b.persona?.userInformation) };
    case 'echo-only':
      return { event: 'Evt7', pdu: acceptFor(rq, VERIFICATION_ONLY) };
    case 'ae-checking':
      // PS3.8 9.3.4: source 1 (service user), reason 7 = called AE title not recognised.
      return rq.calledAeTitle.trim() === b.aeTitle ? { event: 'Evt7', pdu: acceptFor(rq, ANY_SYNTAX) } : { event: 'Evt8', pdu: reject(REJECT_CALLED_AE_NOT_RECOGNISED) };
    case 'rejecting':
      return { event: 'Evt8', pdu: reject(REJECT_NO_REASON_GIVEN) };
    default: {
      const never: never = b.kind;
      return never;
    }
  }
}

/** A reply message: a command set and, for a pending C-FIND response, the match's identifier. */
interface Reply {
  readonly command: Buffer;
  readonly dataset?: Buffer;
}

const matchIdentifiers: Buffer[] = [];

/**
 * The identifier of study match k (PS3.4 C.6.2.1.2), Implicit VR LE as accepted:
 * synthetic and free of patient attributes, with the study-related counts a
 * scanner sums (so it needs no SERIES or IMAGE query). Encoded once per k.
 */
function matchIdentifier(k: number): Buffer {
  return (matchIdentifiers[k] ??= encodeDataset(
    [
      { tag: Tags.QueryRetrieveLevel, vr: 'CS', value: 'STUDY' },
      { tag: Tags.ModalitiesInStudy, vr: 'CS', value: ['CT', 'MR', 'US'][k % 3]! },
      { tag: Tags.StudyInstanceUID, vr: 'UI', value: `2.25.${1000 + k}` },
      { tag: Tags.NumberOfStudyRelatedSeries, vr: 'IS', value: String(1 + (k % 3)) },
      { tag: Tags.NumberOfStudyRelatedInstances, vr: 'IS', value: String(10 * (1 + (k % 3))) },
    ],
    UID.implicitVrLittleEndian,
  ));
}

/** PS3.4 C.4.1.1.4: one pending response per match, each with its identifier, then success. Whatever the query's level or keys. */
function findReplies(m: CFindRq, matches: number, identifier: (k: number) => Buffer = matchIdentifier): Reply[] {
  const rsp = (status: number): Buffer => encodeCommand({ type: 'C-FIND-RSP', messageIdBeingRespondedTo: m.messageId, affectedSopClassUid: m.affectedSopClassUid, status });
  const pending = Array.from({ length: matches }, (_, k) => ({ command: rsp(Status.Pending), dataset: identifier(k) }));
  return [...pending, { command: rsp(Status.Success) }];
}

/** An echo answered; a query answered with the kind's matches (none: an archive with no matching study). */
function dimseReplies(command: Buffer, b: ScpBehaviour): Reply[] {
  const cmd = decodeCommand(command);
  if (!cmd.ok) return [];
  const m = cmd.value.message;
  if (m.type === 'C-ECHO-RQ') return [{ command: encodeCommand({ type: 'C-ECHO-RSP', messageIdBeingRespondedTo: m.messageId, affectedSopClassUid: m.affectedSopClassUid, status: Status.Success }) }];
  if (m.type === 'C-FIND-RQ' && b.persona) {
    // The lure studies whatever the query (as the honeypots answer), on the Study Root model; any other model finds nothing.
    const studies = m.affectedSopClassUid === UID.studyRootFind ? b.persona.studyMatches : [];
    return findReplies(m, studies.length, (k) => studies[k]!);
  }
  if (m.type === 'C-FIND-RQ') return findReplies(m, b.kind === 'qr-open' ? b.findMatches : 0);
  return [];
}

export function serveScp(socket: net.Socket, b: ScpBehaviour): void {
  const machine = new UlStateMachine('Sta1', { role: 'acceptor' });
  const framer = new PduFramer({ maxPduBytes: MAX_PDU });
  const assembler = new MessageAssembler({ maxMessageBytes: MAX_PDU });
  /** Every PDU answers one received: it leaves rttMs later; timers of one delay fire in the order set, so PDUs keep theirs. */
  const send = (pdu: Pdu, last: boolean): void => {
    const bytes = encodePdu(pdu);
    const out = (): void => {
      if (socket.destroyed || !socket.writable) return;
      if (last) socket.end(bytes);
      else socket.write(bytes);
    };
    if (b.rttMs > 0) setTimeout(out, b.rttMs);
    else out();
  };
  const write = (pdu: Pdu): void => send(pdu, false);
  /** Sta13: the last PDU is out; the half-close tells the requestor, and ARTIM_MS bounds the rest. */
  const finish = (pdu: Pdu): void => send(pdu, true);
  /** `pdu` is what the event carries: the PDU received, or the one a local primitive sends. */
  const fire = (event: UlEvent, pdu?: Pdu, error?: UlDecodeError): void => {
    const t = machine.fire(event);
    if (!t.ok) return; // a late local response after the peer went away: nothing to do
    switch (t.action) {
      case 'AE-5': // transport connection response; ARTIM runs as the socket timeout
      case 'AA-6': // ignore the PDU
        return;
      case 'AE-6': {
        // The codec decoded the A-ASSOCIATE-RQ, so it is acceptable to the provider: indicate it (Sta3) to the local user.
        if (pdu?.type !== 'A-ASSOCIATE-RQ') return;
        const response = decide(pdu, b);
        const answer = (): void => fire(response.event, response.pdu);
        if (b.kind === 'slow') setTimeout(answer, b.slowMs);
        else answer();
        return;
      }
      case 'AE-7': // send A-ASSOCIATE-AC
      case 'DT-1': // send P-DATA-TF
        if (pdu) write(pdu);
        return;
      case 'AE-8': // send A-ASSOCIATE-RJ, start ARTIM
        if (pdu) finish(pdu);
        return;
      case 'DT-2':
        if (pdu?.type === 'P-DATA-TF') answerData(pdu.pdvs);
        return;
      case 'AR-2': // release indication: the local user answers at once (Evt14)
        fire('Evt14');
        return;
      case 'AR-4':
        finish({ type: 'A-RELEASE-RP' });
        return;
      case 'AA-1':
      case 'AA-7':
      case 'AA-8':
        finish(abortPdu(t.action, error?.code));
        return;
      case 'AA-2':
      case 'AA-3':
        socket.destroy();
        return;
      default:
        // AA-4, AA-5, AR-5: the transport is gone. The rest are requestor actions or follow an A-RELEASE-RQ this SCP never sends.
        return;
    }
  };

  const answerData = (pdvs: readonly PresentationDataValue[]): void => {
    for (const pdv of pdvs) {
      const step = assembler.push(pdv);
      if (step.kind === 'error') return fire('Evt15');
      if (step.kind !== 'message') continue;
      for (const reply of dimseReplies(step.message.command, b)) {
        for (const replyPdvs of toPdvs(step.message.contextId, reply.command, reply.dataset, IMPLEMENTATION.maxLength)) {
          fire('Evt9', { type: 'P-DATA-TF', pdvs: replyPdvs });
        }
      }
    }
  };

  socket.on('error', () => undefined);
  socket.setNoDelay(true);
  socket.setTimeout(ARTIM_MS, () => {
    fire('Evt18');
    socket.destroy();
  });
  socket.on('end', () => fire('Evt17'));
  socket.on('data', (chunk: Buffer) => {
    const { frames, error } = framer.push(chunk);
    for (const frame of frames) {
      const d = decodePdu(frame);
      if (d.ok) fire(eventForPdu(d.value.type), d.value);
      else fire('Evt19', undefined, d.error);
    }
    if (error) fire('Evt19', undefined, error);
  });
  fire('Evt5');
}
