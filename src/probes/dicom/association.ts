/**
 * The requestor side of one DICOM association over a dialer Connection, driven by
 * the PS3.8 state machine (protocols/dicom/ul/fsm.ts): every PDU received, every
 * local request and a lost connection is an event of Table 9-10, and what follows
 * is that table's action. A PDU a state does not expect, or one that does not
 * decode, gets the table's answer (A-ABORT) at once, wherever it arrives.
 *
 * The dialer hands over an open connection (Sta4, Evt2). Sta13 — awaiting the
 * close after our A-ABORT or A-RELEASE-RP — is left to the connection: close()
 * flushes our last PDU, half-closes, and frees the socket within a second
 * whatever the peer does, the bound ARTIM would set.
 *
 * PDUs are framed and decoded by the pure codec in protocols/dicom/ul; DIMSE
 * messages are fragmented and reassembled by protocols/dicom/dimse. Every wait is
 * bounded by the I/O timeout and the signal.
 */
import type { Connection } from '../../net/dialer.ts';
import { NetError } from '../../net/errors.ts';
import {
  abortPdu,
  acceptedContexts,
  decodePdu,
  encodePdu,
  eventForPdu,
  PduFramer,
  pdvOutsideContexts,
  STATES,
  UlStateMachine,
  type AAbort,
  type AcceptedContexts,
  type AAssociateAc,
  type AAssociateRj,
  type AAssociateRq,
  type Pdu,
  type PDataTf,
  type PresentationDataValue,
  type UlAction,
  type UlDecodeError,
  type UlEvent,
  type UlState,
} from '../../protocols/dicom/ul/index.ts';
import { MessageAssembler, toPdvs, type ReceivedMessage } from '../../protocols/dicom/dimse/fragment.ts';
import { encodeCommand, type DimseMessage } from '../../protocols/dicom/dimse/messages.ts';
import { checkResponse, dimseErrorCode, type ExpectedResponse, type ResponseOf, type ResponseType } from '../../protocols/dicom/dimse/response.ts';

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
  /** The peer closed the connection, or released the association, before answering. */
  | { readonly kind: 'closed' };

export type ResponseOutcome<T extends ResponseType = ResponseType> =
  | { readonly kind: 'response'; readonly response: ResponseOf<T>; readonly dataset?: Buffer }
  | Exclude<ReceiveOutcome, { readonly kind: 'message' }>;

/** How far the peer's data has come: a whole message, or a whole command set whose dataset is still to come. */
type Progress = ReceiveOutcome | { readonly kind: 'command'; readonly contextId: number; readonly command: Buffer };

/** What the machine hands the local user: PS3.8 9.2's indications and confirmations. */
type Indication =
  | { readonly kind: 'accepted'; readonly ac: AAssociateAc } // AE-3
  | { readonly kind: 'rejected'; readonly rj: AAssociateRj } // AE-4
  | { readonly kind: 'data'; readonly pdvs: readonly PresentationDataValue[] } // DT-2, AR-6
  | { readonly kind: 'released' } // AR-3, or the peer's release answered (AR-2, AR-4)
  | { readonly kind: 'aborted'; readonly abort: AAbort } // AA-3
  | { readonly kind: 'closed' }; // AA-4

/** An event raised by the peer or the transport, with what it carried. */
interface Received {
  readonly event: UlEvent;
  readonly pdu?: Pdu;
  readonly error?: UlDecodeError;
}

/** Our end of the upper layer: reads, the state machine, and the actions it names. */
class UpperLayer {
  private readonly machine = new UlStateMachine('Sta4', { role: 'requestor' });
  private readonly framer: PduFramer;
  private readonly frames: Buffer[] = [];
  /** Set once a PDU decoded: after that, bad bytes are a broken peer, not another protocol. */
  private spokeDicom = false;
  /** What we proposed, then (from the A-ASSOCIATE-AC on) what both sides agreed on. */
  private proposed: AAssociateRq | undefined;
  private agreed: AcceptedContexts | undefined;

  constructor(
    private readonly conn: Connection,
    private readonly limits: AssociationLimits,
  ) {
    this.framer = new PduFramer({ maxPduBytes: limits.maxPduBytes });
  }

  /** The presentation contexts the association may carry data on, once accepted. */
  get accepted(): AcceptedContexts | undefined {
    return this.agreed;
  }

  /**
   * A local request that sends one PDU: Evt2 → AE-2 (A-ASSOCIATE-RQ), Evt11 → AR-1
   * (A-RELEASE-RQ); P-DATA-TF goes through requestData. False, with nothing sent, where
   * Table 9-10 has no cell for it: the association has ended.
   */
  async request(event: 'Evt2' | 'Evt11', pdu: Pdu, bytes?: Buffer): Promise<boolean> {
    if (!this.machine.fire(event).ok) return false;
    if (pdu.type === 'A-ASSOCIATE-RQ') this.proposed = pdu;
    await this.conn.write(bytes ?? encodePdu(pdu));
    return true;
  }

  /**
   * Several P-DATA-TF PDUs of one DIMSE message (Evt9, DT-1 each) in one write: a command and
   * its dataset leave together, in one segment when they fit, instead of the dataset waiting
   * behind the command. False, with nothing sent, once the association has ended.
   */
  async requestData(pdus: readonly PDataTf[]): Promise<boolean> {
    const bytes: Buffer[] = [];
    for (const pdu of pdus) {
      // In Sta6 every Evt9 is DT-1: the machine refuses the first or none.
      if (!this.machine.fire('Evt9').ok) break;
      bytes.push(encodePdu(pdu));
    }
    if (bytes.length === 0) return pdus.length === 0;
    await this.conn.write(bytes.length === 1 ? bytes[0]! : Buffer.concat(bytes));
    return bytes.length === pdus.length;
  }

  /** Evt15, the local user gives up: AA-1 sends an A-ABORT and closes; once the association has ended, only the close. */
  async abort(): Promise<void> {
    if (!this.local('Evt15')) this.conn.close();
  }

  /** A local event that sends nothing of the caller's: fires it and takes its action; false on a blank cell. */
  private local(event: 'Evt14' | 'Evt15' | 'Evt17'): boolean {
    const t = this.machine.fire(event);
    if (t.ok) this.act(t.action, { event });
    return t.ok;
  }

  /**
   * Reads until the machine has something for the local user, taking every action on the way; `signal` narrows the limits' own.
   * The read is here, not in a function of its own: one suspended frame per PDU awaited, none for a PDU already framed.
   */
  async next(signal = this.limits.signal): Promise<Indication> {
    for (;;) {
      let received = this.buffered();
      if (!received) {
        let chunk: Buffer | null;
        try {
          chunk = await this.conn.read(this.limits.ioTimeoutMs, signal);
        } catch (err) {
          this.readFailed(err);
          throw err;
        }
        if (chunk !== null) {
          for (const frame of this.framer.push(chunk).frames) this.frames.push(frame);
          continue;
        }
        received = { event: 'Evt17' };
      }
      const from = this.machine.state;
      const t = this.machine.fire(received.event);
      // Table 9-10 is blank for received events only in Sta1 and Sta4, where nothing is read.
      if (!t.ok) throw new Error(t.reason);
      const indication = this.act(t.action, received, from);
      if (indication) return indication;
    }
  }

  /** The event of the next PDU framed already (or of the framer's failure); undefined when more must be read. */
  private buffered(): Received | undefined {
    const frame = this.frames.shift();
    if (frame) {
      const decoded = decodePdu(frame);
      if (!decoded.ok) return { event: 'Evt19', error: decoded.error };
      this.spokeDicom = true;
      const pdu = decoded.value;
      // Data on a context never accepted is a PDU the provider cannot take (Evt19): Table 9-10
      // answers with AA-8, an A-ABORT from the service provider (source 2), reason 6 "invalid
      // PDU parameter value" (PS3.8 9.3.8), since the contexts are the provider's negotiation.
      const outside = pdu.type === 'P-DATA-TF' && this.agreed ? pdvOutsideContexts(pdu.pdvs, this.agreed) : undefined;
      if (outside) return { event: 'Evt19', error: outside };
      return { event: eventForPdu(pdu.type), pdu };
    }
    const failure = this.framer.failure;
    return failure ? { event: 'Evt19', error: failure } : undefined;
  }

  /** Waiting ran out (the I/O timeout, the probe's signal): the local user gives up. Any other failure is the transport gone. */
  private readFailed(err: unknown): void {
    const gaveUp = err instanceof NetError && (err.code === 'io-timeout' || err.code === 'aborted');
    this.local(gaveUp ? 'Evt15' : 'Evt17');
  }

  /**
   * Takes one action of PS3.8 9.2; returns the indication it issues to the local user, if any.
   * Synchronous: what an action sends is handed to the connection at once (best effort, see send).
   */
  private act(action: UlAction, received: Received, from: UlState = this.machine.state): Indication | undefined {
    const pdu = received.pdu;
    switch (action) {
      case 'AE-3':
        if (pdu?.type !== 'A-ASSOCIATE-AC') break;
        this.agreed = acceptedContexts(this.proposed ?? { presentationContexts: [] }, pdu);
        return { kind: 'accepted', ac: pdu };
      case 'AE-4':
        if (pdu?.type !== 'A-ASSOCIATE-RJ') break;
        this.conn.close();
        return { kind: 'rejected', rj: pdu };
      case 'DT-2':
      case 'AR-6':
        if (pdu?.type !== 'P-DATA-TF') break;
        return { kind: 'data', pdvs: pdu.pdvs };
      case 'AR-2':
        // The peer asks to release: a scanner has nothing left to say, so it answers at once (Evt14, AR-4).
        this.local('Evt14');
        return { kind: 'released' };
      case 'AR-4':
        this.send(RELEASE_RP);
        this.conn.close();
        return undefined;
      case 'AR-8':
        // Release collision, requestor side (Sta9): answer the peer's A-RELEASE-RQ (Evt14, AR-9), then await its A-RELEASE-RP (Sta11).
        this.local('Evt14');
        return undefined;
      case 'AR-9':
        this.send(RELEASE_RP);
        return undefined;
      case 'AR-3':
        this.conn.close();
        return { kind: 'released' };
      case 'AA-3':
        if (pdu?.type !== 'A-ABORT') break;
        this.conn.close();
        return { kind: 'aborted', abort: pdu };
      case 'AA-4':
      case 'AA-5':
      case 'AR-5':
        this.conn.close();
        return { kind: 'closed' };
      case 'AA-1':
        this.send(encodePdu(abortPdu('AA-1')));
        this.conn.close();
        return undefined;
      case 'AA-2':
        this.conn.close();
        return undefined;
      case 'AA-6':
        return undefined;
      case 'AA-7':
      case 'AA-8':
        this.send(encodePdu(abortPdu(action, received.error?.code)));
        this.conn.close();
        throw this.protocolError(action, received, from);
      case 'AE-1':
      case 'AE-2':
      case 'AE-5':
      case 'AE-6':
      case 'AE-7':
      case 'AE-8':
      case 'DT-1':
      case 'AR-1':
      case 'AR-7':
      case 'AR-10':
        // Actions of local requests (taken by `request`) and of the acceptor role: none follows a read here.
        break;
      default: {
        const never: never = action;
        return never;
      }
    }
    throw new Error(`${action} cannot follow ${received.event} on the requestor side`);
  }

  /** Says what the peer sent and in which state: structure only, never the PDU's contents. */
  private protocolError(action: UlAction, received: Received, from: UlState): AssociationProtocolError {
    const table = `aborted: PS3.8 Table 9-10, ${from} ${received.event} → ${action}`;
    const e = received.error;
    if (e) return new AssociationProtocolError(e.code, `${e.message} (${table})`, !this.spokeDicom && e.code === 'UNKNOWN_PDU_TYPE');
    return new AssociationProtocolError('UNEXPECTED_PDU', `sent ${received.pdu?.type ?? received.event} in ${from}, ${STATES[from].toLowerCase()} (${table})`);
  }

  /** Sends a PDU the machine decided on; the peer may already be gone, and then there is no one to tell. */
  private send(bytes: Buffer): void {
    // Best effort: the close that follows frees the socket either way.
    this.conn.write(bytes).catch(ignore);
  }
}

const ignore = (): void => undefined;

/** A PDU every association may send, in a buffer of its own (not a slice holding one of Node's 64 KiB pool slabs). */
function constantPdu(pdu: Pdu): Buffer {
  const encoded = encodePdu(pdu);
  const bytes = Buffer.allocUnsafeSlow(encoded.length);
  encoded.copy(bytes);
  return bytes;
}

/** The release PDUs have no parameters: encoded once (PS3.8 9.3.6, 9.3.7). */
const RELEASE_RQ = constantPdu({ type: 'A-RELEASE-RQ' });
const RELEASE_RP = constantPdu({ type: 'A-RELEASE-RP' });

/** An A-ASSOCIATE-RQ with its bytes: a probe opens many associations with the same few, and encodes each once. */
export interface EncodedAssociateRq {
  readonly pdu: AAssociateRq;
  readonly bytes: Buffer;
}

export function encodeAssociateRq(pdu: AAssociateRq): EncodedAssociateRq {
  // Kept for the scan: in a buffer of its own.
  return { pdu, bytes: constantPdu(pdu) };
}

/** Sends the A-ASSOCIATE-RQ (Evt2, AE-2) and waits for the peer's answer (Sta5). */
export async function requestAssociation(conn: Connection, rq: AAssociateRq | EncodedAssociateRq, limits: AssociationLimits): Promise<AssociateOutcome> {
  const ul = new UpperLayer(conn, limits);
  if ('bytes' in rq) await ul.request('Evt2', rq.pdu, rq.bytes);
  else await ul.request('Evt2', rq);
  const answer = await ul.next();
  switch (answer.kind) {
    case 'accepted':
      return { kind: 'accepted', ac: answer.ac, association: new Association(ul, answer.ac, limits) };
    case 'rejected':
      return { kind: 'rejected', rj: answer.rj };
    case 'aborted':
      return { kind: 'aborted', abort: answer.abort };
    case 'closed':
      return { kind: 'closed', bytesReceived: conn.bytesReceived };
    case 'data':
    case 'released':
      // Sta5 has AA-8 for P-DATA-TF and A-RELEASE-*: `next` has aborted and thrown already.
      throw new Error(`${answer.kind} cannot answer an A-ASSOCIATE-RQ`);
  }
}

/** An established association (Sta6). */
export class Association {
  private readonly assembler: MessageAssembler;
  private readonly pending: PresentationDataValue[] = [];
  /** How the association ended when the peer ended it. */
  private endedBy: 'released' | 'aborted' | undefined;

  constructor(
    private readonly ul: UpperLayer,
    readonly ac: AAssociateAc,
    readonly limits: AssociationLimits,
  ) {
    this.assembler = new MessageAssembler({ maxMessageBytes: limits.maxPduBytes });
  }

  /** True once the peer has released, aborted or closed: nothing more can be asked on it. */
  get ended(): boolean {
    return this.endedBy !== undefined;
  }

  /** The peer's Maximum Length Received; 0 means no limit (PS3.8 D.1). */
  get peerMaxPduLength(): number {
    return this.ac.userInformation.maxLength ?? 0;
  }

  /** A context we proposed and the peer accepted, with its transfer syntax. */
  acceptedContext(id: number): { id: number; transferSyntax: string } | undefined {
    const transferSyntax = this.ul.accepted?.get(id);
    return transferSyntax === undefined ? undefined : { id, transferSyntax };
  }

  /** One DIMSE message as P-DATA-TF PDUs (Evt9, DT-1 each), in one write. */
  send(contextId: number, message: DimseMessage, dataset?: Buffer): Promise<void> {
    return this.sendCommandSet(contextId, encodeCommand(message), dataset);
  }

  /** The same, for a command set encoded once by the caller (encodeCommand): a probe sends the same C-ECHO-RQ every time. */
  async sendCommandSet(contextId: number, commandSet: Buffer, dataset?: Buffer): Promise<void> {
    const max = this.peerMaxPduLength === 0 ? 0 : Math.max(this.peerMaxPduLength, 7);
    const pdus = toPdvs(contextId, commandSet, dataset, max).map((pdvs): PDataTf => ({ type: 'P-DATA-TF', pdvs }));
    if (!(await this.ul.requestData(pdus))) throw new NetError('closed', 'the association has ended: nothing more can be sent');
  }

  /** The next whole DIMSE message from the peer (Sta6, Evt10), whatever it is. */
  async receive(): Promise<ReceiveOutcome> {
    for (;;) {
      const p = await this.progress(this.limits.signal);
      if (p.kind !== 'command') return p;
    }
  }

  /**
   * The response to our outstanding request. Anything else ends the association at once
   * (A-ABORT, AssociationProtocolError): the command set is judged as soon as it is
   * complete, so a wrong one is not followed by a wait for the dataset it announces.
   * `signal` bounds this wait more tightly than the association's own (a grace after
   * C-CANCEL); when it ends the wait, the association is aborted (Evt15) and its reason thrown.
   */
  async response<T extends ResponseType>(expected: ExpectedResponse<T>, signal = this.limits.signal): Promise<ResponseOutcome<T>> {
    let judged: ResponseOf<T> | undefined;
    for (;;) {
      const p = await this.progress(signal);
      switch (p.kind) {
        case 'command':
          judged = await this.judge(expected, p.contextId, p.command);
          break;
        case 'message': {
          const { contextId, command, dataset } = p.message;
          const response = judged ?? (await this.judge(expected, contextId, command));
          return { kind: 'response', response, ...(dataset === undefined ? {} : { dataset }) };
        }
        case 'aborted':
        case 'closed':
          return p;
      }
    }
  }

  private async judge<T extends ResponseType>(expected: ExpectedResponse<T>, contextId: number, command: Buffer): Promise<ResponseOf<T>> {
    const checked = checkResponse(expected, contextId, command);
    if (checked.ok) return checked.value;
    throw await this.dimseError(checked.error.code, checked.error.message);
  }

  /**
   * A DIMSE protocol error: DIMSE sits above the upper layer, as its service user, so the
   * association ends with the user's A-ABORT (Evt15, AA-1: source 0, reason not significant,
   * PS3.8 9.3.8), and the caller is told with a stable code.
   */
  private async dimseError(code: string, message: string): Promise<AssociationProtocolError> {
    await this.ul.abort();
    return new AssociationProtocolError(code, message);
  }

  /** Feeds PDVs to the assembler until a command set or a message is complete, or the association ends. */
  private async progress(signal: AbortSignal): Promise<Progress> {
    for (;;) {
      const pdv = this.pending.shift();
      if (pdv) {
        const step = this.assembler.push(pdv);
        if (step.kind === 'message') return step;
        if (step.kind === 'error') throw await this.dimseError(dimseErrorCode(step.error.code), step.error.message);
        const waiting = pdv.isCommand ? this.assembler.awaitingDataset : undefined;
        if (waiting) return { kind: 'command', ...waiting };
        continue;
      }
      const got = await this.ul.next(signal);
      switch (got.kind) {
        case 'data':
          this.pending.push(...got.pdvs);
          break;
        case 'aborted':
          this.endedBy = 'aborted';
          return { kind: 'aborted', abort: got.abort };
        case 'released':
          this.endedBy = 'released';
          return { kind: 'closed' };
        case 'closed':
          this.endedBy = 'aborted';
          return { kind: 'closed' };
        case 'accepted':
        case 'rejected':
          // Sta6 has AA-8 for A-ASSOCIATE-AC/RJ: `next` has aborted and thrown already.
          throw new Error(`${got.kind} cannot arrive on an established association`);
      }
    }
  }

  /** A-RELEASE-RQ (Evt11, AR-1), then wait for A-RELEASE-RP (Sta7), dropping late P-DATA. */
  async release(): Promise<'released' | 'aborted'> {
    if (!(await this.ul.request('Evt11', { type: 'A-RELEASE-RQ' }, RELEASE_RQ))) return this.endedBy ?? 'aborted';
    for (;;) {
      const got = await this.ul.next().catch((err: unknown) => {
        // A PDU out of place after our A-RELEASE-RQ has been answered with an A-ABORT already.
        if (err instanceof AssociationProtocolError) return { kind: 'aborted' } as const;
        throw err;
      });
      if (got.kind === 'data') continue;
      return got.kind === 'released' ? 'released' : 'aborted';
    }
  }

  /** The local user gives up (Evt15): A-ABORT if the association still stands. */
  async abort(): Promise<void> {
    await this.ul.abort();
  }
}
