/**
 * The DICOM Upper Layer state machine, PS3.8 9.2: states, events, actions (the state
 * definitions and action tables of 9.2) and the state transition table (Table 9-10), with the standard's names
 * so each cell can be checked against the printed table. Pure: `transition` says what to do
 * and where to go; doing it (sockets, timers) belongs to the caller. The scanner's requestor
 * (probes/dicom/association.ts) runs every association through a `UlStateMachine`.
 */
import type { AAbort, PduType } from './pdu.ts';
import type { UlDecodeErrorCode } from './reader.ts';
import {
  ABORT_INVALID_PDU_PARAMETER_VALUE,
  ABORT_REASON_NOT_SPECIFIED,
  ABORT_SOURCE_SERVICE_PROVIDER,
  ABORT_SOURCE_SERVICE_USER,
  ABORT_UNEXPECTED_PDU,
  ABORT_UNRECOGNISED_PDU,
} from './reasons.ts';

/** PS3.8 9.2, state definitions. */
export const STATES = {
  Sta1: 'Idle',
  Sta2: 'Transport connection open (awaiting A-ASSOCIATE-RQ PDU)',
  Sta3: 'Awaiting local A-ASSOCIATE response primitive (from local user)',
  Sta4: 'Awaiting transport connection opening to complete (from local transport service)',
  Sta5: 'Awaiting A-ASSOCIATE-AC or A-ASSOCIATE-RJ PDU',
  Sta6: 'Association established and ready for data transfer',
  Sta7: 'Awaiting A-RELEASE-RP PDU',
  Sta8: 'Awaiting local A-RELEASE response primitive (from local user)',
  Sta9: 'Release collision requestor side; awaiting A-RELEASE response (from local user)',
  Sta10: 'Release collision acceptor side; awaiting A-RELEASE-RP PDU',
  Sta11: 'Release collision requestor side; awaiting A-RELEASE-RP PDU',
  Sta12: 'Release collision acceptor side; awaiting A-RELEASE response primitive (from local user)',
  Sta13: 'Awaiting transport connection close indication (association no longer exists)',
} as const;
export type UlState = keyof typeof STATES;

/** PS3.8 Table 9-10, event column. */
export const EVENTS = {
  Evt1: 'A-ASSOCIATE request (local user)',
  Evt2: 'Transport connect confirmation (local transport service)',
  Evt3: 'A-ASSOCIATE-AC PDU (received on transport connection)',
  Evt4: 'A-ASSOCIATE-RJ PDU (received on transport connection)',
  Evt5: 'Transport connection indication (local transport service)',
  Evt6: 'A-ASSOCIATE-RQ PDU (received on transport connection)',
  Evt7: 'A-ASSOCIATE response primitive (accept)',
  Evt8: 'A-ASSOCIATE response primitive (reject)',
  Evt9: 'P-DATA request primitive',
  Evt10: 'P-DATA-TF PDU',
  Evt11: 'A-RELEASE request primitive',
  Evt12: 'A-RELEASE-RQ PDU (received on open transport connection)',
  Evt13: 'A-RELEASE-RP PDU (received on transport connection)',
  Evt14: 'A-RELEASE response primitive',
  Evt15: 'A-ABORT request primitive',
  Evt16: 'A-ABORT PDU (received on open transport connection)',
  Evt17: 'Transport connection closed indication (local transport service)',
  Evt18: 'ARTIM timer expired (association reject/release timer)',
  Evt19: 'Unrecognized or invalid PDU received',
} as const;
export type UlEvent = keyof typeof EVENTS;

/**
 * PS3.8 9.2 action tables (AE, DT, AR, AA): what each action does and the state it leads to. Two actions
 * branch: AE-6 (is the A-ASSOCIATE-RQ acceptable to the provider?) and AR-8 (are we the
 * association-requestor?); see `TransitionContext`.
 */
export const ACTIONS = {
  'AE-1': { next: 'Sta4', does: 'Issue TRANSPORT CONNECT request primitive to local transport service' },
  'AE-2': { next: 'Sta5', does: 'Send A-ASSOCIATE-RQ PDU' },
  'AE-3': { next: 'Sta6', does: 'Issue A-ASSOCIATE confirmation (accept) primitive' },
  'AE-4': { next: 'Sta1', does: 'Issue A-ASSOCIATE confirmation (reject) primitive and close transport connection' },
  'AE-5': { next: 'Sta2', does: 'Issue transport connection response primitive; start ARTIM timer' },
  'AE-6': { next: 'Sta3', does: 'Stop ARTIM timer; if the A-ASSOCIATE-RQ is acceptable issue A-ASSOCIATE indication (Sta3), otherwise send A-ASSOCIATE-RJ PDU and start ARTIM timer (Sta13)' },
  'AE-7': { next: 'Sta6', does: 'Send A-ASSOCIATE-AC PDU' },
  'AE-8': { next: 'Sta13', does: 'Send A-ASSOCIATE-RJ PDU and start ARTIM timer' },
  'DT-1': { next: 'Sta6', does: 'Send P-DATA-TF PDU' },
  'DT-2': { next: 'Sta6', does: 'Send P-DATA indication primitive' },
  'AR-1': { next: 'Sta7', does: 'Send A-RELEASE-RQ PDU' },
  'AR-2': { next: 'Sta8', does: 'Issue A-RELEASE indication primitive' },
  'AR-3': { next: 'Sta1', does: 'Issue A-RELEASE confirmation primitive, and close transport connection' },
  'AR-4': { next: 'Sta13', does: 'Issue A-RELEASE-RP PDU and start ARTIM timer' },
  'AR-5': { next: 'Sta1', does: 'Stop ARTIM timer' },
  'AR-6': { next: 'Sta7', does: 'Issue P-DATA indication' },
  'AR-7': { next: 'Sta8', does: 'Issue P-DATA-TF PDU' },
  'AR-8': { next: 'Sta9', does: 'Issue A-RELEASE indication (release collision): association-requestor goes to Sta9, acceptor to Sta10' },
  'AR-9': { next: 'Sta11', does: 'Send A-RELEASE-RP PDU' },
  'AR-10': { next: 'Sta12', does: 'Issue A-RELEASE confirmation primitive' },
  'AA-1': { next: 'Sta13', does: 'Send A-ABORT PDU (service-user source) and start (or restart if already started) ARTIM timer' },
  'AA-2': { next: 'Sta1', does: 'Stop ARTIM timer if running; close transport connection' },
  'AA-3': { next: 'Sta1', does: 'Issue A-ABORT indication (service-user initiated) or A-P-ABORT indication (service-provider initiated), and close transport connection' },
  'AA-4': { next: 'Sta1', does: 'Issue A-P-ABORT indication primitive' },
  'AA-5': { next: 'Sta1', does: 'Stop ARTIM timer' },
  'AA-6': { next: 'Sta13', does: 'Ignore PDU' },
  'AA-7': { next: 'Sta13', does: 'Send A-ABORT PDU' },
  'AA-8': { next: 'Sta13', does: 'Send A-ABORT PDU (service-provider source), issue an A-P-ABORT indication, and start ARTIM timer' },
} as const satisfies Record<string, { next: UlState; does: string }>;
export type UlAction = keyof typeof ACTIONS;

type Row = readonly [UlAction | null, UlAction | null, UlAction | null, UlAction | null, UlAction | null, UlAction | null, UlAction | null,
  UlAction | null, UlAction | null, UlAction | null, UlAction | null, UlAction | null, UlAction | null];

const _ = null; // a blank cell: the event cannot occur in that state

/** PS3.8 Table 9-10, row by row, one column per state Sta1 … Sta13. */
export const TABLE_9_10: Readonly<Record<UlEvent, Row>> = {
  //        Sta1    Sta2    Sta3    Sta4    Sta5    Sta6    Sta7    Sta8    Sta9    Sta10    Sta11   Sta12   Sta13
  Evt1: [  'AE-1', _,      _,      _,      _,      _,      _,      _,      _,      _,       _,      _,      _],
  Evt2: [  _,      _,      _,      'AE-2', _,      _,      _,      _,      _,      _,       _,      _,      _],
  Evt3: [  _,      'AA-1', 'AA-8', _,      'AE-3', 'AA-8', 'AA-8', 'AA-8', 'AA-8', 'AA-8',  'AA-8', 'AA-8', 'AA-6'],
  Evt4: [  _,      'AA-1', 'AA-8', _,      'AE-4', 'AA-8', 'AA-8', 'AA-8', 'AA-8', 'AA-8',  'AA-8', 'AA-8', 'AA-6'],
  Evt5: [  'AE-5', _,      _,      _,      _,      _,      _,      _,      _,      _,       _,      _,      _],
  Evt6: [  _,      'AE-6', 'AA-8', _,      'AA-8', 'AA-8', 'AA-8', 'AA-8', 'AA-8', 'AA-8',  'AA-8', 'AA-8', 'AA-7'],
  Evt7: [  _,      _,      'AE-7', _,      _,      _,      _,      _,      _,      _,       _,      _,      _],
  Evt8: [  _,      _,      'AE-8', _,      _,      _,      _,      _,      _,      _,       _,      _,      _],
  Evt9: [  _,      _,      _,      _,      _,      'DT-1', _,      'AR-7', _,      _,       _,      _,      _],
  Evt10: [ _,      'AA-1', 'AA-8', _,      'AA-8', 'DT-2', 'AR-6', 'AA-8', 'AA-8', 'AA-8',  'AA-8', 'AA-8', 'AA-6'],
  Evt11: [ _,      _,      _,      _,      _,      'AR-1', _,      _,      _,      _,       _,      _,      _],
  Evt12: [ _,      'AA-1', 'AA-8', _,      'AA-8', 'AR-2', 'AR-8', 'AA-8', 'AA-8', 'AA-8',  'AA-8', 'AA-8', 'AA-6'],
  Evt13: [ _,      'AA-1', 'AA-8', _,      'AA-8', 'AA-8', 'AR-3', 'AA-8', 'AA-8', 'AR-10', 'AR-3', 'AA-8', 'AA-6'],
  Evt14: [ _,      _,      _,      _,      _,      _,      _,      'AR-4', 'AR-9', _,       _,      'AR-4', _],
  Evt15: [ _,      _,      'AA-1', 'AA-2', 'AA-1', 'AA-1', 'AA-1', 'AA-1', 'AA-1', 'AA-1',  'AA-1', 'AA-1', _],
  Evt16: [ _,      'AA-2', 'AA-3', _,      'AA-3', 'AA-3', 'AA-3', 'AA-3', 'AA-3', 'AA-3',  'AA-3', 'AA-3', 'AA-2'],
  Evt17: [ _,      'AA-5', 'AA-4', 'AA-4', 'AA-4', 'AA-4', 'AA-4', 'AA-4', 'AA-4', 'AA-4',  'AA-4', 'AA-4', 'AR-5'],
  Evt18: [ _,      'AA-2', _,      _,      _,      _,      _,      _,      _,      _,       _,      _,      'AA-2'],
  Evt19: [ _,      'AA-1', 'AA-8', _,      'AA-8', 'AA-8', 'AA-8', 'AA-8', 'AA-8', 'AA-8',  'AA-8', 'AA-8', 'AA-7'],
};

const STATE_COLUMNS = Object.keys(STATES) as readonly UlState[];

/** What decides the two branching actions (AE-6, AR-8). */
export interface TransitionContext {
  /** AR-8: our role on this association. Default 'requestor' (the scanner's role). */
  readonly role?: 'requestor' | 'acceptor';
  /** AE-6: whether the service-provider finds the A-ASSOCIATE-RQ acceptable. Default true. */
  readonly associateRqAcceptable?: boolean;
}

export type TransitionResult =
  | { readonly ok: true; readonly action: UlAction; readonly next: UlState }
  /** A blank cell of Table 9-10: the event cannot occur in this state (a local usage error). */
  | { readonly ok: false; readonly reason: string };

export function transition(state: UlState, event: UlEvent, context: TransitionContext = {}): TransitionResult {
  const action = TABLE_9_10[event][STATE_COLUMNS.indexOf(state)] ?? null;
  if (action === null) {
    return { ok: false, reason: `${event} (${EVENTS[event]}) cannot occur in ${state} (${STATES[state]}): blank in PS3.8 Table 9-10` };
  }
  return { ok: true, action, next: nextState(action, context) };
}

function nextState(action: UlAction, context: TransitionContext): UlState {
  switch (action) {
    case 'AE-6': return context.associateRqAcceptable === false ? 'Sta13' : 'Sta3';
    case 'AR-8': return context.role === 'acceptor' ? 'Sta10' : 'Sta9';
    default: return ACTIONS[action].next;
  }
}

/** The event a received, well-formed PDU raises; a frame that fails to decode raises Evt19. */
export function eventForPdu(type: PduType): UlEvent {
  switch (type) {
    case 'A-ASSOCIATE-AC': return 'Evt3';
    case 'A-ASSOCIATE-RJ': return 'Evt4';
    case 'A-ASSOCIATE-RQ': return 'Evt6';
    case 'P-DATA-TF': return 'Evt10';
    case 'A-RELEASE-RQ': return 'Evt12';
    case 'A-RELEASE-RP': return 'Evt13';
    case 'A-ABORT': return 'Evt16';
  }
}

/** One association's place in Table 9-10: fire an event, get the action to take; the caller takes it. */
export class UlStateMachine {
  private current: UlState;

  constructor(
    initial: UlState,
    private readonly context: TransitionContext = {},
  ) {
    this.current = initial;
  }

  get state(): UlState {
    return this.current;
  }

  /** Moves on `event`; a blank cell leaves the state as it was and says why. */
  fire(event: UlEvent): TransitionResult {
    const t = transition(this.current, event, this.context);
    if (t.ok) this.current = t.next;
    return t;
  }
}

/**
 * The A-ABORT PDU an abort action sends (PS3.8 9.3.8). AA-1 comes from the service user,
 * whose reason is not significant; AA-7 and AA-8 from the service provider, saying why:
 * a PDU type it does not know (`cause` UNKNOWN_PDU_TYPE), a PDU it could not decode or
 * whose parameters it cannot take, such as a PDV on a context never accepted (any other
 * `cause`: invalid PDU parameter value), or a well-formed PDU the state does not expect (no `cause`).
 */
export function abortPdu(action: 'AA-1' | 'AA-7' | 'AA-8', cause?: UlDecodeErrorCode): AAbort {
  if (action === 'AA-1') return { type: 'A-ABORT', source: ABORT_SOURCE_SERVICE_USER, reason: ABORT_REASON_NOT_SPECIFIED };
  const reason = cause === undefined ? ABORT_UNEXPECTED_PDU : cause === 'UNKNOWN_PDU_TYPE' ? ABORT_UNRECOGNISED_PDU : ABORT_INVALID_PDU_PARAMETER_VALUE;
  return { type: 'A-ABORT', source: ABORT_SOURCE_SERVICE_PROVIDER, reason };
}
