/**
 * The requestor side of one DICOM association over a dialer Connection
 * (PS3.8 9.2, requestor path of Table 9-10: Sta4 → Sta5 → Sta6 → Sta7 → Sta1).
 *
 * PDUs are framed and decoded by the pure codec in protocols/dicom/ul; DIMSE
 * messages are fragmented and reassembled by protocols/dicom/dimse. This file
 * only moves bytes, with every wait bounded by the I/O timeout and the signal.
 */
import type { Connection } from '../../net/dialer.ts';
import {
  decodePdu,
  encodePdu,
  PduFramer,
  type AAbort,
  type AAssociateAc,
  type AAssociateRj,
  type AAssociateRq,
  type Pdu,
  type PresentationDataValue,
} from '../../protocols/dicom/ul/index.ts';
import { MessageAssembler, toPdvs, type ReceivedMessage } from '../../protocols/dicom/dimse/fragment.ts';
import { encodeCommand, type DimseMessage } from '../../protocols/dicom/dimse/messages.ts';

export interface AssociationLimits {
  readonly ioTimeoutMs: number;
  /** Largest PDU and DIMSE message accepted from the peer. */
  readonly maxPduBytes: number;
  readonly signal: AbortSignal;
}

/** Our Maximum Length Received (PS3.8 D.1): what we tell the peer it may send in one PDU. */
export const OUR_MAX_PDU_LENGTH = 65536;

/** What came back from the peer for a PDU we could not use. */
export class AssociationProtocolError extends Error {
  override readonly name = 'AssociationProtocolError';
  constructor(
    readonly code: string,
    message: string,
    /** True when the peer sent bytes that are not DICOM UL at all (first PDU). */
    readonly notDicom = false,
  ) {
    super(message);
  }
}

export type AssociateOutcome =
  | { readonly kind: 'accepted'; readonly ac: AAssociateAc; readonly association: Association }
  | { readonly kind: 'rejected'; readonly rj: AAssociateRj }
  | { readonly kind: 'aborted'; readonly abort: AAbort }
  /** The peer closed the connection without answering. */
  | { readonly kind: 'closed'; readonly bytesReceived: number };

export type ReceiveOutcome =
  | { readonly kind: 'message'; readonly message: ReceivedMessage }
  | { readonly kind: 'aborted'; readonly abort: AAbort }
  | { readonly kind: 'closed' };

/** Reads whole PDUs from a connection; a declared length above the cap is refused before buffering. */
class PduReader {
  private readonly framer: PduFramer;
  private readonly ready: Buffer[] = [];

  constructor(
    private readonly conn: Connection,
    private readonly limits: AssociationLimits,
  ) {
    this.framer = new PduFramer({ maxPduBytes: limits.maxPduBytes });
  }

  /** The next PDU, or undefined when the peer closed. Network errors (timeouts) propagate as NetError. */
  async next(first = false): Promise<Pdu | undefined> {
    while (this.ready.length === 0) {
      const chunk = await this.conn.read(this.limits.ioTimeoutMs, this.limits.signal);
      if (chunk === null) return undefined;
      const r = this.framer.push(chunk);
      this.ready.push(...r.frames);
      if (r.error && this.ready.length === 0) {
        throw new AssociationProtocolError(r.error.code, r.error.message, first && r.error.code === 'UNKNOWN_PDU_TYPE');
      }
    }
    const decoded = decodePdu(this.ready.shift()!);
    if (!decoded.ok) throw new AssociationProtocolError(decoded.error.code, decoded.error.message);
    return decoded.value;
  }
}

/** Sends the A-ASSOCIATE-RQ and waits for the peer's answer (Sta5). */
export async function requestAssociation(conn: Connection, rq: AAssociateRq, limits: AssociationLimits): Promise<AssociateOutcome> {
  const reader = new PduReader(conn, limits);
  await conn.write(encodePdu(rq));
  const pdu = await reader.next(true);
  if (pdu === undefined) return { kind: 'closed', bytesReceived: conn.bytesReceived };
  switch (pdu.type) {
    case 'A-ASSOCIATE-AC':
      return { kind: 'accepted', ac: pdu, association: new Association(conn, reader, pdu, limits) };
    case 'A-ASSOCIATE-RJ':
      return { kind: 'rejected', rj: pdu };
    case 'A-ABORT':
      return { kind: 'aborted', abort: pdu };
    default:
      // PS3.8 Table 9-10, Sta5 with Evt10/Evt12/…: AA-8, the association is aborted.
      await sendAbort(conn);
      throw new AssociationProtocolError('UNEXPECTED_PDU', `answered A-ASSOCIATE-RQ with ${pdu.type}`);
  }
}

async function sendAbort(conn: Connection): Promise<void> {
  try {
    // PS3.8 9.3.8: source 0 (service user), reason 0.
    await conn.write(encodePdu({ type: 'A-ABORT', source: 0, reason: 0 }));
  } catch {
    // The peer may be gone already; aborting is best effort.
  }
  conn.close();
}

/** An established association (Sta6). */
export class Association {
  private readonly assembler: MessageAssembler;
  private readonly pending: PresentationDataValue[] = [];
  private open = true;

  constructor(
    private readonly conn: Connection,
    private readonly reader: PduReader,
    readonly ac: AAssociateAc,
    private readonly limits: AssociationLimits,
  ) {
    this.assembler = new MessageAssembler({ maxMessageBytes: limits.maxPduBytes });
  }

  /** The peer's Maximum Length Received; 0 means no limit (PS3.8 D.1). */
  get peerMaxPduLength(): number {
    return this.ac.userInformation.maxLength ?? 0;
  }

  /** Context id the peer accepted for an abstract syntax, with its transfer syntax. */
  acceptedContext(id: number): { id: number; transferSyntax: string } | undefined {
    const c = this.ac.presentationContexts.find((p) => p.id === id && p.result === 0 && p.transferSyntax);
    return c ? { id: c.id, transferSyntax: c.transferSyntax! } : undefined;
  }

  async send(contextId: number, message: DimseMessage, dataset?: Buffer): Promise<void> {
    const max = this.peerMaxPduLength === 0 ? 0 : Math.max(this.peerMaxPduLength, 7);
    for (const pdvs of toPdvs(contextId, encodeCommand(message), dataset, max)) {
      await this.conn.write(encodePdu({ type: 'P-DATA-TF', pdvs }));
    }
  }

  /** The next whole DIMSE message from the peer (Sta6, Evt10). */
  async receive(): Promise<ReceiveOutcome> {
    for (;;) {
      const pdv = this.pending.shift();
      if (pdv) {
        const step = this.assembler.push(pdv);
        if (step.kind === 'message') return { kind: 'message', message: step.message };
        if (step.kind === 'error') {
          await this.abort();
          throw new AssociationProtocolError(step.error.code, step.error.message);
        }
        continue;
      }
      const pdu = await this.reader.next();
      if (pdu === undefined) {
        this.open = false;
        return { kind: 'closed' };
      }
      if (pdu.type === 'P-DATA-TF') this.pending.push(...pdu.pdvs);
      else if (pdu.type === 'A-ABORT') {
        this.open = false;
        this.conn.close();
        return { kind: 'aborted', abort: pdu };
      } else {
        await this.abort();
        throw new AssociationProtocolError('UNEXPECTED_PDU', `sent ${pdu.type} while a DIMSE response was awaited`);
      }
    }
  }

  /** A-RELEASE-RQ, then wait for A-RELEASE-RP (Sta7), dropping late P-DATA; aborts on anything else. */
  async release(): Promise<'released' | 'aborted'> {
    if (!this.open) return 'aborted';
    this.open = false;
    await this.conn.write(encodePdu({ type: 'A-RELEASE-RQ' }));
    for (;;) {
      const pdu = await this.reader.next();
      if (pdu === undefined) return 'aborted';
      if (pdu.type === 'A-RELEASE-RP') {
        this.conn.close();
        return 'released';
      }
      if (pdu.type === 'P-DATA-TF') continue;
      if (pdu.type === 'A-ABORT') {
        this.conn.close();
        return 'aborted';
      }
      await sendAbort(this.conn);
      return 'aborted';
    }
  }

  async abort(): Promise<void> {
    this.open = false;
    await sendAbort(this.conn);
  }
}
