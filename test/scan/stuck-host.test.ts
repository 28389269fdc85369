/**
 * A stuck host never holds the rest of the scan: one peer drips its
 * A-ASSOCIATE-AC a byte at a time, four answer as simulated archives. With two
 * hosts probed at once, the four are done long before the dripping one, which
 * ends at its --probe-timeout; the scan ends with it. Peers on 127.0.97.10-14,
 * port 0 each, fed to the scan as a result file would (address and port).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { serveScp } from '../../src/lab/fleet/scp.ts';
import { createDialer } from '../../src/net/dialer.ts';
import { createPseudonyms } from '../../src/privacy/pseudonyms.ts';
import { PROBES } from '../../src/probes/index.ts';
import { runScan } from '../../src/scan/run-scan.ts';
import type { WorkSource } from '../../src/scan/sources.ts';
import type { StoreSink } from '../../src/store/index.ts';
import { TestPeers } from '../net/peers.ts';
import { anyTitleAccepted } from '../probes/dicom/scripted-peer.ts';
import { drip } from '../probes/ftp/scripted-ftp.ts';
import { forceGc } from '../net/gc.ts';

const peers = new TestPeers();
after(() => peers.close());

const NORMAL = ['127.0.97.10', '127.0.97.11', '127.0.97.12', '127.0.97.13'];
const DRIPPING = '127.0.97.14';
const PROBE_TIMEOUT_MS = 2000;
/** The contract: no probe outlives --probe-timeout by more than a second (the harness's grace is half of it). */
const PAST_DEADLINE_MS = 1000;

/** A store that keeps nothing: the test reads what the scan reports through onService. */
const nowhere: StoreSink = {
  startRun: async () => 1,
  recordHosts: async () => undefined,
  recordHost: async () => undefined,
  finishRun: async () => undefined,
  loadCheckpoint: async () => undefined,
  reopenRun: async () => undefined,
  isHostDone: async () => false,
  setHostGeo: async () => undefined,
  close: async () => undefined,
};

const AC = anyTitleAccepted('DRIP');

describe('a stuck host', () => {
  it('holds neither the other hosts nor the scan past its deadline', async () => {
    const endpoints: Array<{ ip: string; port: number }> = [];
    // The dripping one first, so it takes a pool slot before the others start.
    const dripPort = await peers.listen(net.createServer((s) => s.once('data', () => drip(s, AC, 100))), DRIPPING);
    endpoints.push({ ip: DRIPPING, port: dripPort });
    for (const ip of NORMAL) {
      const port = await peers.listen(net.createServer((s) => serveScp(s, { kind: 'open', aeTitle: 'ORTHANC', slowMs: 0, rttMs: 0, findMatches: 2 })), ip);
      endpoints.push({ ip, port });
    }
    const source: WorkSource = {
      total: endpoints.length,
      approximate: false,
      mergeHosts: true,
      *items() {
        for (const [step, e] of endpoints.entries()) yield { step, ip: e.ip, port: e.port };
      },
    };
    const done = new Map<string, { ms: number; status: string }>();
    const gc = forceGc();
    const collecting = setInterval(gc, 100);
    const started = performance.now();
    try {
      await runScan({
        source,
        ports: [],
        probes: PROBES,
        greetingWaitMs: 50,
        dialer: createDialer({ scope: { check: (ip) => (ip.startsWith('127.0.97.') ? { allowed: true } : { allowed: false, reason: 'outside the test range' }) }, connectTimeoutMs: 1000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 }),
        context: {
          identity: { callingAeTitle: 'EXPOSURE-TEST', userAgent: 'test' },
          limits: { maxRecords: 10, connectTimeoutMs: 1000, ioTimeoutMs: 3000, probeTimeoutMs: PROBE_TIMEOUT_MS, maxPduBytes: 1 << 20 },
          dicom: { userAeTitles: [], useGuessList: false },
          pseudonyms: createPseudonyms(),
        },
        store: nowhere,
        run: { kind: 'new', meta: { targets: [], ports: [], options: {}, scanner: { callingAeTitle: 'EXPOSURE-TEST', userAgent: 'test' } } },
        excluded: 0,
        hostConcurrency: 2,
        connectRetries: 0,
        signal: new AbortController().signal,
        onService: (r) => done.set(r.observation.endpoint.ip, { ms: performance.now() - started, status: r.observation.status }),
      });
    } finally {
      clearInterval(collecting);
    }
    const total = performance.now() - started;
    for (const ip of NORMAL) {
      const d = done.get(ip);
      assert.equal(d?.status, 'success', ip);
      assert.ok(d.ms < 1000, `${ip} waited behind the stuck host: done after ${d.ms.toFixed(0)} ms`);
    }
    const stuck = done.get(DRIPPING);
    assert.equal(stuck?.status, 'io-timeout');
    assert.ok(stuck.ms >= PROBE_TIMEOUT_MS - 50 && stuck.ms < PROBE_TIMEOUT_MS + PAST_DEADLINE_MS, `the stuck host ended after ${stuck.ms.toFixed(0)} ms`);
    assert.ok(total < PROBE_TIMEOUT_MS + PAST_DEADLINE_MS, `the scan took ${total.toFixed(0)} ms`);
  });
});
