/**
 * The DICOM DIMSE probe: associate (finding a called AE title that works),
 * C-ECHO, Study Root C-FIND counted and inventoried, Modality Worklist C-FIND
 * counted and inventoried, release: one association for all of it.
 *
 * Never C-GET, C-MOVE or C-STORE: nothing is retrieved, nothing is written.
 * Whatever fails, an Observation comes back with what was learned up to there.
 */
import { catalogued } from '../catalogue.ts';
import { NetError, statusOfNetError, toNetError } from '../../net/errors.ts';
import { describeAbort, describeReject, REJECT_CALLED_AE_NOT_RECOGNISED, isRejectReason } from '../../protocols/dicom/ul/index.ts';
import type { AAssociateAc, AAssociateRq } from '../../protocols/dicom/ul/index.ts';
import { encodeCommand } from '../../protocols/dicom/dimse/messages.ts';
import { statusClass } from '../../protocols/dicom/dimse/status.ts';
import { UID } from '../../protocols/dicom/uids.ts';
import type { AssociationAttempt, DicomDetails, DimseOutcome, Endpoint, Observation, ProbeStatus } from '../../observation/observation.ts';
import { IDENTIFIER_CAP, optionalIdentifier, printableIdentifier } from '../../observation/peer-text.ts';
import { definedProbe, type Deadline, type DicomProbeOptions, type Probe, type ProbeContext } from '../probe.ts';
import { calledAeCandidates, type CalledAeCandidate } from './ae-titles.ts';
import { AssociationProtocolError, encodeAssociateRq, OUR_MAX_PDU_LENGTH, requestAssociation, type Association, type EncodedAssociateRq } from './association.ts';
import { fingerprintDicom } from './fingerprints.ts';
import { refineByBehaviour } from './behaviour-fingerprints.ts';
import { queryStudies } from './study-query.ts';
import { BehaviourFacts, elapsedMs } from './behaviour.ts';
import { queryWorklist } from './worklist-query.ts';
import { tlsInfoFromCertificate } from '../../net/tls-info.ts';
import type { DistinctCounter, PatientPseudonyms } from '../../privacy/pseudonyms.ts';
import { IMPLEMENTATION_VERSION_NAME } from '../../version.ts';

/**
 * Presentation contexts we propose (PS3.8 9.3.2.2): odd ids, both little-endian transfer
 * syntaxes. The worklist rides in the same A-ASSOCIATE-RQ as the archive's query
 * (decision 0016): one connection per service, and a peer that serves only one of them
 * rejects the other context instead of the association.
 */
const CONTEXT_VERIFICATION = 1;
const CONTEXT_STUDY_FIND = 3;
const CONTEXT_WORKLIST_FIND = 5;
const TRANSFER_SYNTAXES = [UID.explicitVrLittleEndian, UID.implicitVrLittleEndian];

/** The abstract syntax we proposed on each context id, to name what the peer accepted or rejected. */
const ABSTRACT_SYNTAX: ReadonlyMap<number, string> = new Map([
  [CONTEXT_VERIFICATION, UID.verification],
  [CONTEXT_STUDY_FIND, UID.studyRootFind],
  [CONTEXT_WORKLIST_FIND, UID.modalityWorklistFind],
]);

/** Bound on association attempts per service, whatever the candidate list holds. */
const MAX_ATTEMPTS = 12;

export const IMPLEMENTATION_CLASS_UID = '1.2.826.0.1.3680043.10.1387.1';

/**
 * Each (called, calling) pair's A-ASSOCIATE-RQ, encoded once: a scan opens every association
 * with one of the same few (the candidate titles, one calling title). Bounded all the same.
 */
const encodedRqs = new Map<string, EncodedAssociateRq>();
const MAX_ENCODED_RQS = 64;

function encodedAssociateRq(calledAeTitle: string, callingAeTitle: string): EncodedAssociateRq {
  const key = `${calledAeTitle.length}:${calledAeTitle}${callingAeTitle}`;
  let rq = encodedRqs.get(key);
  if (!rq) {
    if (encodedRqs.size >= MAX_ENCODED_RQS) encodedRqs.clear();
    rq = encodeAssociateRq(associateRq(calledAeTitle, callingAeTitle));
    encodedRqs.set(key, rq);
  }
  return rq;
}

function associateRq(calledAeTitle: string, callingAeTitle: string): AAssociateRq {
  return {
    type: 'A-ASSOCIATE-RQ',
    calledAeTitle,
    callingAeTitle,
    applicationContextName: UID.applicationContext,
    presentationContexts: [
      { id: CONTEXT_VERIFICATION, abstractSyntax: UID.verification, transferSyntaxes: TRANSFER_SYNTAXES },
      { id: CONTEXT_STUDY_FIND, abstractSyntax: UID.studyRootFind, transferSyntaxes: TRANSFER_SYNTAXES },
      { id: CONTEXT_WORKLIST_FIND, abstractSyntax: UID.modalityWorklistFind, transferSyntaxes: TRANSFER_SYNTAXES },
    ],
    userInformation: {
      maxLength: OUR_MAX_PDU_LENGTH,
      implementationClassUid: IMPLEMENTATION_CLASS_UID,
      implementationVersionName: IMPLEMENTATION_VERSION_NAME,
    },
  };
}

interface ProbeState {
  details: DicomDetails;
  /** Facts for the honeypot assessment, put in the details when the probe ends. */
  readonly behaviour: BehaviourFacts;
  patients?: DistinctCounter;
  observation: Omit<Observation, 'durationMs' | 'details'>;
}

/** How the DICOM probe reaches the peer: plain TCP (dicom) or TLS (dicom-tls, PS3.15 Annex B). */
export interface DicomTransport {
  readonly protocol: 'dicom' | 'dicom-tls';
  readonly tls: boolean;
}

const PLAIN: DicomTransport = { protocol: 'dicom', tls: false };

function initialState(endpoint: Endpoint, pseudonyms: PatientPseudonyms, transport: DicomTransport = PLAIN): ProbeState {
  return {
    behaviour: new BehaviourFacts(pseudonyms),
    details: {
      protocol: 'dicom',
      attempts: [],
      acceptsAnyCalledAeTitle: false,
      echo: { outcome: 'not-attempted' },
      find: { outcome: 'not-attempted', level: 'STUDY', matches: 0, capped: false, modalities: [] },
      release: 'not-attempted',
    },
    observation: {
      protocol: transport.protocol,
      endpoint,
      status: 'unknown-error',
      startedAt: new Date().toISOString(),
      tls: transport.tls,
      exposure: {},
    },
  };
}

function recordPeer(state: ProbeState, ac: AAssociateAc): void {
  const ui = ac.userInformation;
  // Identifiers the peer chose: capped printable ASCII before they reach a product basis, a finding or the store.
  const classUid = optionalIdentifier(ui.implementationClassUid, IDENTIFIER_CAP.uid);
  const versionName = optionalIdentifier(ui.implementationVersionName, IDENTIFIER_CAP.implementationVersionName);
  state.details.peer = {
    ...(classUid ? { implementationClassUid: classUid } : {}),
    ...(versionName ? { implementationVersionName: versionName } : {}),
    ...(ui.maxLength !== undefined ? { maxPduLength: ui.maxLength } : {}),
    respondingAeTitle: printableIdentifier(ac.calledAeTitle, IDENTIFIER_CAP.aeTitle),
    // A context id we never proposed names no abstract syntax: left out (the association's own checks refuse data on it).
    acceptedContexts: ac.presentationContexts.flatMap((c) => {
      const abstractSyntax = ABSTRACT_SYNTAX.get(c.id);
      return c.result === 0 && c.transferSyntax && abstractSyntax ? [{ abstractSyntax, transferSyntax: printableIdentifier(c.transferSyntax, IDENTIFIER_CAP.uid) }] : [];
    }),
    rejectedContexts: ac.presentationContexts.flatMap((c) => {
      const abstractSyntax = ABSTRACT_SYNTAX.get(c.id);
      return c.result !== 0 && abstractSyntax ? [{ abstractSyntax, result: c.result }] : [];
    }),
  };
  const product = fingerprintDicom(classUid, versionName);
  if (product) state.observation.product = product;
}

/** The called AE titles to try, listed once per scan's options (every probe of a scan shares them). */
const candidateLists = new WeakMap<DicomProbeOptions, readonly CalledAeCandidate[]>();

function candidatesFor(options: DicomProbeOptions): readonly CalledAeCandidate[] {
  let list = candidateLists.get(options);
  if (!list) {
    list = calledAeCandidates(options.userAeTitles, options.useGuessList).slice(0, MAX_ATTEMPTS);
    candidateLists.set(options, list);
  }
  return list;
}

/** Tries called AE titles in order until one is accepted; leaves the open association or undefined. */
async function associate(endpoint: Endpoint, ctx: ProbeContext, signal: AbortSignal, state: ProbeState, transport: DicomTransport): Promise<Association | undefined> {
  const candidates = candidatesFor(ctx.dicom);
  for (const [i, candidate] of candidates.entries()) {
    const conn = await ctx.dialer.connect(endpoint, { signal, connectTimeoutMs: ctx.limits.connectTimeoutMs, tls: transport.tls ? {} : false });
    if (transport.tls && state.observation.tlsInfo === undefined) state.observation.tlsInfo = tlsInfoFromCertificate(conn.peerCertificate, conn.tlsProtocol);
    const attempt: AssociationAttempt = {
      calledAeTitle: candidate.aeTitle,
      callingAeTitle: ctx.identity.callingAeTitle,
      origin: candidate.origin,
      outcome: 'protocol-error',
    };
    state.details.attempts.push(attempt);
    const sent = performance.now();
    const outcome = await requestAssociation(conn, encodedAssociateRq(candidate.aeTitle, ctx.identity.callingAeTitle), {
      ioTimeoutMs: ctx.limits.ioTimeoutMs,
      maxPduBytes: ctx.limits.maxPduBytes,
      signal,
    }).catch((err: unknown) => {
      conn.close();
      attempt.outcome = err instanceof NetError && err.code === 'io-timeout' ? 'timeout' : 'protocol-error';
      throw err;
    });
    switch (outcome.kind) {
      case 'accepted':
        attempt.outcome = 'accepted';
        state.behaviour.associateMs = elapsedMs(sent);
        state.details.acceptedCalledAeTitle = candidate.aeTitle;
        state.details.acceptsAnyCalledAeTitle = candidate.origin === 'unlikely';
        recordPeer(state, outcome.ac);
        return outcome.association;
      case 'rejected': {
        conn.close();
        const { result, source, reason } = outcome.rj;
        attempt.outcome = 'rejected';
        attempt.reject = { result, source, reason, text: describeReject(result, source, reason) };
        // Only "called AE title not recognised" is worth another title (PS3.8 9.3.4).
        if (!isRejectReason(outcome.rj, REJECT_CALLED_AE_NOT_RECOGNISED)) return undefined;
        break;
      }
      case 'aborted':
        attempt.outcome = 'aborted';
        attempt.abort = { source: outcome.abort.source, reason: outcome.abort.reason, text: describeAbort(outcome.abort.source, outcome.abort.reason) };
        return undefined;
      case 'closed':
        attempt.outcome = 'closed';
        if (i === 0 && outcome.bytesReceived === 0) throw new AssociationProtocolError('CLOSED', 'closed without answering an A-ASSOCIATE-RQ', true);
        return undefined;
    }
  }
  return undefined;
}

/** Every probe's C-ECHO-RQ is message 1 on the Verification context: the same command set, encoded once. */
const ECHO_MESSAGE_ID = 1;
const ECHO_RQ = encodeCommand({ type: 'C-ECHO-RQ', messageId: ECHO_MESSAGE_ID, affectedSopClassUid: UID.verification });

async function echo(association: Association, state: ProbeState): Promise<void> {
  if (!association.acceptedContext(CONTEXT_VERIFICATION)) {
    state.details.echo = { outcome: 'not-negotiated' };
    return;
  }
  const messageId = ECHO_MESSAGE_ID;
  await association.sendCommandSet(CONTEXT_VERIFICATION, ECHO_RQ);
  // Anything but a C-ECHO-RSP to message 1 on the Verification context aborts and throws (association.ts).
  const r = await association.response({ type: 'C-ECHO-RSP', messageId, contextId: CONTEXT_VERIFICATION });
  if (r.kind !== 'response') {
    state.details.echo = { outcome: 'aborted' };
    return;
  }
  const status = r.response.status;
  state.details.echo = { outcome: statusClass(status) === 'success' ? 'success' : 'failed', status };
}

/** Message ids after the C-ECHO's: each C-FIND of the association takes the next. */
function messageIds(): () => number {
  let next = ECHO_MESSAGE_ID + 1;
  return () => next++;
}

async function find(association: Association, ctx: ProbeContext, state: ProbeState, nextMessageId: () => number): Promise<void> {
  const context = association.acceptedContext(CONTEXT_STUDY_FIND);
  if (!context) {
    state.details.find = { ...state.details.find, outcome: 'not-negotiated' };
    return;
  }
  const patients = ctx.pseudonyms.counter();
  state.patients = patients;
  const asked = performance.now();
  const q = await queryStudies(association, context, { maxRecords: ctx.limits.maxRecords, nextMessageId, patients, studiesSeen: state.behaviour.studySeen });
  state.behaviour.findMs = elapsedMs(asked);
  state.details.find = {
    outcome: q.outcome,
    level: 'STUDY',
    ...(q.status === undefined ? {} : { status: q.status }),
    matches: q.matches,
    capped: q.capped,
    modalities: q.modalities,
    ...(q.otherModalities > 0 ? { otherModalities: q.otherModalities } : {}),
    ...(q.abort ? { abort: q.abort } : {}),
    ...(q.matches > 0 ? { answer: q.answer } : {}),
  };
  if (q.outcome === 'success' || q.matches > 0) {
    state.observation.exposure = {
      patients: q.patients,
      studies: q.studies,
      ...(q.series ? { series: q.series } : {}),
      ...(q.images ? { images: q.images } : {}),
    };
    state.observation.inventory = q.inventory.build();
  }
  // The counts above are kept (as lower bounds); the error ends the probe like any other.
  if (q.error) throw q.error;
}

/**
 * The worklist's scheduled procedure steps, on the same association. Its counts stay in
 * its own part of the details: an archive's studies and a worklist's appointments are
 * different things, and the report and the rule name them apart.
 */
async function worklist(association: Association, ctx: ProbeContext, state: ProbeState, nextMessageId: () => number): Promise<void> {
  // The archive's query can end the association (Orthanc aborts a C-FIND it refuses): nothing more to ask then.
  if (association.ended) {
    state.details.mwl = noWorklist('not-attempted');
    return;
  }
  const context = association.acceptedContext(CONTEXT_WORKLIST_FIND);
  if (!context) {
    state.details.mwl = noWorklist('not-negotiated');
    return;
  }
  const q = await queryWorklist(association, context, { maxRecords: ctx.limits.maxRecords, messageId: nextMessageId(), patients: ctx.pseudonyms.counter() });
  const answered = q.outcome === 'success' || q.matches > 0;
  state.details.mwl = {
    outcome: q.outcome,
    ...(q.status === undefined ? {} : { status: q.status }),
    matches: q.matches,
    capped: q.capped,
    ...(answered ? { patients: q.patients, inventory: q.inventory.build() } : {}),
    modalities: q.modalities,
    ...(q.otherModalities > 0 ? { otherModalities: q.otherModalities } : {}),
  };
  // The counts above are kept (as lower bounds); the error ends the probe like any other.
  if (q.error) throw q.error;
}

/** A worklist that was not asked, or whose query went no further than `outcome`: nothing counted. */
function noWorklist(outcome: DimseOutcome): NonNullable<DicomDetails['mwl']> {
  return { outcome, matches: 0, capped: false, modalities: [] };
}

function finalStatus(d: DicomDetails): ProbeStatus {
  if (d.acceptedCalledAeTitle !== undefined) return 'success';
  const last = d.attempts.at(-1);
  if (last?.outcome === 'rejected' || last?.outcome === 'aborted') return 'rejected';
  if (last?.outcome === 'closed') return 'rejected';
  return 'protocol-error';
}

/** The whole DICOM probe over one transport, bounded by the harness's deadline (ctx.signal); dicom-tls/ runs it over TLS. */
export async function runDicom(endpoint: Endpoint, ctx: ProbeContext, deadline: Deadline, transport: DicomTransport = PLAIN): Promise<Observation> {
  const started = performance.now();
  const state = initialState(endpoint, ctx.pseudonyms, transport);
  const signal = ctx.signal;
  let association: Association | undefined;
  let phase = 'associate';
  try {
    association = await associate(endpoint, ctx, signal, state, transport);
    if (association) {
      const nextMessageId = messageIds();
      phase = 'c-echo';
      await echo(association, state);
      phase = 'c-find';
      await find(association, ctx, state, nextMessageId);
      phase = 'mwl-find';
      await worklist(association, ctx, state, nextMessageId);
      phase = 'release';
      state.details.release = await association.release();
      association = undefined;
    }
    state.observation.status = finalStatus(state.details);
  } catch (err) {
    if (association) await association.abort();
    if (state.details.release === 'not-attempted' && phase !== 'associate') state.details.release = 'aborted';
    const broken = err instanceof AssociationProtocolError;
    if (phase === 'c-echo' && state.details.echo.outcome === 'not-attempted') state.details.echo = { outcome: broken ? 'protocol-error' : 'timeout' };
    if (phase === 'c-find' && state.details.find.outcome === 'not-attempted') state.details.find = { ...state.details.find, outcome: broken ? 'protocol-error' : 'timeout' };
    if (phase === 'mwl-find' && state.details.mwl === undefined) state.details.mwl = noWorklist(broken ? 'protocol-error' : 'timeout');
    // An association that ended before its worklist turn (the echo or the study query failed): never asked.
    if (state.details.acceptedCalledAeTitle !== undefined && state.details.mwl === undefined) state.details.mwl = noWorklist('not-attempted');
    if (err instanceof AssociationProtocolError) {
      state.observation.status = err.notDicom ? 'not-this-protocol' : 'protocol-error';
      state.observation.error = { code: err.code, message: err.message, phase };
    } else {
      const netErr = toNetError(err);
      // A timeout waiting for the first answer on a fresh port usually means the peer speaks something else;
      // the probe's own deadline running out there does not (a peer dripping an answer is still answering).
      const silent = phase === 'associate' && state.details.attempts.length === 1 && netErr.code === 'io-timeout' && !deadline.expired;
      state.observation.status = silent ? 'not-this-protocol' : statusOfNetError(netErr);
      state.observation.error = { code: netErr.code, message: netErr.message, phase: phase === 'associate' && state.details.attempts.length === 0 ? 'connect' : phase };
    }
    // What was learned before the failure stands: after a timeout or a lost connection, an accepted
    // association is still a success of the probe. A peer that broke the protocol is reported as
    // such (protocol-error), with the association, echo and counts it gave before in the details.
    if (state.details.acceptedCalledAeTitle !== undefined && !broken && state.observation.status !== 'out-of-scope') state.observation.status = 'success';
  }
  const behaviour = state.behaviour.build(state.observation.exposure, state.observation.inventory, state.patients);
  if (behaviour && state.details.acceptedCalledAeTitle !== undefined) state.details.behaviour = behaviour;
  // How the peer behaved says more than the toolkit identifiers it answered with (Orthanc sends DCMTK's).
  const product = refineByBehaviour(state.observation.product, state.details);
  if (product) state.observation.product = product;
  const keepDetails = state.details.attempts.length > 0;
  return {
    ...state.observation,
    durationMs: Math.round(performance.now() - started),
    ...(keepDetails ? { details: state.details } : {}),
  };
}

export const dicomProbe: Probe = definedProbe('dicom', catalogued('dicom').defaultPorts, catalogued('dicom').summary, runDicom);
