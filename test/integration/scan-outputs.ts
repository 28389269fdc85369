/**
 * What an integration test keeps of a scan: each `exposure` run's output beside the store and
 * the reports (so the privacy grep reads the logs too), the stored services, and the grep itself.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceRow } from '../../src/store/store.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { exposure } from '../cli/exposure-cli.ts';

/** Runs `exposure args` with debug logs, keeps its stdout and stderr in `outDir` as NAME.stdout/.stderr, and fails on a non-zero exit. */
export async function loggedRun(outDir: string, args: string[], name: string, timeoutMs = 120_000): Promise<void> {
  const r = await exposure(args, timeoutMs, { EXPOSURE_LOG_LEVEL: 'debug' });
  await writeFile(join(outDir, `${name}.stdout`), r.stdout);
  await writeFile(join(outDir, `${name}.stderr`), r.stderr);
  assert.equal(r.code, 0, `exposure ${args[0]} (${name}) exited with ${r.code}; see ${name}.stderr`);
}

/**
 * `exposure scan SCANARGS` into DB as a user runs it, then each report format into
 * OUTDIR/report.FORMAT and the packs by organisation into OUTDIR/packs, every run logged
 * beside them; the scan's services.
 */
export async function scanWithReportsAndPacks(outDir: string, db: string, scanArgs: readonly string[], formats: readonly string[]): Promise<ServiceRow[]> {
  await loggedRun(outDir, ['scan', ...scanArgs, '--db', db], 'scan');
  for (const format of formats) await loggedRun(outDir, ['report', '--db', db, '--format', format, '--out', join(outDir, `report.${format}`)], `report-${format}`);
  await loggedRun(outDir, ['report', '--db', db, '--by', 'org', '--out', join(outDir, 'packs')], 'report-packs');
  return latestServices(db);
}

/** The services of the latest run in a SQLite store. */
export async function latestServices(db: string): Promise<ServiceRow[]> {
  const store = openSqliteStore(db, { readonly: true });
  try {
    return await store.services((await store.latestRunId())!);
  } finally {
    await store.close();
  }
}

/** Every file under a folder, recursively. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** No value in any byte of any file, read as Latin-1 and as UTF-16 (how a store or a log could hold it). */
export async function assertNoValueIn(files: readonly string[], values: readonly string[]): Promise<void> {
  for (const f of files) {
    const bytes = await readFile(f);
    const latin1 = bytes.toString('latin1');
    const utf16 = bytes.toString('utf16le');
    for (const v of values) assert.ok(!latin1.includes(v) && !utf16.includes(v), `canary value found in ${f}`);
  }
}
