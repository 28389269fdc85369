/**
 * Opening a SQLite file as an Exposure store: recognising it, refusing what
 * is not ours or is too new, and bringing an older schema up to date.
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from './errors.ts';
import { ipSortKey } from '../observation/address-order.ts';
import { APPLICATION_ID, LATEST_VERSION, MIGRATIONS } from './migrations.ts';

export interface OpenOptions {
  /** Open for reading only (reports, dashboard): never creates, migrates or writes the file. */
  readonly?: boolean;
}

function sqliteCode(err: unknown): string | undefined {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

function readHeader(db: Database.Database, path: string): { appId: number; version: number; objects: number } {
  try {
    return {
      appId: Number(db.pragma('application_id', { simple: true })),
      version: Number(db.pragma('user_version', { simple: true })),
      objects: Number(db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get()),
    };
  } catch (err) {
    const code = sqliteCode(err);
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new StoreError('NOT_EXPOSURE_DB', `${path} is not an Exposure database: it is not an SQLite file`);
    }
    throw err;
  }
}

/** Refuses files that are not ours or are from a newer Exposure; says whether the file is new. */
function checkHeader(header: { appId: number; version: number; objects: number }, path: string): boolean {
  const fresh = header.appId === 0 && header.version === 0 && header.objects === 0;
  if (fresh) return true;
  if (header.appId !== APPLICATION_ID) {
    throw new StoreError(
      'NOT_EXPOSURE_DB',
      `${path} is not an Exposure database: it is an SQLite file with ${header.objects} schema objects of another application`,
    );
  }
  if (header.version > LATEST_VERSION) {
    throw new StoreError(
      'NEWER_SCHEMA',
      `${path} was written by a newer Exposure (schema version ${header.version}; this version reads up to ${LATEST_VERSION}): upgrade Exposure to read it`,
    );
  }
  return false;
}

function migrate(db: Database.Database, path: string): void {
  // IMMEDIATE takes the write lock first, so two scans opening the same new
  // file cannot both apply migration 1; the header is read again under the lock.
  db.transaction(() => {
    const header = readHeader(db, path);
    checkHeader(header, path);
    if (header.appId === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
    for (const m of MIGRATIONS) {
      if (m.version <= header.version) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
}

/**
 * better-sqlite3 checks the folder itself and throws a bare TypeError ("Cannot
 * open database because the directory does not exist") that carries no code:
 * the folder is checked here first, so a typo in --db is one line a user can act on.
 */
function checkFolder(path: string): void {
  if (path === ':memory:' || path === '') return;
  const folder = dirname(path);
  let why: string | undefined;
  try {
    if (!statSync(folder).isDirectory()) why = `${folder} is not a folder`;
  } catch {
    why = `the folder ${folder} does not exist`;
  }
  if (why !== undefined) throw new StoreError('NO_SUCH_FOLDER', `cannot open ${path}: ${why} (create it first, or give --db a path in an existing folder)`);
}

/** Opens (creating if needed and not read-only) an Exposure database at `path`. */
export function openDatabase(path: string, options: OpenOptions = {}): Database.Database {
  const readonly = options.readonly ?? false;
  checkFolder(path);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly, fileMustExist: readonly });
  } catch (err) {
    const code = sqliteCode(err);
    if (code === 'SQLITE_CANTOPEN') {
      const why = readonly ? 'it does not exist or cannot be read' : 'its folder does not exist or is not writable';
      throw new StoreError('NOT_EXPOSURE_DB', `cannot open ${path}: ${why}`);
    }
    throw err;
  }
  try {
    // A scan writing and a report reading the same file wait for each other
    // briefly instead of failing with SQLITE_BUSY.
    db.pragma('busy_timeout = 5000');
    // The report-order key of an address, for migrations that fill the column from stored rows.
    db.function('exposure_ip_key', { deterministic: true }, (ip: unknown) => ipSortKey(String(ip)));
    const header = readHeader(db, path);
    const fresh = checkHeader(header, path);
    if (readonly) {
      if (fresh) throw new StoreError('NOT_EXPOSURE_DB', `${path} is not an Exposure database: it is empty`);
      if (header.version < LATEST_VERSION) {
        throw new StoreError(
          'OLDER_SCHEMA_READONLY',
          `${path} has schema version ${header.version}, older than this Exposure's ${LATEST_VERSION}: open it once for writing (e.g. with exposure scan) to upgrade it`,
        );
      }
    } else {
      // Only now that the file is known to be ours (or new) do we change its journal mode.
      db.pragma('journal_mode = WAL');
      // In WAL mode NORMAL survives a killed process; only an OS crash can lose the last commits.
      db.pragma('synchronous = NORMAL');
      if (header.version < LATEST_VERSION) migrate(db, path);
    }
    db.pragma('foreign_keys = ON');
    // A reader's queries scan a run once each (aggregates, keyset pages, a ranking with a limit):
    // a 2 MB page cache, not the 16 MB default, reads a million services as fast and keeps the
    // cache and the sorters it sizes ~35 MB smaller, what the HTML report needs to stay under 200 MB.
    if (readonly) db.pragma('cache_size = -2000');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
