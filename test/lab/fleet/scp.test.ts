/**
 * The simulated SCP in-process on 127.0.92.2, answering the real DICOM probe
 * and raw bytes: both ends of each association run PS3.8 Table 9-10.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { serveScp, type ScpBehaviour } from '../../../src/lab/fleet/scp.ts';
import { createDialer } from '../../../src/net/dialer.ts';
import { createPseudonyms } from '../../../src/privacy/pseudonyms.ts';
import { dicomProbe } from '../../../src/probes/dicom/index.ts';
import { dicomDetails } from '../../../src/observation/observation.ts';
import type { ProbeContext } from '../../../src/probes/probe.ts';
import { scopeFrom } from '../../../src/scope/policy.ts';
import { decodePdu, encodePdu, PduFramer, type Pdu } from '../../../src/protocols/dicom/ul/index.ts';
import { UID } from '../../../src/protocols/dicom/uids.ts';
import { ECHOSCU_ASSOCIATE_RQ } from '../../protocols/dicom/ul/fixtures.ts';

const HOST = '127.0.92.2';
const servers: net.Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

async function scp(kind: ScpBehaviour['kind'], more: Partial<ScpBehaviour> = {}): Promise<number> {
  const server = net.createServer((socket) => serveScp(socket, { kind, aeTitle: 'ORTHANC', slowMs: 100, rttMs: 0, findMatches: 0, ...more }));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return (server.address() as net.AddressInfo).port;
}

const ctx: ProbeContext = {
  dialer: createDialer({ scope: scopeFrom((ip) => ip === HOST), connectTimeoutMs: 1000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 }),
  signal: new AbortController().signal,
  identity: { callingAeTitle: 'EXPOSURE-TEST', userAgent: 'test' },
  limits: { maxRecords: 10, connectTimeoutMs: 1000, ioTimeoutMs: 2000, probeTimeoutMs: 10_000, maxPduBytes: 1 << 16 },
  dicom: { userAeTitles: [], useGuessList: true },
  pseudonyms: createPseudonyms(),
};

/** Reads up to 100 C-FIND matches, more than a 'qr-open' SCP returns. */
const manyRecords: ProbeContext = { ...ctx, limits: { ...ctx.limits, maxRecords: 100 } };

/** Writes raw bytes to the SCP and returns the PDUs it answers with, until it closes (bounded). */
async function answersTo(port: number, bytes: Buffer): Promise<Pdu[]> {
  const socket = net.connect({ host: HOST, port });
  const framer = new PduFramer({ maxPduBytes: 1 << 16 });
  const got: Pdu[] = [];
  socket.on('data', (chunk: Buffer) => {
    for (const f of framer.push(chunk).frames) {
      const d = decodePdu(f);
      if (d.ok) got.push(d.value);
    }
  });
  socket.on('error', () => undefined);
  socket.write(bytes);
  await Promise.race([new Promise((resolve) => socket.once('close', resolve)), new Promise((resolve) => setTimeout(resolve, 2000))]);
  socket.destroy();
  return got;
}

describe('simulated SCP', () => {
  it('accepts, answers C-ECHO and C-FIND, and releases (open, slow)', async () => {
    for (const kind of ['open', 'slow'] as const) {
      const o = await dicomProbe.run({ ip: HOST, port: await scp(kind) }, ctx);
      const d = dicomDetails(o);
      assert.equal(o.status, 'success', kind);
      assert.equal(d?.acceptsAnyCalledAeTitle, true);
      assert.equal(d?.echo.outcome, 'success');
      assert.equal(d?.find.outcome, 'success');
      assert.equal(d?.release, 'released');
      assert.equal(d?.peer?.implementationVersionName, 'EXPOSURE_FLEET');
    }
  });

  it('rejects unknown called AE titles with reason 7 and accepts its own (ae-checking); rejects all (rejecting)', async () => {
    const checking = dicomDetails(await dicomProbe.run({ ip: HOST, port: await scp('ae-checking') }, ctx));
    assert.equal(checking?.acceptedCalledAeTitle, 'ORTHANC');
    assert.deepEqual([checking?.attempts[0]?.outcome, checking?.attempts[0]?.reject?.reason], ['rejected', 7]);
    const rejecting = await dicomProbe.run({ ip: HOST, port: await scp('rejecting') }, ctx);
    assert.equal(rejecting.status, 'rejected');
  });

  it('answers what Table 9-10 says to PDUs out of place and to bytes that are no PDU', async () => {
    const port = await scp('open');
    // Sta2: AA-1, an A-ABORT from the service user.
    assert.deepEqual(await answersTo(port, Buffer.from('GET / HTTP/1.0\r\n\r\n')), [{ type: 'A-ABORT', source: 0, reason: 0 }]);
    assert.deepEqual(await answersTo(port, encodePdu({ type: 'A-RELEASE-RQ' })), [{ type: 'A-ABORT', source: 0, reason: 0 }]);
    // Sta6: a second A-ASSOCIATE-RQ is AA-8, an A-ABORT from the provider: unexpected PDU.
    const got = await answersTo(port, Buffer.concat([ECHOSCU_ASSOCIATE_RQ, ECHOSCU_ASSOCIATE_RQ]));
    assert.deepEqual(got.map((p) => p.type), ['A-ASSOCIATE-AC', 'A-ABORT']);
    assert.deepEqual(got[1], { type: 'A-ABORT', source: 2, reason: 2 });
  });

  it('accepts Verification and rejects the Query/Retrieve context with result 3, as storescp does (echo-only)', async () => {
    const o = await dicomProbe.run({ ip: HOST, port: await scp('echo-only') }, ctx);
    const d = dicomDetails(o);
    assert.equal(o.status, 'success');
    assert.equal(d?.echo.outcome, 'success');
    assert.equal(d?.find.outcome, 'not-negotiated');
    assert.deepEqual(d?.peer?.rejectedContexts, [
      { abstractSyntax: UID.studyRootFind, result: 3 },
      { abstractSyntax: UID.modalityWorklistFind, result: 3 },
    ]);
    assert.deepEqual(d?.peer?.acceptedContexts.map((c) => c.abstractSyntax), [UID.verification]);
    assert.equal(d?.mwl?.outcome, 'not-negotiated');
    assert.equal(o.exposure.studies, undefined);
    assert.equal(d?.release, 'released');
  });

  it('answers each C-FIND with its matches, counts included and no patient attribute (qr-open)', async () => {
    const matches = 37;
    const o = await dicomProbe.run({ ip: HOST, port: await scp('qr-open', { findMatches: matches }) }, manyRecords);
    const d = dicomDetails(o);
    assert.equal(d?.find.outcome, 'success');
    assert.equal(d?.find.matches, matches);
    const series = Array.from({ length: matches }, (_, k) => 1 + (k % 3)).reduce((a, b) => a + b, 0);
    assert.deepEqual([o.exposure.studies?.n, o.exposure.series?.n, o.exposure.images?.n], [matches, series, 10 * series]);
    assert.deepEqual(d?.find.modalities, ['CT', 'MR', 'US']);
    assert.equal(o.inventory?.records, matches);
    assert.deepEqual(o.inventory?.attributes, [], 'no identifying attribute (PS3.15 Annex E) in a synthetic match');
    assert.equal(o.exposure.patients?.n, 0, 'no PatientID: no patient counted');
    // The other kinds find nothing, whatever findMatches says.
    assert.equal(dicomDetails(await dicomProbe.run({ ip: HOST, port: await scp('open', { findMatches: matches }) }, ctx))?.find.matches, 0);
  });

  it('delays every answer by the round trip, and accepts the connect at once (rttMs)', async () => {
    const rttMs = 200;
    /** Connect time, then the time from sending the A-ASSOCIATE-RQ to the A-ASSOCIATE-AC. */
    const exchange = async (port: number): Promise<{ connectMs: number; answerMs: number }> => {
      const t0 = performance.now();
      const socket = net.connect({ host: HOST, port });
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('connect', resolve));
      const t1 = performance.now();
      socket.write(ECHOSCU_ASSOCIATE_RQ);
      const first = await Promise.race([new Promise<Buffer>((resolve) => socket.once('data', resolve)), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 3000))]);
      const t2 = performance.now();
      socket.destroy();
      assert.equal(first?.[0], 0x02, 'an A-ASSOCIATE-AC came back');
      return { connectMs: t1 - t0, answerMs: t2 - t1 };
    };
    // Timers run on the event loop's millisecond clock: allow 2 ms of rounding below the delay.
    const far = await exchange(await scp('open', { rttMs }));
    assert.ok(far.answerMs >= rttMs - 2, `answered after ${far.answerMs.toFixed(1)} ms`);
    assert.ok(far.connectMs < rttMs, `connected after ${far.connectMs.toFixed(1)} ms`);
    const near = await exchange(await scp('open'));
    assert.ok(near.answerMs < rttMs, `without rttMs, answered after ${near.answerMs.toFixed(1)} ms`);
    // The whole probe: A-ASSOCIATE, C-ECHO, C-FIND (all 12 matches in one burst), A-RELEASE: four round trips, in order.
    const o = await dicomProbe.run({ ip: HOST, port: await scp('qr-open', { rttMs, findMatches: 12 }) }, manyRecords);
    assert.equal(dicomDetails(o)?.find.matches, 12);
    assert.equal(dicomDetails(o)?.release, 'released');
    assert.ok(o.durationMs >= 4 * rttMs - 8 && o.durationMs < 5 * rttMs + 500, `probe took ${o.durationMs} ms`);
  });
});
