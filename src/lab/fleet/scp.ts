/**
 * One simulated DICOM SCP connection, on the project's own codecs in the
 * acceptor role (PS3.8 upper layer, PS3.7 C-ECHO and C-FIND): enough for load
 * and for every association outcome a scanner must tell apart. Correctness of
 * the scanner is tested against real servers (Orthanc, DCMTK); this is for fleets.
 */
import type net from 'node:net';
import { decodePdu, encodePdu, PduFramer, REJECT_CALLED_AE_NOT_RECOGNISED, REJECT_NO_REASON_GIVEN, REJECT_RESULT_PERMANENT, type AAssociateRq } from '../../protocols/dicom/ul/index.ts';
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

function acceptFor(rq: AAssociateRq): Buffer {
  return encodePdu({
    type: 'A-ASSOCIATE-AC',
    calledAeTitle: rq.calledAeTitle,
    callingAeTitle: rq.callingAeTitle,
    applicationContextName: UID.applicationContext,
    // PS3.8 9.3.3.2: result 0 = acceptance; implicit VR LE is every SCP's default (PS3.5 10.1).
    presentationContexts: rq.presentationContexts.map((c) => ({ id: c.id, result: 0, transferSyntax: UID.implicitVrLittleEndian })),
    userInformation: IMPLEMENTATION,
  });
}

function reject(code: { source: number; reason: number }): Buffer {
  return encodePdu({ type: 'A-ASSOCIATE-RJ', result: REJECT_RESULT_PERMANENT, source: code.source, reason: code.reason });
}

function answer(socket: net.Socket, rq: AAssociateRq, b: ScpBehaviour): void {
  switch (b.kind) {
    case 'open':
    case 'slow':
      socket.write(acceptFor(rq));
      return;
    case 'ae-checking':
      // PS3.8 9.3.4: source 1 (service user), reason 7 = called AE title not recognised.
      if (rq.calledAeTitle.trim() === b.aeTitle) socket.write(acceptFor(rq));
      else socket.end(reject(REJECT_CALLED_AE_NOT_RECOGNISED));
      return;
    case 'rejecting':
      socket.end(reject(REJECT_NO_REASON_GIVEN));
      return;
    default: {
      const never: never = b.kind;
      return never;
    }
  }
}

export function serveScp(socket: net.Socket, b: ScpBehaviour): void {
  socket.on('error', () => undefined);
  socket.setNoDelay(true);
  // Bound every connection: a stuck peer cannot hold a simulated SCP forever.
  socket.setTimeout(30_000, () => socket.destroy());
  const framer = new PduFramer({ maxPduBytes: MAX_PDU });
  const assembler = new MessageAssembler({ maxMessageBytes: MAX_PDU });
  socket.on('data', (chunk: Buffer) => {
    const { frames, error } = framer.push(chunk);
    if (error) return void socket.destroy();
    for (const frame of frames) {
      const d = decodePdu(frame);
      if (!d.ok) return void socket.destroy();
      const pdu = d.value;
      switch (pdu.type) {
        case 'A-ASSOCIATE-RQ':
          if (b.kind === 'slow') setTimeout(() => !socket.destroyed && answer(socket, pdu, b), b.slowMs);
          else answer(socket, pdu, b);
          break;
        case 'A-RELEASE-RQ':
          socket.end(encodePdu({ type: 'A-RELEASE-RP' }));
          break;
        case 'A-ABORT':
          socket.destroy();
          break;
        case 'P-DATA-TF':
          for (const pdv of pdu.pdvs) {
            const step = assembler.push(pdv);
            if (step.kind !== 'message') continue;
            const cmd = decodeCommand(step.message.command);
            if (!cmd.ok) return void socket.destroy();
            const m = cmd.value.message;
            // An archive with no matching study: C-FIND answers Success at once (PS3.4 C.4.1.1.4).
            const reply =
              m.type === 'C-ECHO-RQ'
                ? encodeCommand({ type: 'C-ECHO-RSP', messageIdBeingRespondedTo: m.messageId, affectedSopClassUid: m.affectedSopClassUid, status: 0 })
                : m.type === 'C-FIND-RQ'
                  ? encodeCommand({ type: 'C-FIND-RSP', messageIdBeingRespondedTo: m.messageId, affectedSopClassUid: m.affectedSopClassUid, status: 0 })
                  : undefined;
            if (reply) for (const pdvs of toPdvs(step.message.contextId, reply, undefined, IMPLEMENTATION.maxLength)) socket.write(encodePdu({ type: 'P-DATA-TF', pdvs }));
          }
          break;
        default:
          socket.destroy();
      }
    }
  });
}
