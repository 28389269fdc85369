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
import { decodeCommand, encodeCommand } from '../../protocols/dicom/dimse/messages.ts';
import { UID } from '../../protocols/dicom/uids.ts';

/** How a simulated endpoint behaves. 'closed' has no listener at all (the OS refuses the connect). */
export const FLEET_KINDS = ['open', 'ae-checking', 'rejecting', 'slow', 'closed'] as const;
export type FleetKind = (typeof FLEET_KINDS)[number];

export interface ScpBehaviour {
  readonly kind: Exclude<FleetKind, 'closed'>;
  /** The only called AE title an 'ae-checking' SCP accepts. */
  readonly aeTitle: string;
  /** Delay before a 'slow' SCP answers the association request. */
  readonly slowMs: number;
}

const IMPLEMENTATION = { maxLength: 16384, implementationClassUid: '1.2.826.0.1.3680043.10.1387.9', implementationVersionName: 'EXPOSURE_FLEET' };
const MAX_PDU = 1 << 16;
/** Bound on every connection: a stuck peer cannot hold a simulated SCP forever. */
const ARTIM_MS = 30_000;

function acceptFor(rq: AAssociateRq): Pdu {
  return {
    type: 'A-ASSOCIATE-AC',
    calledAeTitle: rq.calledAeTitle,
    callingAeTitle: rq.callingAeTitle,
    applicationContextName: UID.applicationContext,
    // PS3.8 9.3.3.2: result 0 = acceptance; implicit VR LE is every SCP's default (PS3.5 10.1).
    presentationContexts: rq.presentationContexts.map((c) => ({ id: c.id, result: 0, transferSyntax: UID.implicitVrLittleEndian })),
    userInformation: IMPLEMENTATION,
  };
}

function reject(code: { source: number; reason: number }): Pdu {
  return { type: 'A-ASSOCIATE-RJ', result: REJECT_RESULT_PERMANENT, source: code.source, reason: code.reason };
}

/** The local user's A-ASSOCIATE response primitive: accept (Evt7) or reject (Evt8), with the PDU it sends. */
function decide(rq: AAssociateRq, b: ScpBehaviour): { readonly event: 'Evt7' | 'Evt8'; readonly pdu: Pdu } {
  switch (b.kind) {
    case 'open':
    case 'slow':
      return { event: 'Evt7', pdu: acceptFor(rq) };
    case 'ae-checking':
      // PS3.8 9.3.4: source 1 (service user), reason 7 = called AE title not recognised.
      return rq.calledAeTitle.trim() === b.aeTitle ? { event: 'Evt7', pdu: acceptFor(rq) } : { event: 'Evt8', pdu: reject(REJECT_CALLED_AE_NOT_RECOGNISED) };
    case 'rejecting':
      return { event: 'Evt8', pdu: reject(REJECT_NO_REASON_GIVEN) };
    default: {
      const never: never = b.kind;
      return never;
    }
  }
}

/** An echo or an empty query answered at once: an archive with no matching study (PS3.4 C.4.1.1.4). */
function dimseReply(command: Buffer): Buffer | undefined {
  const cmd = decodeCommand(command);
  if (!cmd.ok) return undefined;
  const m = cmd.value.message;
  if (m.type === 'C-ECHO-RQ') return encodeCommand({ type: 'C-ECHO-RSP', messageIdBeingRespondedTo: m.messageId, affectedSopClassUid: m.affectedSopClassUid, status: 0 });
  if (m.type === 'C-FIND-RQ') return encodeCommand({ type: 'C-FIND-RSP', messageIdBeingRespondedTo: m.messageId, affectedSopClassUid: m.affectedSopClassUid, status: 0 });
  return undefined;
}

export function serveScp(socket: net.Socket, b: ScpBehaviour): void {
  const machine = new UlStateMachine('Sta1', { role: 'acceptor' });
  const framer = new PduFramer({ maxPduBytes: MAX_PDU });
  const assembler = new MessageAssembler({ maxMessageBytes: MAX_PDU });
  const write = (pdu: Pdu): void => {
    if (!socket.destroyed && socket.writable) socket.write(encodePdu(pdu));
  };
  /** Sta13: the last PDU is out; the half-close tells the requestor, and ARTIM_MS bounds the rest. */
  const finish = (pdu: Pdu): void => {
    if (!socket.destroyed && socket.writable) socket.end(encodePdu(pdu));
  };
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
      const reply = dimseReply(step.message.command);
      if (!reply) continue;
      for (const replyPdvs of toPdvs(step.message.contextId, reply, undefined, IMPLEMENTATION.maxLength)) {
        fire('Evt9', { type: 'P-DATA-TF', pdvs: replyPdvs });
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
