import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/observation/finding.ts';
import type { Observation } from '../../src/observation/observation.ts';
import type { HostResult } from '../../src/store/index.ts';
import { engines, type Engine } from './engines.ts';
import { ANY_AE, EXPOSED, FIND_OPEN, NO_TLS, RUN_META, fixedClock } from './fixtures.ts';

/** An exposed service on ip:port with its own counts, so sums can be checked by hand. */
function at(ip: string, port: number, patients: number, atLeast = false): Observation {
  return { ...EXPOSED, endpoint: { ip, port }, exposure: { patients: { n: patients, atLeast }, studies: { n: patients * 2, atLeast: false } } };
}

// Written out of address order, and with addresses whose text order is not their numeric order.
const ADDRESSES = ['10.0.0.10', '10.0.0.9', '2001:db8::10', '10.0.0.100', '2001:db8::9', '9.255.255.255', '10.0.0.2'];

async function store(engine: Engine) {
  const t = await engine.create({ now: fixedClock });
  const s = t.store;
  const runId = await s.startRun(RUN_META);
  for (const [i, ip] of ADDRESSES.entries()) {
    const host: HostResult = {
      ip,
      services: [
        { observation: at(ip, 11112, i + 1), findings: [NO_TLS] },
        // Same host, larger figure on the second port: the host counts once, with the larger figure.
        { observation: at(ip, 104, i + 3, i === 0), findings: [ANY_AE, FIND_OPEN] },
      ],
    };
    await s.recordHost(runId, host);
  }
  return { s, runId, cleanup: () => t.cleanup() };
}

for (const engine of engines('127.0.28.2')) describe(`service pages and run totals (${engine.name})`, () => {
  it('hand out every service once, in numeric address order then port, whatever the page size', async () => {
    const { s, runId, cleanup } = await store(engine);
    const expected = ['9.255.255.255', '10.0.0.2', '10.0.0.9', '10.0.0.10', '10.0.0.100', '2001:db8::9', '2001:db8::10'].flatMap((ip) => [
      `${ip} 104`,
      `${ip} 11112`,
    ]);
    for (const size of [1, 2, 3, 13, 14, 1000]) {
      const seen: string[] = [];
      let pages = 0;
      for await (const page of s.servicePages(runId, size)) {
        pages += 1;
        assert.ok(page.length <= size);
        for (const row of page) seen.push(`${row.ip} ${row.port}`);
      }
      assert.deepEqual(seen, expected, `page size ${size}`);
      assert.equal(pages, Math.ceil(expected.length / size));
    }
    const all = await s.services(runId);
    assert.deepEqual(all.map((r) => `${r.ip} ${r.port}`), expected);
    // Findings ride with their own service only.
    for (const row of all) assert.deepEqual(row.findings.map((f) => f.ruleId).sort(), (row.port === 104 ? [ANY_AE, FIND_OPEN] : [NO_TLS]).map((f) => f.ruleId).sort());
    await cleanup();
  });

  it('hand out the services that have findings, in report order, with their findings and no observation, whatever the page size', async () => {
    const { s, runId, cleanup } = await store(engine);
    // Hosts without findings between those with: skipped, not paged over as empty rows.
    for (const ip of ['10.0.0.3', '10.0.0.50', '2001:db8::a']) await s.recordHost(runId, { ip, services: [{ observation: at(ip, 104, 1), findings: [] }] });
    const all = await s.services(runId);
    const expected = all.filter((r) => r.findings.length > 0);
    assert.equal(expected.length, 14);
    for (const size of [1, 2, 5, 1000]) {
      const seen = [];
      for await (const page of s.findingPages(runId, size)) {
        assert.ok(page.length > 0 && page.length <= size);
        seen.push(...page);
      }
      assert.deepEqual(seen.map((r) => `${r.ip} ${r.port}`), expected.map((r) => `${r.ip} ${r.port}`), `page size ${size}`);
      for (const [i, row] of seen.entries()) {
        const { observation: _observation, ...columns } = expected[i]!;
        assert.deepEqual(row, columns);
        assert.equal('observation' in row, false);
      }
    }
    await cleanup();
  });

  it('name each rule that fired in the words and severity of its first finding in report order', async () => {
    const t = await engine.create({ now: fixedClock });
    const s = t.store;
    const runId = await s.startRun(RUN_META);
    const reworded = { ...FIND_OPEN, title: 'A later wording', severity: 'high' as const, references: [], evidence: 'later' };
    // The reworded finding is written first, on an address that comes later in report order.
    await s.recordHost(runId, { ip: '10.0.0.9', services: [{ observation: at('10.0.0.9', 104, 1), findings: [reworded, NO_TLS] }] });
    await s.recordHost(runId, { ip: '10.0.0.10', services: [{ observation: at('10.0.0.10', 104, 1), findings: [FIND_OPEN] }] });
    await s.recordHost(runId, { ip: '10.0.0.2', services: [{ observation: at('10.0.0.2', 104, 1), findings: [ANY_AE, FIND_OPEN] }] });
    const words = ({ evidence: _evidence, ...rest }: Finding): Omit<Finding, 'evidence'> => rest;
    assert.deepEqual(await s.firedRules(runId), [words(FIND_OPEN), words(ANY_AE), words(NO_TLS)]);
    const other = await s.startRun(RUN_META);
    assert.deepEqual(await s.firedRules(other), []);
    await t.cleanup();
  });

  it('sum per host the largest figure, with "at least" only when that figure was a lower bound', async () => {
    const { s, runId, cleanup } = await store(engine);
    const t = await s.runTotals(runId);
    assert.equal(t.services, 14);
    assert.equal(t.exposedServices, 14);
    // Host i reports i+1 and i+3 patients: the host counts i+3.
    assert.deepEqual(t.patients, { n: ADDRESSES.reduce((sum, _ip, i) => sum + i + 3, 0), atLeast: true });
    assert.deepEqual(t.studies, { n: ADDRESSES.reduce((sum, _ip, i) => sum + 2 * (i + 3), 0), atLeast: false });
    assert.equal(t.images, undefined, 'not counted is not zero');
    // The most one service counted: a lower bound of the distinct patients, whatever the sum.
    assert.equal(t.mostPatients, ADDRESSES.length - 1 + 3);
    assert.equal(t.findings.critical + t.findings.high + t.findings.medium + t.findings.low + t.findings.info, 21);
    assert.equal(t.findings[FIND_OPEN.severity] >= 7, true);
    await cleanup();
  });
});
