/**
 * The study's tables as SQL over the store (src/store/sqlite-aggregates.ts),
 * on the fixed store of test/fixtures/report-store.ts, and migration 2's
 * backfill of the flattened columns from stored observations.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/store/index.ts';
import { APPLICATION_ID, MIGRATIONS } from '../../src/store/migrations.ts';
import { buildReportStore, RUN_RESCAN, RUN_STUDY, RUN_ZERO, type ReportStore } from '../fixtures/report-store.ts';
import { EXPOSED, REJECTING } from './fixtures.ts';
import { engines } from './engines.ts';

// The study's tables on each engine: the same SQL, the same rows (PostgreSQL on a cluster at 127.0.28.3).
for (const engine of engines('127.0.28.3')) describe(`aggregates on ${engine.name}`, () => {
  let f: ReportStore;
  before(async () => {
    f = await buildReportStore(engine);
  });
  after(() => f?.cleanup());

  test('services and images by country: countries, special space and unknown, most exposed first', async () => {
    const rows = await f.store.breakdown(RUN_STUDY, 'country');
    assert.deepEqual(rows.map((r) => r.key), ['DE', 'US', 'unknown', 'private', 'KR']);
    const de = rows[0]!;
    assert.deepEqual(
      { hosts: de.hosts, services: de.services, exposedHosts: de.exposedHosts, exposedServices: de.exposedServices, images: de.images },
      { hosts: 1, services: 2, exposedHosts: 1, exposedServices: 1, images: { n: 1_500_000, atLeast: true } },
    );
    assert.equal(rows.find((r) => r.key === 'KR')?.images, undefined, 'no service counted images there: not zero, absent');
  });

  test('by AS: organisation as label; private and unknown space keep their labels', async () => {
    const rows = await f.store.breakdown(RUN_STUDY, 'asn');
    assert.deepEqual(rows.map((r) => [r.key, r.label]), [
      ['AS64500', 'Example Klinikum Netz'],
      ['AS64501', 'Example Imaging, LLC'],
      ['unknown', undefined],
      ['private', undefined],
      ['AS64502', 'Example <b>Hospital</b> & "Co"'],
    ]);
  });

  test('by product, product and version, and protocol', async () => {
    const product = await f.store.breakdown(RUN_STUDY, 'product');
    assert.deepEqual(product.map((r) => [r.key, r.services, r.exposedServices]), [
      ['Orthanc', 3, 2],
      ['DCMTK dcmqrscp', 1, 1],
      ['unidentified', 1, 1],
      ['<script>alert("pacs")</script>', 1, 0],
    ]);
    const versions = await f.store.breakdown(RUN_STUDY, 'product-version');
    assert.ok(versions.some((r) => r.key === 'Orthanc 1.10.1'));
    const protocol = await f.store.breakdown(RUN_STUDY, 'protocol');
    assert.deepEqual(protocol.map((r) => [r.key, r.services, r.exposedServices, r.images]), [['dicom', 6, 4, { n: 1_755_012, atLeast: true }]]);
  });

  test('top servers by images, and images per server in the study buckets', async () => {
    const top = await f.store.topServers(RUN_STUDY, 3);
    assert.deepEqual(top.map((s) => [s.ip, s.country, s.images?.n]), [
      ['192.0.2.10', 'DE', 1_500_000],
      ['198.51.100.20', 'US', 250_000],
      ['2001:db8::7', 'unknown', 5000],
    ]);
    const d = await f.store.imagesPerServer(RUN_STUDY);
    assert.deepEqual(
      { servers: d.servers, notCounted: d.notCounted, over1k: d.over1k, over100k: d.over100k, over1M: d.over1M },
      { servers: 4, notCounted: 0, over1k: 3, over100k: 2, over1M: 1 },
    );
    assert.deepEqual(d.buckets.map((b) => b.servers), [0, 1, 1, 1, 1]);
  });

  test('findings by rule and severity, and the run counts', async () => {
    const rules = await f.store.findingsByRule(RUN_STUDY);
    assert.deepEqual(rules.map((r) => [r.ruleId, r.severity, r.services, r.hosts]), [
      ['EXP-DICOM-001', 'critical', 4, 4],
      ['EXP-DICOM-002', 'high', 4, 4],
      ['EXP-DICOM-003', 'high', 1, 1],
      ['EXP-DICOM-004', 'medium', 6, 5],
    ]);
    assert.deepEqual(await f.store.runCounts(RUN_STUDY), {
      targets: 260,
      excluded: 0,
      scanned: 260,
      openPorts: 6,
      hosts: 5,
      services: 6,
      responding: 6,
      exposedHosts: 4,
      exposedServices: 4,
      hostsWithoutGeo: 0,
    });
  });

  test('a run with no findings has empty tables, not errors', async () => {
    assert.deepEqual(await f.store.findingsByRule(RUN_ZERO), []);
    assert.deepEqual(await f.store.topServers(RUN_ZERO, 10), []);
    const d = await f.store.imagesPerServer(RUN_ZERO);
    assert.equal(d.servers, 0);
    assert.equal(d.over1M, 0);
    assert.equal((await f.store.runCounts(RUN_ZERO)).exposedServices, 0);
    assert.equal((await f.store.breakdown(RUN_RESCAN, 'country')).find((r) => r.key === 'private'), undefined);
    await assert.rejects(f.store.runCounts(99), /run 99 does not exist/);
  });

  test('geo: sources are listed per run; unlabelled hosts are found and filled', async () => {
    assert.equal((await f.store.geoSources(RUN_STUDY)).length, 1);
    const t = await engine.create();
    try {
      const store = t.store;
      const run = await store.startRun({ targets: ['x'], ports: [104], options: {}, scanner: { callingAeTitle: 'A', userAgent: 'u' } });
      await store.recordHost(run, { ip: '10.0.0.5', services: [{ observation: EXPOSED, findings: [] }] });
      assert.deepEqual(await store.hostsWithoutGeo(run), ['10.0.0.5']);
      await store.setHostGeo(run, [{ ip: '10.0.0.5', geo: { space: 'private' } }]);
      assert.deepEqual(await store.hostsWithoutGeo(run), []);
      assert.deepEqual((await store.breakdown(run, 'country')).map((r) => r.key), ['private']);
      await assert.rejects(store.setHostGeo(run, [{ ip: '10.0.0.5', geo: { space: 'private', country: 'Germany' } }]), /geo of host 1 is invalid: country/);
    } finally {
      await t.cleanup();
    }
  });

  test('geo: each source text is kept once per run and read back as written; hosts without geo come a page at a time', async () => {
    const t = await engine.create();
    try {
      const store = t.store;
      const meta = { targets: ['x'], ports: [104], options: {}, scanner: { callingAeTitle: 'A', userAgent: 'u' } };
      const [one, two] = [await store.startRun(meta), await store.startRun(meta)];
      const OLD = '{"country":{"package":"geo","version":"1","date":"2026-01-01"}}';
      const NEW = '{"country":{"package":"geo","version":"2","date":"2026-06-01"}}';
      const at = (ip: string, source?: string) => ({
        ip,
        geo: { space: 'public', country: 'NL', asn: 3333, org: 'RIPE NCC', ...(source ? { source } : {}) },
        services: [{ observation: { ...EXPOSED, endpoint: { ip, port: 104 } }, findings: [] }],
      });
      await store.recordHosts(one, { hosts: [at('192.0.2.1', OLD), at('192.0.2.2', OLD), at('192.0.2.3')] });
      await store.recordHosts(two, { hosts: [at('192.0.2.1', NEW)] });
      const bare = ['192.0.2.9', '192.0.2.10', '2001:db8::4', '192.0.2.40', '192.0.2.5'];
      for (const ip of bare) await store.recordHost(one, { ip, services: [{ observation: { ...EXPOSED, endpoint: { ip, port: 104 } }, findings: [] }] });
      assert.deepEqual(await store.geoSources(one), [OLD]);
      assert.deepEqual(await store.geoSources(two), [NEW]);
      const pages: string[][] = [];
      for (let after = ''; ; ) {
        const page = await store.hostsWithoutGeo(one, 2, after);
        if (page.length === 0) break;
        assert.ok(page.length <= 2);
        pages.push(page);
        after = page.at(-1) as string;
      }
      assert.deepEqual(pages.flat(), [...bare].sort(), 'each host without geo once, in text order');
      assert.deepEqual(await store.hostsWithoutGeo(one, 1), ['192.0.2.10']);
      await store.setHostGeo(one, bare.map((ip) => ({ ip, geo: { space: 'public', country: 'DE', source: NEW } })));
      assert.deepEqual(await store.hostsWithoutGeo(one), []);
      assert.deepEqual(await store.geoSources(one), [OLD, NEW].sort());
      assert.equal((await store.runCounts(one)).hostsWithoutGeo, 0);
      const countries = (await store.services(one)).map((r) => `${r.ip} ${r.country} ${r.asn ?? '-'} ${r.org ?? '-'} ${r.space}`);
      assert.ok(countries.includes('192.0.2.1 NL 3333 RIPE NCC public') && countries.includes('192.0.2.40 DE - - public'), countries.join(', '));
      assert.equal(await t.count('SELECT count(*) FROM geo_sources'), 3, 'one row per run and text');
    } finally {
      await t.cleanup();
    }
  });

  test('a host answering for one archive on several services counts its images once by country and per server', async () => {
    const t = await engine.create();
    const store = t.store;
    try {
      const runId = await store.startRun({ targets: ['10.9.9.9'], ports: [104, 8042], options: {}, scanner: { callingAeTitle: 'EXPOSURE-SCAN', userAgent: 'x' } });
      const images = { n: 120, atLeast: false };
      const at = (port: number) => ({ ...EXPOSED, endpoint: { ip: '10.9.9.9', port }, exposure: { ...EXPOSED.exposure, images } });
      await store.recordHost(runId, { ip: '10.9.9.9', services: [{ observation: at(104), findings: [] }, { observation: at(4242), findings: [] }] });
      const [country] = await store.breakdown(runId, 'country');
      assert.deepEqual([country?.services, country?.images], [2, images]);
      const [server] = await store.topServers(runId, 10);
      assert.deepEqual(server?.images, images);
    } finally {
      await t.cleanup();
    }
  });
});

/** A store file as schema `version` left it, with run 1 and its host 10.0.0.5 (host id 1): what a later migration starts from. */
function storeAtVersion(path: string, version: number): Database.Database {
  const db = new Database(path);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  for (const m of MIGRATIONS.filter((x) => x.version <= version)) db.exec(m.sql);
  db.pragma(`user_version = ${version}`);
  db.exec(`INSERT INTO runs (id, started_at, status, targets, ports, options, calling_ae_title, user_agent)
           VALUES (1, '2024-01-01T00:00:00Z', 'completed', '[]', '[104]', '{}', 'A', 'u')`);
  db.exec(`INSERT INTO hosts (id, run_id, ip) VALUES (1, 1, '10.0.0.5')`);
  return db;
}

test('migration 2 fills counts and the exposed flag of services stored under schema 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'exposure-migrate-'));
  try {
    const path = join(dir, 'v1.db');
    const db = storeAtVersion(path, 1);
    const insert = db.prepare(`INSERT INTO services (id, run_id, host_id, ip, port, protocol, tls, status, started_at, duration_ms)
                               VALUES (?, 1, 1, '10.0.0.5', ?, 'dicom', 0, ?, 'x', 1)`);
    insert.run(1, 104, 'success');
    insert.run(2, 11112, 'rejected');
    const obs = db.prepare('INSERT INTO observations (service_id, json) VALUES (?, ?)');
    obs.run(1, JSON.stringify(EXPOSED));
    obs.run(2, JSON.stringify(REJECTING));
    db.close();

    const store = openSqliteStore(path);
    const counts = await store.runCounts(1);
    assert.equal(counts.exposedServices, 1);
    assert.equal(counts.hostsWithoutGeo, 1);
    const rows = await store.breakdown(1, 'protocol');
    assert.deepEqual(rows[0]?.patients, { n: 1000, atLeast: true });
    assert.deepEqual(rows[0]?.studies, { n: 1000, atLeast: true });
    assert.equal(rows[0]?.images, undefined);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migration 4 makes a DICOM service stored before it exposed when its C-FIND read any match, however it ended', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'exposure-migrate-'));
  try {
    const path = join(dir, 'v3.db');
    const db = storeAtVersion(path, 3);
    const insert = db.prepare(`INSERT INTO services (id, run_id, host_id, ip, port, protocol, tls, status, started_at, duration_ms, exposed)
                               VALUES (?, 1, 1, '10.0.0.5', ?, 'dicom', 0, 'success', 'x', 1, 0)`);
    const obs = db.prepare('INSERT INTO observations (service_id, json) VALUES (?, ?)');
    const details = EXPOSED.details?.protocol === 'dicom' ? EXPOSED.details : undefined;
    assert.ok(details);
    // Stored by the earlier rule as not exposed: 200 matches read, then the peer ignored C-CANCEL (timeout) / aborted / broke.
    const cut = (id: number, outcome: 'timeout' | 'aborted', matches: number): void => {
      insert.run(id, 100 + id);
      obs.run(id, JSON.stringify({ ...EXPOSED, details: { ...details, find: { ...details.find, outcome, matches, capped: matches > 0 } } }));
    };
    cut(1, 'timeout', 200);
    cut(2, 'aborted', 3);
    cut(3, 'timeout', 0);
    insert.run(4, 11112);
    obs.run(4, JSON.stringify(REJECTING));
    db.close();

    const store = openSqliteStore(path);
    assert.equal((await store.runCounts(1)).exposedServices, 2);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
