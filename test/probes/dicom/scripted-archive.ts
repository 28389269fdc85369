/**
 * A scripted archive for DIMSE tests: a DICOM upper-layer peer (scripted-peer.ts)
 * that accepts the association and answers each whole request of ours with a
 * script, and the probe run against it with what the peer heard. Each test file
 * gives it its own loopback address, port 0.
 */
import { after } from 'node:test';
import type net from 'node:net';
import { createDialer } from '../../../src/net/dialer.ts';
import { createPseudonyms } from '../../../src/privacy/pseudonyms.ts';
import { dicomProbe } from '../../../src/probes/dicom/index.ts';
import { dicomDetails, Observation } from '../../../src/observation/observation.ts';
import type { ProbeContext } from '../../../src/probes/probe.ts';
import { scopeFrom } from '../../../src/scope/policy.ts';
import type { AAssociateRq, Pdu } from '../../../src/protocols/dicom/ul/index.ts';
import { toPdvs } from '../../../src/protocols/dicom/dimse/fragment.ts';
import { decodeCommand, encodeCommand, type DimseMessage } from '../../../src/protocols/dicom/dimse/messages.ts';
import { Status } from '../../../src/protocols/dicom/dimse/status.ts';
import { encodeFindIdentifier, type FindKey } from '../../../src/protocols/dicom/dataset/encode.ts';
import { UID } from '../../../src/protocols/dicom/uids.ts';
import { scriptedAcceptor, type ScriptedPeer } from './scripted-peer.ts';

export const PEER_MAX_PDU = 16384;

/**
 * What the peer sends back for one whole request we sent (our C-CANCEL-RQ included);
 * `socket` is there for a script that goes on sending after its answer.
 */
export type Answer = (request: DimseMessage, contextId: number, socket: net.Socket) => Pdu[];

export interface PeerOptions {
  /** Context ids the A-ASSOCIATE-AC rejects (result 3, abstract syntax not supported). */
  readonly rejectContexts?: readonly number[];
  /** Accept the Modality Worklist context too; by default the peer is an archive without a worklist and rejects it. */
  readonly worklist?: boolean;
}

/** One response as P-DATA-TF PDUs on `contextId`. */
export function reply(contextId: number, message: DimseMessage, dataset?: Buffer): Pdu[] {
  return toPdvs(contextId, encodeCommand(message), dataset, PEER_MAX_PDU).map((pdvs) => ({ type: 'P-DATA-TF', pdvs }));
}

/** A C-FIND-RSP command that announces an identifier and never sends it. */
export function pendingWithoutIdentifier(contextId: number, messageId: number): Pdu[] {
  const [command] = toPdvs(contextId, encodeCommand({ type: 'C-FIND-RSP', messageIdBeingRespondedTo: messageId, status: Status.Pending }), undefined, PEER_MAX_PDU);
  return [{ type: 'P-DATA-TF', pdvs: command ?? [] }];
}

/**
 * A STUDY-level match with made-up identifiers (no real person); with its study-related
 * counts unless asked not to, in which case the probe counts series and images level by level.
 */
export function match(n: number, counts = true): Buffer {
  const keys: FindKey[] = [
    { tag: 0x0020000d, vr: 'UI', value: `1.2.3.${n}` },
    { tag: 0x00100020, vr: 'LO', value: `TEST-${n}` },
  ];
  if (counts) keys.push({ tag: 0x00201206, vr: 'IS', value: '1' }, { tag: 0x00201208, vr: 'IS', value: '3' });
  return encodeFindIdentifier('STUDY', keys, UID.implicitVrLittleEndian);
}

/** A pending C-FIND-RSP to `messageId` carrying match `n`. */
export function pending(contextId: number, messageId: number, n: number): Pdu[] {
  return reply(contextId, { type: 'C-FIND-RSP', messageIdBeingRespondedTo: messageId, status: Status.Pending }, match(n));
}

/** An answer that plays a correct archive with two studies. */
export const correct: Answer = (rq, ctx) => {
  switch (rq.type) {
    case 'C-ECHO-RQ':
      return reply(ctx, { type: 'C-ECHO-RSP', messageIdBeingRespondedTo: rq.messageId, affectedSopClassUid: UID.verification, status: Status.Success });
    case 'C-FIND-RQ':
      return [...pending(ctx, rq.messageId, 1), ...pending(ctx, rq.messageId, 2), ...reply(ctx, { type: 'C-FIND-RSP', messageIdBeingRespondedTo: rq.messageId, status: Status.Success })];
    default:
      return [];
  }
};

/** Correct except for what `override` answers (an empty list from it means: answer correctly). */
export function except(override: Answer): Answer {
  return (rq, ctx, socket) => {
    const own = override(rq, ctx, socket);
    return own.length > 0 ? own : correct(rq, ctx, socket);
  };
}

const servers: net.Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

function acceptFor(rq: AAssociateRq, options: PeerOptions): Pdu {
  return {
    type: 'A-ASSOCIATE-AC',
    calledAeTitle: rq.calledAeTitle,
    callingAeTitle: rq.callingAeTitle,
    applicationContextName: UID.applicationContext,
    presentationContexts: rq.presentationContexts.map((c) =>
      options.rejectContexts?.includes(c.id) || (c.abstractSyntax === UID.modalityWorklistFind && !options.worklist)
        ? { id: c.id, result: 3 }
        : { id: c.id, result: 0, transferSyntax: UID.implicitVrLittleEndian },
    ),
    userInformation: { maxLength: PEER_MAX_PDU, implementationClassUid: '1.2.826.0.1.3680043.10.1387.99', implementationVersionName: 'SCRIPTED' },
  };
}

/** Accepts one association on `host`, answers each whole request of ours with `answer`, and records every PDU it hears. */
export async function archivePeer(host: string, answer: Answer, options: PeerOptions = {}): Promise<ScriptedPeer> {
  const p = await scriptedAcceptor(host, (rq) => acceptFor(rq, options), answer);
  servers.push(p.server);
  return p;
}

export interface ArchiveRun extends PeerOptions {
  readonly maxRecords?: number;
  readonly ioTimeoutMs: number;
  readonly probeTimeoutMs?: number;
}

function context(host: string, run: ArchiveRun): ProbeContext {
  return {
    dialer: createDialer({ scope: scopeFrom((ip) => ip === host), connectTimeoutMs: 1000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 }),
    signal: new AbortController().signal,
    identity: { callingAeTitle: 'EXPOSURE-TEST', userAgent: 'test' },
    limits: { maxRecords: run.maxRecords ?? 10, connectTimeoutMs: 1000, ioTimeoutMs: run.ioTimeoutMs, probeTimeoutMs: run.probeTimeoutMs ?? 3 * run.ioTimeoutMs, maxPduBytes: 1 << 16 },
    dicom: { userAeTitles: [], useGuessList: true },
    pseudonyms: createPseudonyms(),
  };
}

/** Runs the probe against a scripted archive on `host`; returns the observation, how long it took, and what the peer heard. */
export async function probeArchive(host: string, answer: Answer, run: ArchiveRun) {
  const p = await archivePeer(host, answer, run);
  const started = performance.now();
  const o = Observation.parse(await dicomProbe.run({ ip: host, port: p.port }, context(host, run)));
  const ms = performance.now() - started;
  await p.closed;
  const types = p.heard.map((pdu) => (pdu.type === 'P-DATA-TF' ? dimseTypes(pdu) : pdu.type));
  const abort = p.heard.find((pdu) => pdu.type === 'A-ABORT');
  return { o, d: dicomDetails(o), ms, types, abort: abort?.type === 'A-ABORT' ? { source: abort.source, reason: abort.reason } : undefined };
}

/** The DIMSE commands a P-DATA-TF carries, by name. */
function dimseTypes(pdu: Extract<Pdu, { type: 'P-DATA-TF' }>): string {
  const names = pdu.pdvs.filter((v) => v.isCommand && v.isLast).map((v) => {
    const c = decodeCommand(v.data);
    return c.ok ? c.value.message.type : '?';
  });
  return names.length > 0 ? names.join('+') : 'P-DATA-TF';
}
