/**
 * The requestor against scripted peers on 127.0.92.x: each case checks the
 * state machine's answer (PS3.8 Table 9-10) on the wire — what the peer
 * receives back — as well as what the probe is told.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { createDialer, type Connection } from '../../../src/net/dialer.ts';
import { NetError } from '../../../src/net/errors.ts';
import { scopeFrom } from '../../../src/scope/policy.ts';
import { decodePdu, encodePdu, PduFramer, type AAssociateRq, type Pdu } from '../../../src/protocols/dicom/ul/index.ts';
import { UID } from '../../../src/protocols/dicom/uids.ts';
import { ECHO_ASSOCIATE_AC, ECHOSCU_ASSOCIATE_RQ } from '../../protocols/dicom/ul/fixtures.ts';
import { AssociationProtocolError, encodeAssociateRq, requestAssociation, type Association } from '../../../src/probes/dicom/association.ts';
import { scriptedPeer } from './scripted-peer.ts';

const HOST = '127.0.92.1';
const LIMITS = { ioTimeoutMs: 300, maxPduBytes: 1 << 16, signal: new AbortController().signal };

/** echoscu's A-ASSOCIATE-RQ, and the A-ASSOCIATE-AC a DCMTK SCP answers it with. */
function decoded(bytes: Buffer): Pdu {
  const d = decodePdu(bytes);
  if (!d.ok) throw new Error(d.error.message);
  return d.value;
}
const RQ = decoded(ECHOSCU_ASSOCIATE_RQ) as AAssociateRq;
const AC = ECHO_ASSOCIATE_AC;

/** What the peer does with each PDU the scanner sends it: PDUs to send back, raw bytes, or nothing. */
type Script = (pdu: Pdu) => Array<Pdu | Buffer>;

interface Peer {
  readonly port: number;
  /** Every PDU the scanner sent, by type, until it closed. */
  readonly heard: () => Promise<Array<Pdu['type'] | string>>;
  /** The A-ABORT the scanner sent, if any. */
  readonly abort: () => { source: number; reason: number } | undefined;
}

/** A Connection in memory: records what the requestor writes, answers each read with the next scripted chunk. */
class RecordingConnection implements Connection {
  readonly endpoint = { ip: HOST, port: 104 };
  readonly bytesReceived = 0;
  readonly writes: Buffer[] = [];
  constructor(private readonly replies: Buffer[]) {}
  write(bytes: Uint8Array): Promise<void> {
    this.writes.push(Buffer.from(bytes));
    return Promise.resolve();
  }
  read(): Promise<Buffer | null> {
    return Promise.resolve(this.replies.shift() ?? null);
  }
  close(): void {}
}

const servers: net.Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

async function peer(script: Script): Promise<Peer> {
  const p = await scriptedPeer(HOST, (pdu, socket) => {
    for (const reply of script(pdu)) socket.write(Buffer.isBuffer(reply) ? reply : encodePdu(reply));
  });
  servers.push(p.server);
  return {
    port: p.port,
    heard: async () => {
      await p.closed;
      return p.heard.map((pdu) => pdu.type);
    },
    abort: () => {
      const a = p.heard.find((pdu) => pdu.type === 'A-ABORT');
      return a?.type === 'A-ABORT' ? { source: a.source, reason: a.reason } : undefined;
    },
  };
}

const dialer = createDialer({ scope: scopeFrom((ip) => ip === HOST), connectTimeoutMs: 1000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 });

async function associate(p: Peer): Promise<Association> {
  const outcome = await requestAssociation(await dialer.connect({ ip: HOST, port: p.port }), RQ, LIMITS);
  assert.equal(outcome.kind, 'accepted');
  return (outcome as Extract<typeof outcome, { kind: 'accepted' }>).association;
}

const echoRq = { type: 'C-ECHO-RQ', messageId: 1, affectedSopClassUid: UID.verification } as const;

describe('DICOM association requestor, driven by PS3.8 Table 9-10', () => {
  it('answers an A-RELEASE-RQ to its A-ASSOCIATE-RQ with a provider A-ABORT, unexpected PDU (Sta5, Evt12, AA-8)', async () => {
    const p = await peer((pdu) => (pdu.type === 'A-ASSOCIATE-RQ' ? [{ type: 'A-RELEASE-RQ' }] : []));
    await assert.rejects(
      requestAssociation(await dialer.connect({ ip: HOST, port: p.port }), RQ, LIMITS),
      (e: Error) => e instanceof AssociationProtocolError && e.code === 'UNEXPECTED_PDU' && !e.notDicom && /A-RELEASE-RQ in Sta5.*Sta5 Evt12 → AA-8/.test(e.message),
    );
    assert.deepEqual(await p.heard(), ['A-ASSOCIATE-RQ', 'A-ABORT']);
    assert.deepEqual(p.abort(), { source: 2, reason: 2 });
  });

  it('answers bytes that are no PDU with a provider A-ABORT, unrecognised PDU, and calls the peer not DICOM (Evt19)', async () => {
    const p = await peer((pdu) => (pdu.type === 'A-ASSOCIATE-RQ' ? [Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')] : []));
    await assert.rejects(
      requestAssociation(await dialer.connect({ ip: HOST, port: p.port }), RQ, LIMITS),
      (e: Error) => e instanceof AssociationProtocolError && e.code === 'UNKNOWN_PDU_TYPE' && e.notDicom,
    );
    assert.deepEqual(await p.heard(), ['A-ASSOCIATE-RQ', 'A-ABORT']);
    assert.deepEqual(p.abort(), { source: 2, reason: 1 });
  });

  it('aborts an established association that receives a second A-ASSOCIATE-AC (Sta6, Evt3, AA-8)', async () => {
    const p = await peer((pdu) => (pdu.type === 'A-ASSOCIATE-RQ' || pdu.type === 'P-DATA-TF' ? [AC] : []));
    const a = await associate(p);
    await a.send(1, echoRq);
    await assert.rejects(a.receive(), (e: Error) => e instanceof AssociationProtocolError && e.code === 'UNEXPECTED_PDU' && /Sta6 Evt3 → AA-8/.test(e.message));
    assert.deepEqual(await p.heard(), ['A-ASSOCIATE-RQ', 'P-DATA-TF', 'A-ABORT']);
    assert.deepEqual(p.abort(), { source: 2, reason: 2 });
  });

  it('answers the peer\'s A-RELEASE-RQ with A-RELEASE-RP and ends released (AR-2, AR-4)', async () => {
    const p = await peer((pdu) => (pdu.type === 'A-ASSOCIATE-RQ' ? [AC] : pdu.type === 'P-DATA-TF' ? [{ type: 'A-RELEASE-RQ' }] : []));
    const a = await associate(p);
    await a.send(1, echoRq);
    assert.deepEqual(await a.receive(), { kind: 'closed' });
    assert.equal(await a.release(), 'released');
    assert.deepEqual(await p.heard(), ['A-ASSOCIATE-RQ', 'P-DATA-TF', 'A-RELEASE-RP']);
  });

  it('resolves a release collision on the requestor side (AR-8, AR-9, AR-3)', async () => {
    const p = await peer((pdu) => {
      if (pdu.type === 'A-ASSOCIATE-RQ') return [AC];
      if (pdu.type === 'A-RELEASE-RQ') return [{ type: 'A-RELEASE-RQ' }];
      if (pdu.type === 'A-RELEASE-RP') return [{ type: 'A-RELEASE-RP' }];
      return [];
    });
    const a = await associate(p);
    assert.equal(await a.release(), 'released');
    assert.deepEqual(await p.heard(), ['A-ASSOCIATE-RQ', 'A-RELEASE-RQ', 'A-RELEASE-RP']);
  });

  it('gives up on a silent peer with a service-user A-ABORT, and reports the timeout (Sta5, Evt15, AA-1)', async () => {
    const p = await peer(() => []);
    await assert.rejects(requestAssociation(await dialer.connect({ ip: HOST, port: p.port }), RQ, LIMITS), (e: Error) => e instanceof NetError && e.code === 'io-timeout');
    assert.deepEqual(await p.heard(), ['A-ASSOCIATE-RQ', 'A-ABORT']);
    assert.deepEqual(p.abort(), { source: 0, reason: 0 });
  });

  it('sends nothing more once the peer has aborted (AA-3, then blank cells)', async () => {
    const p = await peer((pdu) => (pdu.type === 'A-ASSOCIATE-RQ' ? [AC] : pdu.type === 'P-DATA-TF' ? [{ type: 'A-ABORT', source: 2, reason: 0 }] : []));
    const a = await associate(p);
    await a.send(1, echoRq);
    const r = await a.receive();
    assert.equal(r.kind, 'aborted');
    await assert.rejects(a.send(1, echoRq), (e: Error) => e instanceof NetError && e.code === 'closed');
    assert.equal(await a.release(), 'aborted');
    await a.abort();
    assert.deepEqual(await p.heard(), ['A-ASSOCIATE-RQ', 'P-DATA-TF']);
  });

  it('opens with an A-ASSOCIATE-RQ encoded once, and sends a DIMSE message and its dataset in one write', async () => {
    const conn = new RecordingConnection([AC]);
    const outcome = await requestAssociation(conn, encodeAssociateRq(RQ), LIMITS);
    assert.equal(outcome.kind, 'accepted');
    assert.deepEqual(conn.writes, [encodePdu(RQ)]);
    const a = (outcome as Extract<typeof outcome, { kind: 'accepted' }>).association;
    const find = { type: 'C-FIND-RQ', messageId: 2, affectedSopClassUid: UID.studyRootFind, priority: 0 } as const;
    await a.send(1, find, Buffer.alloc(8));
    assert.equal(conn.writes.length, 2, 'the command and the dataset leave in one write');
    const frames = new PduFramer({ maxPduBytes: 1 << 16 }).push(conn.writes[1]!).frames.map(decoded);
    assert.deepEqual(
      frames.map((pdu) => (pdu.type === 'P-DATA-TF' ? pdu.pdvs.map((v) => (v.isCommand ? 'command' : 'dataset')) : pdu.type)),
      [['command'], ['dataset']],
      'one PDV per P-DATA-TF, as the widest range of peers accepts',
    );
  });

  it('releases an association and reports a rejection as the table\'s confirmations (AR-1, AR-3; AE-4)', async () => {
    const p = await peer((pdu) => (pdu.type === 'A-ASSOCIATE-RQ' ? [AC] : pdu.type === 'A-RELEASE-RQ' ? [{ type: 'A-RELEASE-RP' }] : []));
    assert.equal(await (await associate(p)).release(), 'released');
    assert.deepEqual(await p.heard(), ['A-ASSOCIATE-RQ', 'A-RELEASE-RQ']);
    const r = await peer((pdu) => (pdu.type === 'A-ASSOCIATE-RQ' ? [{ type: 'A-ASSOCIATE-RJ', result: 1, source: 1, reason: 7 }] : []));
    const outcome = await requestAssociation(await dialer.connect({ ip: HOST, port: r.port }), RQ, LIMITS);
    assert.equal(outcome.kind, 'rejected');
    assert.deepEqual(await r.heard(), ['A-ASSOCIATE-RQ']);
  });
});
