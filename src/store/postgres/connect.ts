/**
 * Reaching a PostgreSQL store: which `--db` values name one, a pool whose
 * numbers come back as numbers, and errors that never print a password.
 */
import pg from 'pg';
import { StoreError } from '../errors.ts';

const SCHEME = /^postgres(?:ql)?:\/\//i;

/** True when `--db` (or EXPOSURE_DB) names a PostgreSQL database rather than an SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return SCHEME.test(db);
}

/** The URL as it may be shown: user, host, port and database, never the password. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    // Query parameters may carry a password too (?password=…): shown by name only.
    for (const key of [...u.searchParams.keys()]) if (/pass|secret|key/i.test(key)) u.searchParams.set(key, '***');
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

// node-postgres returns bigint (count, sum over integer) and numeric (sum over bigint) as strings,
// to lose no precision; every figure the store keeps fits a double exactly (checked on parse).
const INT8 = 20;
const NUMERIC = 1700;
function toNumber(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || (Number.isInteger(n) && !Number.isSafeInteger(n))) throw new StoreError('CORRUPT_ROW', 'a number from PostgreSQL is out of range');
  return n;
}
/** Type parsers that return bigint and numeric as numbers (for any client of the store's databases). */
export const NUMBER_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return toNumber;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface PoolOptions {
  /** Shown in pg_stat_activity: which Exposure command holds the connection. */
  readonly applicationName: string;
  /** Connections at most (a scan writes from one, reports read from one). */
  readonly max?: number;
  /** A connection that cannot be made in this time fails the command instead of waiting. */
  readonly connectTimeoutMs?: number;
  /** A query that gets no answer in this time fails (default ten minutes). */
  readonly queryTimeoutMs?: number;
  /** Every transaction read-only (a reader's connections): the server refuses any write. */
  readonly readOnly?: boolean;
}

/** A pool for the URL; connections are made on first use. */
export function openPool(url: string, options: PoolOptions): pg.Pool {
  if (!isPostgresUrl(url)) throw new StoreError('NOT_EXPOSURE_DB', `${displayUrl(url)} is not a postgres:// URL`);
  try {
    new URL(url);
  } catch {
    throw new StoreError('NOT_EXPOSURE_DB', 'the PostgreSQL URL cannot be parsed: give postgres://USER@HOST:PORT/DATABASE');
  }
  const pool = new pg.Pool({
    connectionString: url,
    application_name: options.applicationName,
    max: options.max ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    // No wait on the server is left open-ended: a query gives up after queryTimeoutMs (aggregates
    // over millions of services take tens of seconds, hence the generous default), and TCP
    // keepalive notices a server or a path that died without closing the connection.
    query_timeout: options.queryTimeoutMs ?? 600_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    types: NUMBER_TYPES,
    ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle connection the server drops emits 'error' on the pool: the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * A PostgreSQL error in words a user can act on, without the password and
 * without the server's DETAIL line (it can quote a row's values).
 */
export function connectionError(err: unknown, url: string): StoreError {
  const where = displayUrl(url);
  const code = err instanceof Error && 'code' in err ? String((err as { code: unknown }).code) : undefined;
  const message = err instanceof Error ? err.message.replace(/postgres(?:ql)?:\/\/[^\s]*/gi, where) : String(err);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH') {
    return new StoreError('CANNOT_CONNECT', `cannot reach PostgreSQL at ${where} (${code}): is the server running and the address right?`);
  }
  if (code === '3D000') return new StoreError('CANNOT_CONNECT', `${where}: the database does not exist (create it first: createdb)`);
  if (code === '28P01' || code === '28000') return new StoreError('CANNOT_CONNECT', `${where}: the server refused the login (${code}): check the user and its password`);
  return new StoreError('CANNOT_CONNECT', `${where}: ${message}`);
}
