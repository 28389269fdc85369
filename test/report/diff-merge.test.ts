/**
 * The streaming diff is a merge join over two runs in report order. It must
 * say exactly what the whole-run comparison said (both runs in maps, written
 * here again as filters over whole runs: the reference), on random pairs of runs with IPv4 and IPv6
 * addresses, one address written two ways, and one address and port under
 * several protocols; and it must read the two runs side by side.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ipSortKey } from '../../src/observation/address-order.ts';
import { severityRank, type Severity } from '../../src/observation/finding.ts';
import type { HoneypotLevel } from '../../src/observation/honeypot.ts';
import type { ProtocolId } from '../../src/observation/observation.ts';
import { diffRuns, DIFF_SCHEMA, type CountChange, type DiffEndpoint, type DiffFinding, type DiffHoneypot, type DiffSide, type RunDiff, type ServiceChange } from '../../src/report/diff.ts';
import type { ReportCount, ReportRun, ServiceFinding, ServiceReport } from '../../src/report/model.ts';

interface WholeRun {
  run: Pick<ReportRun, 'id' | 'startedAt' | 'targets' | 'ports'>;
  services: ServiceReport[];
}

const key = (s: ServiceReport): string => `${s.ip}|${s.port}|${s.protocol}`;

/**
 * The comparison over whole runs, with likely honeypots set apart as filters
 * too: a service likely in the second run takes its twin in the first out with
 * it; one likely in the first run only leaves its twin to be compared as new.
 */
function wholeRunDiff(a: WholeRun, b: WholeRun, keepHoneypots = false): RunDiff {
  if (keepHoneypots) return { ...archiveDiff(a, b), honeypotsKept: true };
  const likely = (s: ServiceReport | undefined): boolean => s?.honeypot?.level === 'likely';
  const was = new Map(a.services.map((s) => [key(s), s]));
  const now = new Map(b.services.map((s) => [key(s), s]));
  const apart = ({ ip, port, protocol, product, honeypot }: ServiceReport): DiffHoneypot => ({ ip, port, protocol, ...(product ? { product } : {}), ...(honeypot ? { honeypot } : {}) });
  return {
    ...archiveDiff(
      { run: a.run, services: a.services.filter((s) => !likely(s) && !likely(now.get(key(s)))) },
      { run: b.run, services: b.services.filter((s) => !likely(s)) },
    ),
    honeypots: {
      appeared: b.services.filter((s) => likely(s) && !was.has(key(s))).map(apart),
      gone: a.services.filter((s) => likely(s) && !now.has(key(s))).map(apart),
      becameLikely: b.services.filter((s) => likely(s) && was.has(key(s)) && !likely(was.get(key(s)))).map(apart),
      noLongerLikely: b.services.filter((s) => !likely(s) && likely(was.get(key(s)))).map(apart),
      stillLikely: b.services.filter((s) => likely(s) && likely(was.get(key(s)))).length,
    },
  };
}

/**
 * The comparison over whole runs, as it was before the merge join: both runs
 * indexed by address, port and protocol, each list a filter over one run.
 */
function archiveDiff(a: WholeRun, b: WholeRun): RunDiff {
  const was = new Map(a.services.map((s) => [key(s), s]));
  const now = new Map(b.services.map((s) => [key(s), s]));
  const endpoint = ({ ip, port, protocol, product }: ServiceReport): DiffEndpoint => (product ? { ip, port, protocol, product } : { ip, port, protocol });
  const rank = (x: DiffFinding, y: DiffFinding): number => severityRank(y.severity) - severityRank(x.severity) || x.ruleId.localeCompare(y.ruleId);
  // Findings of `s` whose rule the same service in the other run did not have.
  const unmatched = (s: ServiceReport, other: Map<string, ServiceReport>): DiffFinding[] =>
    s.findings.filter((f) => !other.get(key(s))?.findings.some((g) => g.ruleId === f.ruleId)).map((f) => ({ ...endpoint(s), ruleId: f.ruleId, severity: f.severity, title: f.title }));
  const moved = (x: ReportCount | undefined, y: ReportCount | undefined): CountChange | undefined =>
    x?.n === y?.n ? undefined : { ...(x ? { from: x.n } : {}), ...(y ? { to: y.n } : {}) };
  const newFindings = b.services.flatMap((s) => unmatched(s, was)).sort(rank);
  return {
    schema: DIFF_SCHEMA,
    from: { run: a.run.id, startedAt: a.run.startedAt },
    to: { run: b.run.id, startedAt: b.run.startedAt },
    newServices: b.services.filter((s) => !was.has(key(s))).map(endpoint),
    goneServices: a.services.filter((s) => !now.has(key(s))).map(endpoint),
    newExposures: b.services.filter((s) => s.exposed && !was.get(key(s))?.exposed).map(endpoint),
    fixed: a.services.filter((s) => s.exposed && !now.get(key(s))?.exposed).map((s) => ({ ...endpoint(s), how: now.has(key(s)) ? ('locked' as const) : ('gone' as const) })),
    newFindings,
    resolvedFindings: a.services.flatMap((s) => unmatched(s, now)).sort(rank),
    changedCounts: b.services.flatMap((s): ServiceChange[] => {
      const old = was.get(key(s));
      if (!old) return [];
      const counts = { patients: moved(old.patients, s.patients), studies: moved(old.studies, s.studies), images: moved(old.images, s.images) };
      const changed = Object.entries(counts).filter(([, c]) => c !== undefined);
      return changed.length > 0 ? [{ ...endpoint(s), ...Object.fromEntries(changed) }] : [];
    }),
    newCritical: newFindings.filter((f) => f.severity === 'critical').length,
    scopeDiffers: JSON.stringify([a.run.targets, a.run.ports]) !== JSON.stringify([b.run.targets, b.run.ports]),
    honeypots: { appeared: [], gone: [], becameLikely: [], noLongerLikely: [], stillLikely: 0 },
    honeypotsKept: false,
  };
}

// '2001:db8::b' and '2001:db8:0:0::b' are one address written two ways: one report-order key, two texts.
const IPS = ['9.255.255.255', '10.0.0.2', '10.0.0.10', '192.0.2.1', '::1', '2001:db8::a', '2001:db8::b', '2001:db8:0:0::b', 'fe80::1'];
const PORTS = [80, 104, 4242, 11112];
const PROTOCOLS: readonly ProtocolId[] = ['dicom', 'dicom-tls', 'dicomweb', 'orthanc', 'portal'];
const RULES: ReadonlyArray<{ ruleId: string; severity: Severity }> = [
  { ruleId: 'EXP-DICOM-001', severity: 'critical' },
  { ruleId: 'EXP-DICOM-002', severity: 'high' },
  { ruleId: 'EXP-DICOM-003', severity: 'medium' },
  { ruleId: 'EXP-WEB-001', severity: 'critical' },
  { ruleId: 'EXP-TLS-001', severity: 'low' },
];

const count = fc.option(fc.constantFrom(0, 1, 7), { nil: undefined }).map((n): ReportCount | undefined => (n === undefined ? undefined : { n, atLeast: false, text: String(n) }));
const state = fc.record({
  exposed: fc.boolean(),
  rules: fc.subarray([...RULES.keys()]),
  patients: count,
  studies: count,
  images: count,
  product: fc.option(fc.constantFrom('Orthanc 1.12.1', 'DCMTK'), { nil: undefined }),
});
type State = typeof state extends fc.Arbitrary<infer T> ? T : never;

/** One endpoint over the two runs: in either, both or (then left out) neither, each with its own state. */
const endpointPair = fc.record({
  ip: fc.nat(IPS.length - 1),
  port: fc.nat(PORTS.length - 1),
  protocol: fc.nat(PROTOCOLS.length - 1),
  before: fc.option(state, { nil: undefined }),
  after: fc.option(state, { nil: undefined }),
  // Each run's honeypot level: mostly none (not assessed, or not DICOM), else any of the three.
  levelBefore: fc.constantFrom<HoneypotLevel | undefined>(undefined, undefined, 'likely', 'possible', 'unlikely'),
  levelAfter: fc.constantFrom<HoneypotLevel | undefined>(undefined, undefined, 'likely', 'possible', 'unlikely'),
});

function service(ip: string, port: number, protocol: ProtocolId, s: State, level?: HoneypotLevel): ServiceReport {
  const findings: ServiceFinding[] = s.rules.map((r) => ({
    ...RULES[r]!,
    title: `title of ${RULES[r]!.ruleId}`,
    evidence: 'seen',
    remediation: 'fix',
    references: [],
    proof: { kind: 'none', reason: 'a diff does not read proofs' },
  }));
  return {
    ip,
    port,
    protocol,
    tls: false,
    status: 'success',
    ...(s.product ? { product: s.product } : {}),
    ...(s.patients ? { patients: s.patients } : {}),
    ...(s.studies ? { studies: s.studies } : {}),
    ...(s.images ? { images: s.images } : {}),
    aeTitlesTried: [],
    modalities: [],
    identifyingAttributes: [],
    exposed: s.exposed,
    findings,
    ...(level ? { honeypot: { level, score: level === 'likely' ? 80 : level === 'possible' ? 40 : 0, signals: level === 'unlikely' ? [] : ['any-called-ae', 'lure-dataset'] } } : {}),
  };
}

/** Report order: address numerically, port, protocol; the text of an address breaks a tie, in either direction. */
function reportOrder(services: ServiceReport[], textOrder: 1 | -1): ServiceReport[] {
  return services.sort(
    (x, y) =>
      (ipSortKey(x.ip) < ipSortKey(y.ip) ? -1 : ipSortKey(x.ip) > ipSortKey(y.ip) ? 1 : 0) ||
      x.port - y.port ||
      (x.protocol < y.protocol ? -1 : x.protocol > y.protocol ? 1 : 0) ||
      (x.ip < y.ip ? -textOrder : x.ip > y.ip ? textOrder : 0),
  );
}

async function* streamed<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

const runPair = fc
  .tuple(
    fc.uniqueArray(endpointPair, { maxLength: 40, selector: (e) => `${e.ip}|${e.port}|${e.protocol}` }),
    fc.boolean(),
    fc.constantFrom<1 | -1>(1, -1),
  )
  .map(([pairs, sameScope, textOrder]) => {
    const side = (id: number, pick: 'before' | 'after', ports: number[]): WholeRun => ({
      run: { id, startedAt: `2026-0${id}-01T00:00:00.000Z`, targets: ['10.0.0.0/8', '2001:db8::/32'], ports },
      services: reportOrder(
        pairs.flatMap((p) => {
          const s = p[pick];
          return s ? [service(IPS[p.ip]!, PORTS[p.port]!, PROTOCOLS[p.protocol]!, s, pick === 'before' ? p.levelBefore : p.levelAfter)] : [];
        }),
        textOrder,
      ),
    });
    return [side(1, 'before', PORTS), side(2, 'after', sameScope ? PORTS : [104])] as const;
  });

test('the merge join says what the whole-run maps said, on random pairs of runs', async () => {
  await fc.assert(
    fc.asyncProperty(runPair, fc.boolean(), async ([a, b], keepHoneypots) => {
      const expected = wholeRunDiff(a, b, keepHoneypots);
      // One side as an array, the other as an async stream: the CLI's shape, and a model's.
      assert.deepEqual(await diffRuns(a, { run: b.run, services: streamed(b.services) }, { keepHoneypots }), expected);
      assert.deepEqual(await diffRuns({ run: a.run, services: streamed(a.services) }, b, { keepHoneypots }), expected);
    }),
    { numRuns: 300 },
  );
});

test('a pair with every kind of change comes out as the maps said, with addresses in report order', async () => {
  const ep = (ip: string, port: number, protocol: ProtocolId, s: Partial<State>): ServiceReport =>
    service(ip, port, protocol, { exposed: false, rules: [], patients: undefined, studies: undefined, images: undefined, product: undefined, ...s });
  const run = (id: number, services: ServiceReport[]): WholeRun => ({ run: { id, startedAt: `2026-0${id}-01T00:00:00.000Z`, targets: ['x'], ports: [104] }, services: reportOrder(services, 1) });
  const a = run(1, [
    ep('10.0.0.2', 104, 'dicom', { exposed: true, rules: [0, 2] }),
    ep('10.0.0.10', 8042, 'orthanc', { exposed: true, rules: [3], images: { n: 5, atLeast: false, text: '5' } }),
    ep('10.0.0.10', 8042, 'portal', {}),
    ep('2001:db8::a', 104, 'dicom', { exposed: true, rules: [0] }),
  ]);
  const b = run(2, [
    ep('10.0.0.2', 104, 'dicom', { rules: [2] }),
    ep('10.0.0.10', 8042, 'orthanc', { exposed: true, rules: [3], images: { n: 6, atLeast: false, text: '6' } }),
    ep('10.0.0.10', 8042, 'dicomweb', { exposed: true, rules: [3] }),
    ep('10.0.0.10', 8042, 'portal', {}),
    ep('::1', 104, 'dicom', {}),
  ]);
  const d = await diffRuns(a, b);
  assert.deepEqual(d, wholeRunDiff(a, b));
  assert.deepEqual(d.fixed.map((f) => `${f.ip} ${f.how}`), ['10.0.0.2 locked', '2001:db8::a gone']);
  assert.deepEqual(d.newServices.map((s) => `${s.ip}:${s.port}/${s.protocol}`), ['10.0.0.10:8042/dicomweb', '::1:104/dicom']);
  assert.deepEqual(d.changedCounts.map((c) => [c.protocol, c.images]), [['orthanc', { from: 5, to: 6 }]]);
  assert.equal(d.newCritical, 1);
});

test('likely honeypots come, go and change level in a section of their own, never among new exposures or fixes', async () => {
  const ep = (ip: string, s: Partial<State>, level?: HoneypotLevel): ServiceReport =>
    service(ip, 11112, 'dicom', { exposed: false, rules: [], patients: undefined, studies: undefined, images: undefined, product: undefined, ...s }, level);
  const open = { exposed: true, rules: [0, 1] };
  const run = (id: number, services: ServiceReport[]): WholeRun => ({ run: { id, startedAt: `2026-0${id}-01T00:00:00.000Z`, targets: ['x'], ports: [11112] }, services: reportOrder(services, 1) });
  const a = run(1, [ep('10.0.0.1', open, 'likely'), ep('10.0.0.2', open, 'unlikely'), ep('10.0.0.3', open, 'likely'), ep('10.0.0.4', open, 'likely'), ep('10.0.0.9', open)]);
  const b = run(2, [ep('10.0.0.2', open, 'likely'), ep('10.0.0.3', open, 'possible'), ep('10.0.0.4', open, 'likely'), ep('10.0.0.5', open, 'likely'), ep('10.0.0.9', open)]);
  const d = await diffRuns(a, b);
  assert.deepEqual(d, wholeRunDiff(a, b));
  const ips = (list: DiffEndpoint[]): string[] => list.map((e) => e.ip);
  assert.deepEqual([ips(d.honeypots.appeared), ips(d.honeypots.gone), ips(d.honeypots.becameLikely), ips(d.honeypots.noLongerLikely), d.honeypots.stillLikely], [['10.0.0.5'], ['10.0.0.1'], ['10.0.0.2'], ['10.0.0.3'], 1]);
  assert.equal(d.honeypots.appeared[0]?.honeypot?.level, 'likely');
  // The honeypot that appeared and the one that became likely are no exposure, the one gone no fix;
  // the archive no longer likely is compared as new, so its findings are said.
  assert.deepEqual(ips(d.newExposures), ['10.0.0.3']);
  assert.deepEqual(ips(d.fixed), []);
  assert.deepEqual([...new Set(ips(d.newFindings))], ['10.0.0.3']);
  assert.deepEqual(ips(d.resolvedFindings), []);
  assert.equal(d.newCritical, 1);
  // Kept as archives: the lists hold them all, the section is empty.
  const kept = await diffRuns(a, b, { keepHoneypots: true });
  assert.deepEqual(ips(kept.newExposures), ['10.0.0.5']);
  assert.deepEqual(ips(kept.fixed), ['10.0.0.1']);
  assert.equal(kept.honeypotsKept, true);
  assert.deepEqual(kept.honeypots, { appeared: [], gone: [], becameLikely: [], noLongerLikely: [], stillLikely: 0 });
});

test('the two runs are read side by side: neither is read more than one address ahead of the other', async () => {
  const hosts = 2_000;
  let readA = 0;
  let readB = 0;
  let widest = 0;
  async function* run(mark: () => void): AsyncGenerator<ServiceReport> {
    for (let i = 0; i < hosts; i++) {
      mark();
      widest = Math.max(widest, Math.abs(readA - readB));
      yield service(`10.${i >> 8}.${i & 255}.1`, 104, 'dicom', { exposed: i % 7 === 0, rules: [], patients: undefined, studies: undefined, images: undefined, product: undefined });
    }
  }
  const side = (id: number, mark: () => void): DiffSide => ({ run: { id, startedAt: '2026-01-01T00:00:00.000Z', targets: [], ports: [] }, services: run(mark) });
  const d = await diffRuns(side(1, () => readA++), side(2, () => readB++));
  assert.equal(readA + readB, 2 * hosts);
  assert.ok(widest <= 2, `one run was read ${widest} services ahead of the other`);
  assert.equal(d.newServices.length + d.goneServices.length + d.fixed.length, 0);
});

test('a run whose services are not in report order is refused, not diffed wrongly', async () => {
  const s = (ip: string): ServiceReport => service(ip, 104, 'dicom', { exposed: false, rules: [], patients: undefined, studies: undefined, images: undefined, product: undefined });
  const run = (id: number, services: ServiceReport[]): DiffSide => ({ run: { id, startedAt: '2026-01-01T00:00:00.000Z', targets: [], ports: [] }, services });
  await assert.rejects(diffRuns(run(1, [s('10.0.0.10'), s('10.0.0.2')]), run(2, [])), /the services of run 1 are not in report order: 10\.0\.0\.2 comes after 10\.0\.0\.10/);
});
