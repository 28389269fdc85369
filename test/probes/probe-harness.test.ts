/**
 * The harness every probe runs in (definedProbe): it owns --probe-timeout, cuts
 * the probe's sockets with it, answers for a probe that forgets its signal, and
 * leaves nothing running when a probe ends early. Peers on 127.0.97.4, port 0.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createDialer } from '../../src/net/dialer.ts';
import { createPseudonyms } from '../../src/privacy/pseudonyms.ts';
import { definedProbe, PROBE_GRACE_MS, type ProbeContext } from '../../src/probes/probe.ts';
import { Observation, type Endpoint } from '../../src/observation/observation.ts';
import { TestPeers } from '../net/peers.ts';

const HOST = '127.0.97.4';
const peers = new TestPeers();
after(() => peers.close());

function context(probeTimeoutMs: number, signal = new AbortController().signal): ProbeContext {
  return {
    dialer: createDialer({ scope: { check: (ip) => (ip === HOST ? { allowed: true } : { allowed: false, reason: 'outside the test range' }) }, connectTimeoutMs: 1000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 }),
    signal,
    identity: { callingAeTitle: 'EXPOSURE-TEST', userAgent: 'test' },
    limits: { maxRecords: 10, connectTimeoutMs: 1000, ioTimeoutMs: 5000, probeTimeoutMs, maxPduBytes: 1 << 16 },
    dicom: { userAeTitles: [], useGuessList: false },
    pseudonyms: createPseudonyms(),
  };
}

function success(endpoint: Endpoint): Observation {
  return { protocol: 'dicom', endpoint, status: 'success', startedAt: new Date().toISOString(), durationMs: 0, tls: false, exposure: {} };
}

describe('the probe harness', () => {
  it('answers for a probe that forgets its signal, within the grace after the deadline', async () => {
    let release: (o: Observation) => void = () => undefined;
    const stuck = definedProbe('dicom', [], 'never looks at its signal', (endpoint) => new Promise<Observation>((resolve) => (release = () => resolve(success(endpoint)))));
    const started = performance.now();
    const o = Observation.parse(await stuck.run({ ip: HOST, port: 1 }, context(300)));
    const ms = performance.now() - started;
    release(success({ ip: HOST, port: 1 }));
    assert.ok(ms >= 300 + PROBE_GRACE_MS - 50 && ms < 300 + PROBE_GRACE_MS + 400, `answered after ${ms.toFixed(0)} ms`);
    assert.equal(o.status, 'io-timeout');
    assert.equal(o.error?.phase, 'deadline');
    assert.equal(o.error?.code, 'io-timeout');
  });

  it('says aborted when the scan stopped the probe, not a timeout', async () => {
    const stop = new AbortController();
    const stuck = definedProbe('dicom', [], 'never looks at its signal', () => new Promise<Observation>(() => undefined));
    setTimeout(() => stop.abort(), 50);
    const o = await stuck.run({ ip: HOST, port: 1 }, context(10_000, stop.signal));
    assert.equal(o.status, 'aborted');
    assert.equal(o.error?.code, 'aborted');
  });

  it('cuts the probe\'s sockets when its time is up, even one it never reads', async () => {
    let peerClosedAt: number | undefined;
    const port = await peers.listen(
      net.createServer((s) => s.on('close', () => (peerClosedAt = performance.now()))),
      HOST,
    );
    const holder = definedProbe('dicom', [], 'opens a connection and holds it', async (endpoint, ctx) => {
      await ctx.dialer.connect(endpoint);
      return new Promise<Observation>(() => undefined);
    });
    const started = performance.now();
    await holder.run({ ip: HOST, port }, context(300));
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(peerClosedAt !== undefined, 'the connection was closed');
    assert.ok(peerClosedAt - started < 300 + PROBE_GRACE_MS, `closed ${(peerClosedAt - started).toFixed(0)} ms after the start`);
  });

  it('ends the deadline with a probe that finishes first: its signal never aborts afterwards', async () => {
    let seen: AbortSignal | undefined;
    const quick = definedProbe('dicom', [], 'answers at once', async (endpoint, ctx) => {
      seen = ctx.signal;
      return success(endpoint);
    });
    const o = await quick.run({ ip: HOST, port: 1 }, context(100));
    assert.equal(o.status, 'success');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(seen?.aborted, false);
  });

  it('turns a throw into unknown-error naming only the error class', async () => {
    const broken = definedProbe('dicom', [], 'throws', () => Promise.reject(new TypeError('peer said PATIENT-NAME')));
    const o = await broken.run({ ip: HOST, port: 1 }, context(1000));
    assert.equal(o.status, 'unknown-error');
    assert.deepEqual(o.error, { code: 'INTERNAL', message: 'TypeError' });
    const thrown = definedProbe('dicom', [], 'throws before its first await', () => {
      throw new RangeError('peer said PATIENT-NAME');
    });
    assert.deepEqual((await thrown.run({ ip: HOST, port: 1 }, context(1000))).error, { code: 'INTERNAL', message: 'RangeError' });
  });
});
