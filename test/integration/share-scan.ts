/**
 * What the file-share suites (nas-scan, rsync) share: running the CLI as a
 * user does, with its output kept for the privacy grep; reading a scan's
 * services back; and the grep itself over every byte of every output.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CANARY_VALUES } from '../../src/lab/lab.ts';
import { SHARE_TEXT_CANARIES, type NasExpectation } from '../../src/lab/nas-content.ts';
import type { FileWalk } from '../../src/observation/file-share.ts';
import type { ServiceRow } from '../../src/store/store.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'exposure.js');

/** Runs `exposure ARGS` at debug log level; its stdout and stderr are kept in `outDir` as NAME.stdout and NAME.stderr. */
export async function exposureIn(outDir: string, args: string[], name: string): Promise<void> {
  const r = await run(process.execPath, [CLI, ...args], { env: { ...process.env, EXPOSURE_LOG_LEVEL: 'debug' }, timeout: 180_000, maxBuffer: 64 << 20 });
  await writeFile(join(outDir, `${name}.stdout`), r.stdout);
  await writeFile(join(outDir, `${name}.stderr`), r.stderr);
}

/**
 * Every canary a share scan must never let out: each value of every planted
 * patient (CANARY_VALUES, not a sample) and the text of the share's planted
 * text files, names included (the pool, the wallet, the note's and config's
 * markers, the reading report's name; its patient values are canaries above).
 */
export const SHARE_CANARIES: readonly string[] = [...CANARY_VALUES, ...SHARE_TEXT_CANARIES];

/**
 * The privacy grep could fail: the share's text files the walk reads for
 * indicators (under SHARE, the lab's folder) hold every text canary, under
 * those names, and the reading report a planted patient's values.
 */
export async function assertTextCanariesIn(share: string): Promise<void> {
  const paths = [['tools', 'config.json'], ['LEEME-RECUPERAR.txt'], ['exports', 'reading-report-cnry.txt']];
  const read = `${paths.map((p) => p.join('/')).join('\n')}\n${(await Promise.all(paths.map((p) => readFile(join(share, ...p), 'latin1')))).join('\n')}`;
  for (const c of SHARE_TEXT_CANARIES) assert.ok(read.includes(c), `${c} is not in ${share}`);
  assert.ok(CANARY_VALUES.some((v) => read.includes(v)), 'the reading report carries canary patient values');
}

/** The file each report format is written to by scanWithReports; csv writes its findings table beside it. */
export function reportFiles(formats: readonly string[]): string[] {
  return formats.flatMap((f) => (f === 'csv' ? ['report.csv', 'report.findings.csv'] : [`report.${f}`]));
}

/**
 * What a privacy grep of OUTDIR needs there to mean anything: the store, every
 * report file of FORMATS naming each scanned address (an empty or failed
 * report would pass any grep), and the scan's debug log with its "service
 * probed" line for each of them.
 */
export async function assertOutputsToGrep(outDir: string, formats: readonly string[], ips: readonly string[]): Promise<void> {
  const files = await readdir(outDir);
  for (const f of ['scan.db', 'scan.stderr', ...reportFiles(formats)]) assert.ok(files.includes(f), `${f} was not written`);
  for (const f of reportFiles(formats)) {
    const text = await readFile(join(outDir, f), 'utf8');
    for (const ip of ips) assert.ok(text.includes(ip), `${f} does not name ${ip}`);
  }
  // Not a terminal: one JSON object a line (src/log.ts); pino's debug is level 20.
  const events = (await readFile(join(outDir, 'scan.stderr'), 'utf8'))
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level?: number; msg?: string; endpoint?: string });
  for (const ip of ips) assert.ok(events.some((e) => e.level === 20 && e.msg === 'service probed' && e.endpoint?.startsWith(`${ip}:`)), `no debug line for ${ip} in the scan's log`);
}

/** The services of the store's latest run. */
export async function scanServices(db: string): Promise<ServiceRow[]> {
  const store = openSqliteStore(db, { readonly: true });
  try {
    return await store.services((await store.latestRunId())!);
  } finally {
    await store.close();
  }
}

/** No canary value (by default the patients') in any byte of any file under `dir`, its folders too (packs), read as Latin-1 and as UTF-16. */
export async function assertNoCanaryValue(dir: string, values: readonly string[] = CANARY_VALUES): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      await assertNoCanaryValue(path, values);
      continue;
    }
    const bytes = await readFile(path);
    const latin1 = bytes.toString('latin1');
    const utf16 = bytes.toString('utf16le');
    for (const v of values) assert.ok(!latin1.includes(v) && !utf16.includes(v), `canary value found in ${path}`);
  }
}

/**
 * A walk of the lab's canary tree against what the lab planted: every count,
 * no limit reached, every image confirmed by its DICM marker read `over` the
 * protocol, the indicators, the service's exposure and its header inventory.
 */
export function assertWalkAsPlanted(s: ServiceRow, w: FileWalk, want: NasExpectation, over: string): void {
  assert.deepEqual(
    [w.directories, w.files, w.bytes, w.dicomFiles, w.dicomBytes, w.dicomdirs, w.dicomFolders, w.stoppedBy.length],
    [want.directories, want.files, want.bytes, want.dicomFiles, want.dicomBytes, want.dicomdirs, want.dicomFolders, 0],
  );
  assert.equal(w.confirmedByMarker, want.dicomFiles, `names without an extension are confirmed by the DICM marker read over ${over}`);
  assert.deepEqual(Object.fromEntries(w.indicators.map((i) => [i.id, i.count])), want.indicators);
  assert.deepEqual(s.observation.exposure.files, { n: want.dicomFiles, atLeast: false });
  assert.deepEqual(s.observation.exposure.bytes, { n: want.dicomBytes, atLeast: false });
  assert.deepEqual(s.observation.exposure.patients, { n: want.patients, atLeast: false });
  assert.deepEqual(s.observation.exposure.studies, { n: want.studies, atLeast: false });
  const inv = new Map(s.observation.inventory?.attributes.map((a) => [a.keyword, a.present]));
  for (const k of want.headerKeywords) assert.equal(inv.get(k), want.dicomFiles, k);
}

/** `exposure scan SCANARGS` into OUTDIR/scan.db as a user runs it, then each report format into OUTDIR; the scan's services. */
export async function scanWithReports(outDir: string, scanArgs: readonly string[], formats: readonly string[]): Promise<ServiceRow[]> {
  const db = join(outDir, 'scan.db');
  await exposureIn(outDir, ['scan', ...scanArgs, '--db', db, '--io-timeout', '10000', '--contact', 'security@example.org'], 'scan');
  for (const format of formats) {
    await exposureIn(outDir, ['report', '--db', db, '--format', format, '--out', join(outDir, `report.${format}`)], `report-${format}`);
  }
  return scanServices(db);
}

/**
 * The privacy suite of a file-share scan: no canary value in any output of
 * OUTDIR (which must hold the scan's store, JSON report and log, and the
 * limits run's store), and the canary values really are in the first .dcm of
 * STUDYFOLDER, so the grep could have failed. Paths are read when the tests run.
 */
export function describeCanaryPrivacy(paths: () => { outDir: string; studyFolder: string }, where: string, values: readonly string[] = CANARY_VALUES): void {
  describe('privacy', () => {
    it('no canary patient value in any byte of the stores, the reports or the logs', async () => {
      const { outDir } = paths();
      const files = await readdir(outDir);
      assert.ok(files.includes('scan.db') && files.includes('report.json') && files.includes('scan.stderr') && files.includes('limits.db'));
      await assertNoCanaryValue(outDir, values);
    });

    it(`the canary values really are ${where} (the grep above could fail)`, async () => {
      const { studyFolder } = paths();
      const first = (await readdir(studyFolder)).find((n) => n.endsWith('.dcm'))!;
      const text = (await readFile(join(studyFolder, first))).toString('latin1');
      assert.ok(CANARY_VALUES.some((v) => text.includes(v)));
    });
  });
}
