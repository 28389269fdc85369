/**
 * The default store: one SQLite file through better-sqlite3 (WAL, prepared
 * statements, foreign keys on). Reads and run bookkeeping are the SQL both
 * engines share (sql-store.ts), each statement prepared once on first use; a
 * batch of hosts is written in one transaction together with its checkpoint
 * (sqlite-writes.ts), so a killed scan resumes exactly where it stopped and
 * never leaves half a host behind.
 */
import type Database from 'better-sqlite3';
import { openDatabase, type OpenOptions } from './open.ts';
import type { HoneypotPass, HoneypotRow, ScanStore, StoreKeeper, StoreReader, StoreSink } from './store.ts';
import type { StoredHostGeo } from './aggregates.ts';
import { SqlStore, type SqlEngine, type SqlWrites } from './sql-store.ts';
import { geoSourceIdOf, prepareWrites } from './sqlite-writes.ts';
import { WriteThread } from './write-thread.ts';

export interface SqliteStoreOptions extends OpenOptions {
  /** Clock for timestamps; tests pass a fixed one (not seen by a writing thread, which stamps batches with its own). */
  now?: () => Date;
  /**
   * Write batches of hosts from a thread of their own (write-thread.ts), off the thread that
   * probes: what a scan opens. Without it, every write runs on the caller's thread.
   */
  writeThread?: boolean;
}

/** Statements by their SQL, each prepared the first time it runs. */
function sqliteEngine(db: Database.Database, thread: WriteThread | undefined): SqlEngine {
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  return {
    dialect: {
      inList: (column) => `${column} IN (SELECT value FROM json_each(?))`,
      inventoryOrder: 'rowid',
      // JSON true reads back as 1.
      jsonText: (column, path) => `json_extract(${column}, '$.${path.join('.')}')`,
      jsonTrue: (column, path) => `json_extract(${column}, '$.${path.join('.')}') = 1`,
    },
    all: async <T>(sql: string, params: readonly unknown[]) => prepared(sql).all(...params) as T[],
    get: async <T>(sql: string, params: readonly unknown[]) => prepared(sql).get(...params) as T | undefined,
    run: async (sql, params) => prepared(sql).run(...params).changes,
    list: (values) => JSON.stringify(values),
    async close() {
      // The thread's batches first: the main connection closes last.
      await thread?.close();
      if (db.open) db.close();
    },
  };
}

function sqliteWrites(db: Database.Database, now: () => Date, thread: WriteThread | undefined): SqlWrites {
  // Batches of hosts are written here, or from the writing thread when there is one.
  const batches = thread ?? prepareWrites(db, now);
  const setGeo = db.prepare('UPDATE hosts SET space = ?, country = ?, asn = ?, org = ?, geo_source_id = ? WHERE run_id = ? AND ip = ?');
  const geoSourceId = geoSourceIdOf(db);
  const setGeoMany = db.transaction((runId: number, hosts: ReadonlyArray<{ ip: string; geo: StoredHostGeo }>) => {
    for (const { ip, geo } of hosts) setGeo.run(geo.space, geo.country ?? null, geo.asn ?? null, geo.org ?? null, geoSourceId(runId, geo.source), runId, ip);
  });
  const setHoneypot = db.prepare('UPDATE services SET honeypot = ?, honeypot_score = ?, honeypot_signals = ? WHERE id = ? AND run_id = ?');
  const setHoneypotMany = db.transaction((runId: number, rows: readonly HoneypotRow[]) => {
    for (const r of rows) setHoneypot.run(r.level, r.score, JSON.stringify(r.signals), r.id, runId);
  });
  return {
    recordHosts: async (runId, batch) => {
      await batches.recordHosts(runId, batch);
    },
    setHostGeo: async (runId, hosts) => setGeoMany(runId, hosts),
    setHoneypots: async (runId, rows) => setHoneypotMany(runId, rows),
  };
}

/** The SQLite store in both roles, and the keeper's: for tools and tests that write a file and read it back. */
export type SqliteStore = StoreSink & StoreReader & StoreKeeper & HoneypotPass;

/** Opens (creating and migrating if needed, unless read-only) the Exposure database at `path`. */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  const db = openDatabase(path, options);
  // A second connection needs a file: an in-memory database is written where it lives.
  const thread = options.writeThread && !options.readonly && path !== ':memory:' && path !== '' ? new WriteThread(path) : undefined;
  const now = options.now ?? (() => new Date());
  return new SqlStore(sqliteEngine(db, thread), sqliteWrites(db, now, thread), now);
}

/** What a scan opens on a file: creates or migrates it, and hands out the sink and the run lookup of a resume. */
export function openSqliteSink(path: string, options: Omit<SqliteStoreOptions, 'readonly'> = {}): ScanStore {
  return openSqliteStore(path, { ...options, readonly: false });
}

/** What reports and diffs open on a file: read-only, so a mistyped path is an error and the file is never changed. */
export function openSqliteReader(path: string, options: Omit<SqliteStoreOptions, 'readonly'> = {}): StoreReader {
  return openSqliteStore(path, { ...options, readonly: true });
}
