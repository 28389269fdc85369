/**
 * The fleet simulator in its own process on 127.1.0.x: each kind of endpoint
 * answers the real DICOM probe as it should.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fleetEndpoints, type FleetConfig, type FleetEndpoint } from '../../src/lab/fleet/fleet.ts';
import { spawnFleet, type FleetProcess } from '../../src/lab/fleet/spawn.ts';
import { createDialer } from '../../src/net/dialer.ts';
import { createPseudonyms } from '../../src/privacy/pseudonyms.ts';
import { dicomProbe } from '../../src/probes/dicom/index.ts';
import { dicomDetails } from '../../src/observation/observation.ts';
import type { ProbeContext } from '../../src/probes/probe.ts';
import { scopeFrom } from '../../src/scope/policy.ts';

const CONFIG: FleetConfig = {
  groups: [{ first: '127.1.0.1', stride: 1, count: 60, ports: [104, 4242, 11112], mix: { open: 2, 'ae-checking': 1, rejecting: 1, slow: 1, closed: 1 } }],
  aeTitle: 'ORTHANC',
  slowMs: 300,
};
let fleet: FleetProcess;
const endpoints: FleetEndpoint[] = [...fleetEndpoints(CONFIG)];

before(async () => {
  fleet = await spawnFleet(CONFIG, 60_000);
});
after(async () => {
  await fleet?.stop();
});

const ctx: ProbeContext = {
  dialer: createDialer({ scope: scopeFrom((ip) => ip.startsWith('127.1.')), connectTimeoutMs: 5000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 }),
  signal: new AbortController().signal,
  identity: { callingAeTitle: 'EXPOSURE-TEST', userAgent: 'test' },
  limits: { maxRecords: 10, connectTimeoutMs: 5000, ioTimeoutMs: 10_000, probeTimeoutMs: 30_000, maxPduBytes: 1 << 20 },
  dicom: { userAeTitles: [], useGuessList: true },
  pseudonyms: createPseudonyms(),
};

describe('fleet simulator', () => {
  it('plans a deterministic mix of every kind', () => {
    const kinds = new Set(endpoints.map((e) => e.kind));
    assert.deepEqual([...kinds].sort(), ['ae-checking', 'closed', 'open', 'rejecting', 'slow']);
    assert.deepEqual([...fleetEndpoints(CONFIG)], endpoints);
    assert.equal(fleet.listening, endpoints.filter((e) => e.kind !== 'closed').length);
    assert.throws(() => [...fleetEndpoints({ ...CONFIG, groups: [{ ...CONFIG.groups[0]!, first: '10.0.0.1' }] })], /not a loopback address/);
  });

  it('answers the DICOM probe as each kind should', { timeout: 60_000 }, async () => {
    // The kinds of this fleet's mix; echo-only and qr-open are tested in-process (fleet/scp.test.ts).
    type Mixed = Exclude<FleetEndpoint['kind'], 'echo-only' | 'qr-open'>;
    const expected: Record<Mixed, (o: Awaited<ReturnType<typeof dicomProbe.run>>) => boolean> = {
      open: (o) => o.status === 'success' && dicomDetails(o)?.acceptsAnyCalledAeTitle === true && dicomDetails(o)?.echo.outcome === 'success',
      slow: (o) => o.status === 'success',
      'ae-checking': (o) => o.status === 'success' && dicomDetails(o)?.acceptsAnyCalledAeTitle === false && dicomDetails(o)?.acceptedCalledAeTitle === 'ORTHANC',
      rejecting: (o) => o.status === 'rejected',
      closed: (o) => o.status === 'connection-refused',
    };
    for (const kind of Object.keys(expected) as Mixed[]) {
      const e = endpoints.find((x) => x.kind === kind)!;
      const o = await dicomProbe.run({ ip: e.ip, port: e.port }, ctx);
      assert.ok(expected[kind](o), `${kind} at ${e.ip}:${e.port} gave ${o.status} ${JSON.stringify(dicomDetails(o)?.attempts.map((a) => a.outcome))}`);
    }
  });
});
