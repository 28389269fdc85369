/**
 * Geo sources once per run (SQLite migration 7, PostgreSQL migration 2) on a
 * store written in the layout before: every host row with the text naming its
 * geo databases. The rows are written here by hand, as that layout held them;
 * once migrated, readers see the same texts, hosts keep their labels, and
 * hosts never labelled are still found.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { ipSortKey } from '../../src/observation/address-order.ts';
import { APPLICATION_ID, LATEST_VERSION, MIGRATIONS } from '../../src/store/migrations.ts';
import { PG_LATEST_VERSION, PG_MIGRATIONS } from '../../src/store/postgres/schema.ts';
import { openSqliteStore, type StoreReader } from '../../src/store/index.ts';
import { engines } from './engines.ts';
import { RUN_META, withDbFile } from './fixtures.ts';

const OLD = '{"country":{"package":"geo","version":"1","date":"2026-01-01"}}';
const NEW = '{"country":{"package":"geo","version":"2","date":"2026-06-01"}}';

/** Hosts of the layout before: run, address, space, country, AS, organisation, geo source. */
const HOSTS: ReadonlyArray<readonly [number, string, string | null, string | null, number | null, string | null, string | null]> = [
  [1, '192.0.2.1', 'public', 'NL', 3333, 'RIPE NCC', OLD],
  [1, '192.0.2.2', 'public', 'DE', null, null, OLD],
  [1, '192.0.2.3', 'public', 'FR', 5410, 'Bouygues', NEW],
  [1, '10.1.1.1', 'private', null, null, null, null],
  [1, '192.0.2.4', null, null, null, null, null],
  [2, '192.0.2.1', 'public', 'NL', 3333, 'RIPE NCC', OLD],
];

/** The rows, through `exec` (SQL with "?" parameters) on a store of the layout before, its tables made. */
async function writeRows(exec: (sql: string, ...params: unknown[]) => Promise<void>): Promise<void> {
  const m = RUN_META;
  for (const run of [1, 2]) {
    await exec(
      `INSERT INTO runs (id, started_at, status, targets, ports, options, calling_ae_title, user_agent) VALUES (?, '2026-01-05T02:00:00.000Z', 'completed', ?, ?, ?, ?, ?)`,
      run, JSON.stringify(m.targets), JSON.stringify(m.ports), JSON.stringify(m.options), m.scanner.callingAeTitle, m.scanner.userAgent,
    );
  }
  for (const [i, [run, ip, space, country, asn, org, source]] of HOSTS.entries()) {
    await exec('INSERT INTO hosts (id, run_id, ip, space, country, asn, org, geo_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', i + 1, run, ip, space, country, asn, org, source);
    await exec(
      `INSERT INTO services (id, run_id, host_id, ip, port, protocol, tls, status, started_at, duration_ms, ip_key)
       VALUES (?, ?, ?, ?, 104, 'dicom', 0, 'connection-refused', '2026-01-05T02:00:00.000Z', 3, ?)`,
      i + 1, run, i + 1, ip, ipSortKey(ip),
    );
    await exec(`INSERT INTO observations (service_id, json) VALUES (?, '{}')`, i + 1);
  }
}

/** What readers answer about geo once migrated. */
async function checkReads(store: StoreReader): Promise<void> {
  assert.deepEqual(await store.geoSources(1), [OLD, NEW]);
  assert.deepEqual(await store.geoSources(2), [OLD]);
  assert.deepEqual(await store.hostsWithoutGeo(1), ['192.0.2.4']);
  assert.deepEqual(await store.hostsWithoutGeo(2), []);
  assert.equal((await store.runCounts(1)).hostsWithoutGeo, 1);
  const labels = (await store.services(1)).map((s) => [s.ip, s.space ?? null, s.country ?? null, s.asn ?? null, s.org ?? null]);
  assert.deepEqual(labels, [
    ['10.1.1.1', 'private', null, null, null],
    ['192.0.2.1', 'public', 'NL', 3333, 'RIPE NCC'],
    ['192.0.2.2', 'public', 'DE', null, null],
    ['192.0.2.3', 'public', 'FR', 5410, 'Bouygues'],
    ['192.0.2.4', null, null, null, null],
  ]);
}

test('migration 7 keeps each run\'s geo source texts once, and every host its labels (SQLite)', async () => {
  await withDbFile('exposure-migrate-7-', async (path) => {
    const db = new Database(path);
    try {
      db.function('exposure_ip_key', { deterministic: true }, (ip: unknown) => ipSortKey(String(ip)));
      db.pragma(`application_id = ${APPLICATION_ID}`);
      for (const m of MIGRATIONS.filter((m) => m.version <= 6)) db.exec(m.sql);
      db.pragma('user_version = 6');
      await writeRows(async (sql, ...params) => void db.prepare(sql).run(...params));
    } finally {
      db.close();
    }
    const store = openSqliteStore(path);
    try {
      await checkReads(store);
    } finally {
      await store.close();
    }
    const after = new Database(path, { readonly: true });
    try {
      assert.equal(after.pragma('user_version', { simple: true }), LATEST_VERSION);
      assert.deepEqual(after.prepare(`SELECT name FROM pragma_table_info('hosts')`).pluck().all(), ['id', 'run_id', 'ip', 'hostname', 'country', 'asn', 'org', 'space', 'geo_source_id']);
      assert.deepEqual(after.prepare('SELECT run_id, source FROM geo_sources ORDER BY id').all(), [
        { run_id: 1, source: OLD },
        { run_id: 1, source: NEW },
        { run_id: 2, source: OLD },
      ]);
    } finally {
      after.close();
    }
  });
});

for (const engine of engines('127.0.29.1').filter((e) => e.name === 'postgres')) {
  describe('the PostgreSQL store of schema 1', () => {
    test('migration 2 keeps each run\'s geo source texts once, and every host its labels', async () => {
      const t = await engine.create();
      try {
        // The store connects (and migrates) on its first call: the layout before is written first, by hand.
        await t.rows(PG_MIGRATIONS.find((m) => m.version === 1)?.sql ?? '');
        await t.rows(`INSERT INTO exposure_schema (application, version) VALUES ('exposure', 1)`);
        await writeRows(async (sql, ...params) => void (await t.rows(sql, ...params)));
        const store = t.open();
        try {
          await checkReads(store);
        } finally {
          await store.close();
        }
        assert.equal(await t.count('SELECT version FROM exposure_schema'), PG_LATEST_VERSION);
        assert.equal(await t.count(`SELECT count(*) FROM information_schema.columns WHERE table_name = 'hosts' AND column_name = 'geo_source'`), 0);
        assert.equal(await t.count('SELECT count(*) FROM geo_sources'), 3);
      } finally {
        await t.cleanup();
      }
    });
  });
}
