/** The dashboard's reads: a run's findings filtered and paged in SQL, one service by id, and a running run's counters. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FindingListRow, FindingRow } from '../../src/store/index.ts';
import { buildReportStore, RUN_RESCAN, RUN_STUDY, RUN_ZERO, type ReportStore } from '../fixtures/report-store.ts';
import { engines } from './engines.ts';

const ids = (rows: ReadonlyArray<{ id: number }>): number[] => rows.map((r) => r.id);
const ALL = { limit: 1000, offset: 0 };

// The same answers on both engines (PostgreSQL on a cluster at 127.0.93.10).
for (const engine of engines('127.0.93.10')) describe(`the dashboard's reads on ${engine.name}`, () => {
  let f: ReportStore;
  let every: FindingRow[];
  before(async () => {
    f = await buildReportStore(engine);
    every = await f.store.findings(RUN_STUDY);
  });
  after(() => f?.cleanup());

  const list = async (filter: Parameters<ReportStore['store']['findingPage']>[1]): Promise<FindingListRow[]> =>
    (await f.store.findingPage(RUN_STUDY, filter, 'severity', ALL)).rows;

  it('without a filter, lists every finding of the run, most severe first, each with its place and product', async () => {
    const rows = await list({});
    assert.ok(every.length >= 5);
    assert.deepEqual(ids(rows).sort((a, b) => a - b), ids(every).sort((a, b) => a - b));
    assert.deepEqual(rows.map((r) => r.severity), every.map((r) => r.severity));
    const de = rows.find((r) => r.ip === '192.0.2.10');
    assert.deepEqual([de?.country, de?.asn, de?.org, de?.product], ['DE', 'AS64500', 'Example Klinikum Netz', 'Orthanc']);
    const v6 = rows.find((r) => r.ip === '2001:db8::7');
    assert.deepEqual([v6?.country, v6?.asn, v6?.product], ['unknown', 'unknown', 'unidentified']);
  });

  it('filters on severity, rule and protocol', async () => {
    const critical = await list({ severity: 'critical' });
    assert.ok(critical.length > 0 && critical.length < every.length);
    assert.deepEqual(ids(critical).sort(), ids(every.filter((x) => x.severity === 'critical')).sort());
    const rule = every[every.length - 1]!.ruleId;
    assert.deepEqual(ids(await list({ ruleId: rule })).sort(), ids(every.filter((x) => x.ruleId === rule)).sort());
    assert.deepEqual(await list({ protocol: 'smb' }), []);
    assert.equal((await list({ protocol: 'dicom' })).length, every.length);
  });

  it('filters on the breakdowns\' own keys: country or space, AS, product', async () => {
    assert.deepEqual([...new Set((await list({ country: 'DE' })).map((r) => r.ip))], ['192.0.2.10']);
    assert.deepEqual([...new Set((await list({ country: 'private' })).map((r) => r.ip))], ['10.20.30.40']);
    assert.deepEqual([...new Set((await list({ asn: 'AS64501' })).map((r) => r.ip))], ['198.51.100.20']);
    assert.deepEqual([...new Set((await list({ product: 'unidentified' })).map((r) => r.ip))], ['2001:db8::7']);
    assert.deepEqual([...new Set((await list({ product: '<script>alert("pacs")</script>' })).map((r) => r.ip))], ['203.0.113.30'], 'a product is a bound value, never SQL');
    assert.deepEqual(await list({ country: 'DE', asn: 'AS64501' }), [], 'filters combine with AND');
  });

  it('searches by the beginning of an address or by AS number, wildcards taken literally', async () => {
    assert.deepEqual([...new Set((await list({ search: '198.51.' })).map((r) => r.ip))], ['198.51.100.20']);
    assert.deepEqual([...new Set((await list({ search: 'AS64502' })).map((r) => r.ip))], ['203.0.113.30']);
    assert.deepEqual([...new Set((await list({ search: '64502' })).map((r) => r.ip))], ['203.0.113.30']);
    assert.deepEqual(await list({ search: '%' }), []);
    assert.deepEqual(await list({ search: '_92.0.2.10' }), []);
  });

  it('pages: consecutive pages are the whole list, and `more` says whether another follows', async () => {
    const whole = ids(await list({}));
    const seen: number[] = [];
    for (let offset = 0; offset < whole.length + 2; offset += 2) {
      const page = await f.store.findingPage(RUN_STUDY, {}, 'severity', { limit: 2, offset });
      seen.push(...ids(page.rows));
      assert.equal(page.more, offset + 2 < whole.length, `offset ${offset}`);
    }
    assert.deepEqual(seen, whole);
  });

  it('lists the latest written first for a live view', async () => {
    const newest = ids((await f.store.findingPage(RUN_STUDY, {}, 'newest', { limit: 3, offset: 0 })).rows);
    assert.deepEqual(newest, ids(every).sort((a, b) => b - a).slice(0, 3));
  });

  it('reads one service of a run by id, and nothing of another run', async () => {
    const all = await f.store.services(RUN_STUDY);
    const one = all[1]!;
    assert.deepEqual(await f.store.service(RUN_STUDY, one.id), one);
    assert.equal(await f.store.service(RUN_RESCAN, one.id), undefined);
    assert.equal(await f.store.service(RUN_STUDY, 999_999), undefined);
  });

  it('reads the counters of a run\'s last checkpoint, none before its first', async () => {
    assert.equal(await f.store.runProgress(RUN_ZERO), undefined);
    const run = await f.store.startRun({ targets: ['192.0.2.0/30'], ports: [104], options: {}, scanner: { callingAeTitle: 'EXPOSURE-SCAN', userAgent: 'test' } });
    const counters = { hostsDone: 3, openPorts: 1, unreachable: 2, services: 1, findings: 0 };
    await f.store.recordHosts(run, { hosts: [], checkpoint: { watermark: 3, done: [], counters } });
    const p = await f.store.runProgress(run);
    assert.deepEqual(p?.counters, counters);
    assert.match(p?.updatedAt ?? '', /^\d{4}-\d\d-\d\dT/);
  });
});
