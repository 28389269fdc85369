/**
 * The PostgreSQL store: the same roles as the SQLite file over one pg.Pool,
 * reading with the SQL both engines share (sql-store.ts) and writing a batch
 * a table at a time in one transaction (writes.ts).
 *
 * Opening is synchronous, like SQLite's, so every command opens either store
 * the same way; the connection is made (and a sink's schema migrated, a
 * reader's checked) on the first call, whose error then says in one line
 * what is wrong: unreachable server, missing database, refused login, a
 * database that is not ours. A password is never shown.
 */
import type pg from 'pg';
import { StoreError } from '../errors.ts';
import type { HostBatch } from '../store.ts';
import { SqlStore, type SqlEngine } from '../sql-store.ts';
import { knownIds, type KnownIdsInTransaction } from '../write-rows.ts';
import { connectionError, displayUrl, openPool } from './connect.ts';
import type { Queryable } from './queue.ts';
import { checkForReading, migrateForWriting } from './schema.ts';
import { writeBatch, writeHoneypots, writeHostGeo } from './writes.ts';

export interface PostgresStoreOptions {
  /** Only read: the schema is checked, never created or migrated, and every transaction is read-only. */
  readonly?: boolean;
  /** Clock for timestamps; tests pass a fixed one. */
  now?: () => Date;
  /** Shown in pg_stat_activity (default "exposure"). */
  applicationName?: string;
}

/** A transaction of the caller's, open on one connection: its own SQL and the store's batch writes commit or roll back together. */
export interface StoreTransaction {
  /** The transaction's connection: run the caller's SQL here (the queue's block lock and done mark). */
  readonly client: pg.PoolClient;
  /** The same connection's query, for callers that take any Queryable (postgres/queue.ts). */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Writes a batch of hosts, as StoreSink.recordHosts does, inside this transaction. */
  recordHosts(runId: number, batch: HostBatch): Promise<void>;
}

/** "?" parameters numbered for PostgreSQL ($1, $2, …): the shared SQL has no "?" anywhere else. */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** The pool, connected and its schema checked (or migrated) once, on first use. */
class Connection {
  readonly pool: pg.Pool;
  readonly where: string;
  private checked: Promise<void> | undefined;
  private ended = false;

  constructor(
    readonly url: string,
    private readonly readonly: boolean,
    applicationName: string,
  ) {
    this.pool = openPool(url, { applicationName, readOnly: readonly });
    this.where = displayUrl(url);
  }

  ready(): Promise<void> {
    this.checked ??= this.check();
    return this.checked;
  }

  /** A connection of the pool; a failure to connect is one line a user can act on. */
  async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw connectionError(err, this.url);
    }
  }

  private async check(): Promise<void> {
    const client = await this.connect();
    try {
      if (this.readonly) await checkForReading(client, this.where);
      else await migrateForWriting(client, this.where);
    } catch (err) {
      throw err instanceof StoreError ? err : connectionError(err, this.url);
    } finally {
      client.release();
    }
  }

  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.pool.end();
  }
}

function postgresEngine(c: Connection): SqlEngine {
  const texts = new Map<string, string>();
  const query = async <T extends pg.QueryResultRow>(sql: string, params: readonly unknown[]): Promise<pg.QueryResult<T>> => {
    await c.ready();
    let text = texts.get(sql);
    if (text === undefined) {
      text = numbered(sql);
      texts.set(sql, text);
    }
    return c.pool.query<T>(text, params as unknown[]);
  };
  return {
    dialect: {
      inList: (column, of) => `${column} = ANY(?::${of === 'id' ? 'bigint' : 'text'}[])`,
      inventoryOrder: 'ord',
      // jsonb refuses the escape of U+0000 that a peer's text may leave in the observation's JSON (writes.ts).
      jsonText: (column, path) => `(replace(${column}, '\\u0000', '\\ufffd')::jsonb #>> '{${path.join(',')}}')`,
      jsonTrue: (column, path) => `(replace(${column}, '\\u0000', '\\ufffd')::jsonb #>> '{${path.join(',')}}') = 'true'`,
    },
    all: async <T>(sql: string, params: readonly unknown[]) => (await query<T & pg.QueryResultRow>(sql, params)).rows,
    get: async <T>(sql: string, params: readonly unknown[]) => (await query<T & pg.QueryResultRow>(sql, params)).rows[0],
    run: async (sql, params) => (await query(sql, params)).rowCount ?? 0,
    list: (values) => values,
    close: () => c.end(),
  };
}

/** Both roles on PostgreSQL, and transactions a caller (the worker) shares with the store's writes. */
export class PostgresStore extends SqlStore {
  private constructor(
    private readonly connection: Connection,
    now: () => Date,
    private readonly ids = knownIds(),
  ) {
    super(
      postgresEngine(connection),
      {
        recordHosts: (runId, batch) => this.inTransaction((tx) => tx.recordHosts(runId, batch)),
        setHostGeo: (runId, hosts) => this.inTransaction((tx) => writeHostGeo(tx.client, runId, hosts)),
        setHoneypots: (runId, rows) => this.inTransaction((tx) => writeHoneypots(tx.client, runId, rows)),
      },
      now,
    );
  }

  /**
   * Single statements outside any transaction of the caller's (the queue's
   * claims, lease renewals, status): on the pool, once the schema is checked.
   */
  readonly queue: Queryable = {
    query: async <R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> => {
      await this.connection.ready();
      try {
        return await this.connection.pool.query<R>(text, values);
      } catch (err) {
        throw err instanceof Error && 'code' in err && typeof err.code === 'string' && /^[A-Z0-9]{5}$/.test(err.code) ? err : connectionError(err, this.connection.url);
      }
    },
  };

  static open(url: string, options: PostgresStoreOptions = {}): PostgresStore {
    const connection = new Connection(url, options.readonly ?? false, options.applicationName ?? 'exposure');
    return new PostgresStore(connection, options.now ?? (() => new Date()));
  }

  /**
   * Runs `fn` in one transaction on one connection: committed when it
   * resolves, rolled back when it throws (the error is passed on). Rule texts
   * and geo sources first stored by a rolled-back transaction are forgotten with it.
   */
  async inTransaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    await this.connection.ready();
    const client = await this.connection.connect();
    const ids: KnownIdsInTransaction = this.ids.begin();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn({
        client,
        query: <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => client.query<R>(text, values),
        recordHosts: (runId, batch) => writeBatch(client, ids, runId, batch, this.now().toISOString()),
      });
      await client.query('COMMIT');
      ids.committed();
      return result;
    } catch (err) {
      // A connection that cannot even roll back is not given back to the pool.
      await client.query('ROLLBACK').catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }
}

/** Opens the PostgreSQL store at `url`; the connection is made on the first call. */
export function openPostgresStore(url: string, options: PostgresStoreOptions = {}): PostgresStore {
  return PostgresStore.open(url, options);
}
