/**
 * Which store a `--db` value names: a postgres:// URL opens the PostgreSQL
 * store, anything else is an SQLite file. Both open at once and hand out the
 * same roles; PostgreSQL connects (and a sink migrates) on its first call,
 * whose error says what went wrong in one line, without the password.
 */
import { displayUrl, isPostgresUrl } from './postgres/connect.ts';
import { openPostgresStore } from './postgres/store.ts';
import { openSqliteReader, openSqliteSink, openSqliteStore } from './sqlite.ts';
import type { HoneypotPass, ScanStore, StoreKeeper, StoreReader } from './store.ts';

export interface StoreOptions {
  /** Clock for timestamps; tests pass a fixed one. */
  now?: () => Date;
  /** SQLite only: write batches from a thread of their own (a scan's). PostgreSQL writes over its own connection anyway. */
  writeThread?: boolean;
}

/** What a scan, a merge or the geo fill opens: creates or migrates the store, and hands out the sink and the run lookup of a resume. */
export function openStoreSink(db: string, options: StoreOptions = {}): ScanStore {
  if (isPostgresUrl(db)) return openPostgresStore(db, { now: options.now, readonly: false });
  return openSqliteSink(db, options);
}

/** A store that scans, reads and removes runs: what a watch (scans, diffs, a retention) and a verification open. */
export type KeptStore = ScanStore & StoreReader & StoreKeeper;

/** Both roles and the keeper's on one store, created or migrated as a sink is. */
export function openStoreKeeper(db: string, options: StoreOptions = {}): KeptStore & HoneypotPass {
  if (isPostgresUrl(db)) return openPostgresStore(db, { now: options.now, readonly: false });
  return openSqliteStore(db, { ...options, readonly: false });
}

/** What assesses a finished run's services for honeypots: it writes their honeypot columns, so it migrates as a sink does. */
export function openHoneypotPass(db: string, options: Omit<StoreOptions, 'writeThread'> = {}): HoneypotPass & { close(): Promise<void> } {
  return openStoreKeeper(db, options);
}

/** What reports and diffs open: read-only, so a mistyped name is an error and the store is never changed. */
export function openStoreReader(db: string, options: Omit<StoreOptions, 'writeThread'> = {}): StoreReader {
  if (isPostgresUrl(db)) return openPostgresStore(db, { now: options.now, readonly: true });
  return openSqliteReader(db, options);
}

/** The store as messages may name it: a file's path, or a URL without its password. */
export function storeLabel(db: string): string {
  return isPostgresUrl(db) ? displayUrl(db) : db;
}
