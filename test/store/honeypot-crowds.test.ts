/**
 * Which datasets make a crowd, as the pass finds them in SQL on both engines
 * (sql-store.ts honeypotSql crowds): three or more distinct hosts that accept
 * any called AE title serving one digest. Two hosts, hosts that check the
 * called AE title, or one host on three ports do not. PostgreSQL on 127.0.103.28.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HONEYPOT_ASSESSOR } from '../../src/assess/honeypot/index.ts';
import type { HoneypotSignal } from '../../src/observation/honeypot.ts';
import type { DicomBehaviour } from '../../src/observation/honeypot.ts';
import type { Observation } from '../../src/observation/observation.ts';
import type { HoneypotPass } from '../../src/store/index.ts';
import { engines, type TestStore } from './engines.ts';
import { EXPOSED, RUN_META } from './fixtures.ts';

/** An archive at `ip:port` serving the dataset `n` (its keyed study digest and public signature), answering at an archive's pace. */
function serving(ip: string, port: number, n: number, anyCalledAe = true): Observation {
  const d = EXPOSED.details;
  if (d?.protocol !== 'dicom') throw new Error('fixture');
  const behaviour: DicomBehaviour = { associateMs: 40, findMs: 400, signature: n.toString(16).padStart(16, '0'), studyDigest: `0000000a:${n.toString(16).padStart(8, '0')}` };
  return { ...EXPOSED, endpoint: { ip, port }, details: { ...d, acceptsAnyCalledAeTitle: anyCalledAe, behaviour } };
}

/** [ip, port, dataset, accepts any called AE title] */
const SERVICES: ReadonlyArray<readonly [string, number, number, boolean]> = [
  // Dataset 1 on three hosts: a crowd.
  ['10.1.0.1', 104, 1, true],
  ['10.1.0.2', 104, 1, true],
  ['10.1.0.3', 104, 1, true],
  // Dataset 2 on two hosts: not a crowd.
  ['10.2.0.1', 104, 2, true],
  ['10.2.0.2', 104, 2, true],
  // Dataset 3 on three hosts, one of which checks the called AE title: two that count.
  ['10.3.0.1', 104, 3, true],
  ['10.3.0.2', 104, 3, true],
  ['10.3.0.3', 104, 3, false],
  // Dataset 4 on one host, three ports: one host.
  ['10.4.0.1', 104, 4, true],
  ['10.4.0.1', 4242, 4, true],
  ['10.4.0.1', 11112, 4, true],
];

const CROWD: readonly HoneypotSignal[] = ['same-keyed-dataset', 'same-dataset'];

for (const engine of engines('127.0.103.28')) describe(`dataset crowds on ${engine.name}`, () => {
  let t: TestStore;
  let runId: number;
  before(async () => {
    t = await engine.create();
    runId = await t.store.startRun(RUN_META);
    const byIp = new Map<string, Observation[]>();
    for (const [ip, port, n, any] of SERVICES) byIp.set(ip, [...(byIp.get(ip) ?? []), serving(ip, port, n, any)]);
    const hosts = [...byIp].map(([ip, observations]) => ({ ip, services: observations.map((observation) => ({ observation, findings: [] })) }));
    await t.store.recordHosts(runId, { hosts });
    await t.store.finishRun(runId, { targetsTotal: hosts.length, hostsDone: hosts.length, openPorts: SERVICES.length, excluded: 0, status: 'completed' });
  });
  after(async () => t.cleanup());

  test('only three distinct hosts accepting any called AE title make a crowd', async () => {
    await (t.store as unknown as HoneypotPass).assessHoneypots(runId, HONEYPOT_ASSESSOR);
    const crowded = new Map((await t.store.services(runId)).map((s) => [`${s.ip}:${s.port}`, CROWD.filter((c) => s.honeypot?.signals.includes(c))]));
    assert.equal(crowded.size, SERVICES.length);
    for (const [ip, port, n] of SERVICES) assert.deepEqual(crowded.get(`${ip}:${port}`), n === 1 ? CROWD : [], `${ip}:${port}, dataset ${n}`);
  });
});
