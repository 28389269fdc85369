/** One number read from a scan's store while the scan may still be writing it: 0 before the file or its tables exist. */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

export function count(db: string, sql: string): number {
  if (!existsSync(db)) return 0;
  const d = new Database(db, { readonly: true });
  try {
    return Number(d.prepare(sql).pluck().get() ?? 0);
  } catch {
    return 0; // tables not created yet
  } finally {
    d.close();
  }
}
