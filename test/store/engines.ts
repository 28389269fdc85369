/**
 * The store engines a contract test runs against: SQLite in a temporary
 * file, and PostgreSQL on a throwaway cluster of the test file's own (one
 * cluster per file, started once in `before` and stopped in `after`; a fresh
 * database per store). A test written against `Engine` runs unchanged on both.
 */
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { freePort } from '../../src/lab/ports.ts';
import { startPostgres, type PostgresCluster } from '../../src/lab/postgres.ts';
import { NUMBER_TYPES } from '../../src/store/postgres/connect.ts';
import { numbered } from '../../src/store/postgres/store.ts';
import { openPostgresStore, openSqliteStore, type StoreKeeper, type StoreReader, type StoreSink } from '../../src/store/index.ts';

export type EngineName = 'sqlite' | 'postgres';
/** Both roles, and the keeper's (a run removed): what either engine's store is. */
export type BothRoles = StoreSink & StoreReader & StoreKeeper;

export interface OpenOptions {
  readonly?: boolean;
  now?: () => Date;
}

export interface TestStore {
  readonly engine: EngineName;
  /** What `--db` takes: the file's path or the database's URL. */
  readonly db: string;
  readonly store: BothRoles;
  /** One number from SQL run on the store's database directly, with "?" parameters. */
  count(sql: string, ...params: unknown[]): Promise<number>;
  /** Rows from SQL run on the store's database directly, with "?" parameters. */
  rows<T>(sql: string, ...params: unknown[]): Promise<T[]>;
  /** The same store opened again, as another process would. */
  open(options?: OpenOptions): BothRoles;
  /** Closes the store and removes its file or database. */
  cleanup(): Promise<void>;
}

export interface Engine {
  readonly name: EngineName;
  /** A new, empty store. */
  create(options?: OpenOptions): Promise<TestStore>;
}

/** A store of an engine with what the tests read it by, around how it runs raw SQL and is removed. */
function testStore(
  engine: EngineName,
  db: string,
  open: (o?: OpenOptions) => BothRoles,
  rows: <T>(sql: string, ...params: unknown[]) => Promise<T[]>,
  remove: () => Promise<void>,
  options: OpenOptions,
): TestStore {
  const store = open(options);
  return {
    engine,
    db,
    store,
    rows,
    count: async (sql, ...params) => Number(Object.values((await rows<Record<string, unknown>>(sql, ...params))[0] ?? {})[0]),
    open,
    async cleanup() {
      await store.close();
      await remove();
    },
  };
}

export const SQLITE: Engine = {
  name: 'sqlite',
  async create(options = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'exposure-engine-'));
    const path = join(dir, 'store.db');
    const rows = async <T>(sql: string, ...params: unknown[]): Promise<T[]> => {
      const db = new Database(path, { readonly: true });
      try {
        return db.prepare(sql).all(...params) as T[];
      } finally {
        db.close();
      }
    };
    return testStore('sqlite', path, (o = {}) => openSqliteStore(path, o), rows, async () => rmSync(dir, { recursive: true, force: true }), options);
  },
};

/** Runs one statement on `url` with a connection of its own. */
async function onDatabase<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, types: NUMBER_TYPES });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** A PostgreSQL engine on a cluster that `cluster()` returns once `before` has run. */
function postgresEngine(cluster: () => PostgresCluster): Engine {
  let databases = 0;
  return {
    name: 'postgres',
    async create(options = {}) {
      const c = cluster();
      const name = `store_${++databases}`;
      const admin = c.url.replace(/\/[^/]*$/, '/postgres');
      // An identifier cannot be a bind parameter: the name is ours, letters, digits and _.
      await onDatabase(admin, `CREATE DATABASE ${name}`);
      const url = c.url.replace(/\/[^/]*$/, `/${name}`);
      const rows = async <T>(sql: string, ...params: unknown[]): Promise<T[]> => onDatabase<T & pg.QueryResultRow>(url, numbered(sql), params);
      const remove = async (): Promise<void> => void (await onDatabase(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      return testStore('postgres', url, (o = {}) => openPostgresStore(url, o), rows, remove, options);
    },
  };
}

/**
 * Both engines for one test file, its PostgreSQL cluster on `ip` (an address
 * of 127.0.28.0/24 no other file uses). Call at the top level of the file:
 * it registers the hooks that start and stop the cluster.
 */
export function engines(ip: string): readonly Engine[] {
  let cluster: PostgresCluster | undefined;
  before(async () => {
    cluster = await startPostgres({ ip, port: await freePort(ip) });
  });
  after(async () => {
    await cluster?.stop();
  });
  const running = (): PostgresCluster => {
    if (!cluster) throw new Error('the PostgreSQL cluster is not running: engines() must be called at the top level of the test file');
    return cluster;
  };
  return [SQLITE, postgresEngine(running)];
}
