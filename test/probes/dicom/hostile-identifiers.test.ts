/**
 * C-FIND matches whose identifiers are hostile: values in ModalitiesInStudy
 * that are no modality (a birth date, a name), identifiers with more elements
 * or deeper sequences than the dataset walker follows, and peer identifiers
 * in the A-ASSOCIATE-AC. The probe keeps defined terms only, ends a query it
 * cannot read as a protocol error with its counts as lower bounds, and caps
 * what the peer calls itself. A scripted acceptor on 127.0.98.1, port 0.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { createDialer } from '../../../src/net/dialer.ts';
import { createPseudonyms } from '../../../src/privacy/pseudonyms.ts';
import { dicomProbe } from '../../../src/probes/dicom/index.ts';
import { dicomDetails, Observation } from '../../../src/observation/observation.ts';
import type { ProbeContext } from '../../../src/probes/probe.ts';
import { scopeFrom } from '../../../src/scope/policy.ts';
import type { Pdu } from '../../../src/protocols/dicom/ul/index.ts';
import { toPdvs } from '../../../src/protocols/dicom/dimse/fragment.ts';
import { encodeCommand, type DimseMessage } from '../../../src/protocols/dicom/dimse/messages.ts';
import { Status } from '../../../src/protocols/dicom/dimse/status.ts';
import { encodeFindIdentifier } from '../../../src/protocols/dicom/dataset/encode.ts';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_ELEMENTS } from '../../../src/protocols/dicom/dataset/walk.ts';
import { UID } from '../../../src/protocols/dicom/uids.ts';
import { build, type Node } from '../../protocols/dicom/dataset/build.ts';
import { scriptedAcceptor } from './scripted-peer.ts';

const HOST = '127.0.98.1';
const PEER_MAX_PDU = 16384;
const servers: net.Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

/** A STUDY-level match (synthetic values) with this ModalitiesInStudy. */
function study(n: number, modalities: string): Buffer {
  return encodeFindIdentifier(
    'STUDY',
    [
      { tag: 0x0020000d, vr: 'UI', value: `1.2.3.${n}` },
      { tag: 0x00100020, vr: 'LO', value: `TEST-${n}` },
      { tag: 0x00080061, vr: 'CS', value: modalities },
      { tag: 0x00201206, vr: 'IS', value: '1' },
      { tag: 0x00201208, vr: 'IS', value: '2' },
    ],
    UID.implicitVrLittleEndian,
  );
}

/** More top-level elements than the walker lists (empty private elements, 8 bytes each). */
function tooMany(): Buffer {
  const empty = new Uint8Array();
  return build(Array.from({ length: DEFAULT_MAX_ELEMENTS + 1 }, (_, i): Node => ({ kind: 'leaf', tag: 0x00090010 + i, vr: 'LO', value: empty })), false);
}

/** Sequences of undefined length nested one deeper than the walker follows. */
function tooDeep(): Buffer {
  let nodes: Node[] = [{ kind: 'leaf', tag: 0x00080100, vr: 'LO', value: new Uint8Array() }];
  for (let i = 0; i <= DEFAULT_MAX_DEPTH; i++) nodes = [{ kind: 'seq', tag: 0x0040a730, items: [nodes], undefinedLength: true, undefinedItems: true }];
  return build(nodes, false);
}

/**
 * An archive that accepts with hostile names in its A-ASSOCIATE-AC, answers
 * C-ECHO, and answers the STUDY-level C-FIND with `identifiers` as pending matches.
 */
async function archive(identifiers: readonly Buffer[]): Promise<number> {
  const pdus = (message: DimseMessage, contextId: number, dataset?: Buffer): Pdu[] =>
    toPdvs(contextId, encodeCommand(message), dataset, PEER_MAX_PDU).map((pdvs) => ({ type: 'P-DATA-TF', pdvs }));
  const p = await scriptedAcceptor(
    HOST,
    (rq) => ({
      type: 'A-ASSOCIATE-AC',
      calledAeTitle: rq.calledAeTitle,
      callingAeTitle: rq.callingAeTitle,
      applicationContextName: UID.applicationContext,
      presentationContexts: rq.presentationContexts.map((c) => ({ id: c.id, result: 0, transferSyntax: UID.implicitVrLittleEndian })),
      // PS3.7 D.3.3.2: a UID and a 16-character name; this peer sends neither as it should.
      userInformation: { maxLength: PEER_MAX_PDU, implementationClassUid: `1.2.3.${'9'.repeat(200)}`, implementationVersionName: '\u001b[2J<b>x</b>' },
    }),
    (m, ctx) => {
      if (m.type === 'C-ECHO-RQ') return pdus({ type: 'C-ECHO-RSP', messageIdBeingRespondedTo: m.messageId, affectedSopClassUid: UID.verification, status: Status.Success }, ctx);
      if (m.type !== 'C-FIND-RQ') return [];
      return [
        ...identifiers.flatMap((id) => pdus({ type: 'C-FIND-RSP', messageIdBeingRespondedTo: m.messageId, status: Status.Pending }, ctx, id)),
        ...pdus({ type: 'C-FIND-RSP', messageIdBeingRespondedTo: m.messageId, status: Status.Success }, ctx),
      ];
    },
  );
  servers.push(p.server);
  return p.port;
}

function context(): ProbeContext {
  return {
    dialer: createDialer({ scope: scopeFrom((ip) => ip === HOST), connectTimeoutMs: 1000, maxBytesPerConnection: 1 << 22, connectionsPerSecond: 0 }),
    signal: new AbortController().signal,
    identity: { callingAeTitle: 'EXPOSURE-TEST', userAgent: 'test' },
    // A message cap well above the hostile identifiers, so the walker's own bounds are what stops them.
    limits: { maxRecords: 10, connectTimeoutMs: 1000, ioTimeoutMs: 3000, probeTimeoutMs: 9000, maxPduBytes: 1 << 20 },
    dicom: { userAeTitles: [], useGuessList: true },
    pseudonyms: createPseudonyms(),
  };
}

async function probe(identifiers: readonly Buffer[]) {
  const port = await archive(identifiers);
  const raw = await dicomProbe.run({ ip: HOST, port }, context());
  const o = Observation.parse(raw);
  return { raw, o, d: dicomDetails(o) };
}

describe('DICOM probe against hostile C-FIND identifiers', () => {
  it('keeps defined modality terms, counts any other value, and caps what the peer calls itself', async () => {
    const { raw, o, d } = await probe([study(1, 'CT\\19800101\\MR'), study(2, 'DOE^JANE\\ct\\CT '), study(3, '')]);
    assert.equal(o.status, 'success');
    assert.deepEqual(d?.find.modalities, ['CT', 'MR']);
    assert.equal(d?.find.otherModalities, 3, '19800101, DOE^JANE and lower-case ct');
    assert.ok(!JSON.stringify(raw).includes('19800101') && !JSON.stringify(raw).includes('DOE^JANE'), 'never in what the probe returns');
    assert.equal(d?.peer?.implementationVersionName, '?[2J<b>x</b>');
    assert.equal(d?.peer?.implementationClassUid?.length, 64);
    assert.deepEqual(o.exposure.studies, { n: 3, atLeast: false });
  });

  it('ends as a protocol error when an identifier holds more elements than the walker lists, counts kept as lower bounds', async () => {
    const { o, d } = await probe([study(1, 'CT'), tooMany(), study(3, 'MR')]);
    assert.equal(o.status, 'protocol-error');
    assert.equal(o.error?.code, 'MALFORMED_IDENTIFIER');
    assert.equal(o.error?.phase, 'c-find');
    assert.match(o.error?.message ?? '', /too-many-elements/);
    assert.equal(d?.find.outcome, 'protocol-error');
    assert.equal(d?.find.matches, 3, 'matches are counted; the ones after the broken identifier are not read');
    assert.deepEqual(d?.find.modalities, ['CT']);
    assert.deepEqual(o.exposure.studies, { n: 3, atLeast: true });
    assert.equal(o.inventory?.records, 1);
    assert.equal(d?.release, 'aborted');
  });

  it('ends as a protocol error when an identifier nests sequences deeper than the walker follows', async () => {
    const { o, d } = await probe([tooDeep(), study(2, 'CT')]);
    assert.equal(o.status, 'protocol-error');
    assert.equal(o.error?.code, 'MALFORMED_IDENTIFIER');
    assert.match(o.error?.message ?? '', /depth-exceeded/);
    assert.deepEqual(d?.find.modalities, []);
    assert.deepEqual(o.exposure.studies, { n: 2, atLeast: true });
  });
});
