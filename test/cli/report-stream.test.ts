/**
 * `exposure report` in the streamed formats (JSON, NDJSON, CSV, SARIF) over a
 * store of three thousand services written through the store's API: valid
 * output with every service, the renderers' bytes without ever asking the
 * store for the whole list, files that appear only complete, a reader that
 * leaves early, and outputs that cannot be written. Spawns the built CLI:
 * run `npm run build` first.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { honeypotPass } from '../../src/cli/honeypots.ts';
import { streamReport } from '../../src/cli/report.ts';
import { renderCsv } from '../../src/report/csv.ts';
import { renderFindingsCsv } from '../../src/report/findings-csv.ts';
import { renderJson } from '../../src/report/json.ts';
import type { ReportModel } from '../../src/report/model.ts';
import { renderNdjson } from '../../src/report/ndjson.ts';
import { renderSarif } from '../../src/report/sarif.ts';
import { summarise } from '../../src/report/summary.ts';
import { openStoreReader, type ServiceRow, type StoreReader } from '../../src/store/index.ts';
import { writeManyServices } from '../fixtures/many-services-store.ts';
import { CLI, exposure } from './exposure-cli.ts';

type AddFormats = (ajv: Ajv) => Ajv;
const formatsModule = addFormatsModule as unknown as AddFormats & { default?: AddFormats };
const addFormats: AddFormats = formatsModule.default ?? formatsModule;

const SERVICES = 3000;

let dir: string;
let db: string;
let runId: number;
let store: StoreReader;
let model: ReportModel;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exposure-report-stream-'));
  db = join(dir, 'many.db');
  runId = await writeManyServices(db, SERVICES / 3);
  // Assessed as a scan's end assesses it: a run never assessed would be assessed by the first report.
  await honeypotPass(db, runId);
  store = openStoreReader(db);
  model = await summarise(store, runId);
});

after(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh empty folder under the test's own. */
function folder(name: string): string {
  const path = join(dir, name);
  mkdirSync(path);
  return path;
}

/**
 * The store as a streamed report sees it: asking for the whole list fails,
 * and the pages handed out are counted; `failAfter` pages, reading fails as a
 * broken disk would.
 */
function pagedOnly(inner: StoreReader, failAfter = Infinity): StoreReader & { readonly pagesRead: number } {
  let pagesRead = 0;
  async function* pages(id: number, size?: number): AsyncIterable<ServiceRow[]> {
    for await (const page of inner.servicePages(id, size)) {
      if (pagesRead >= failAfter) throw new Error('the disk went away');
      pagesRead += 1;
      yield page;
    }
  }
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'pagesRead') return pagesRead;
      if (prop === 'services') return () => Promise.reject(new Error('services() loads the whole run'));
      if (prop === 'servicePages') return pages;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as StoreReader & { readonly pagesRead: number };
}

describe('exposure report, streamed formats', () => {
  it('JSON: valid, every service, the totals of the store', async () => {
    const r = await run(['report', '--db', db, '-f', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const parsed = JSON.parse(r.stdout) as { schema: string; totals: { services: number }; services: Array<{ ip: string }> };
    assert.equal(parsed.schema, 'exposure-report/1');
    assert.equal(parsed.services.length, SERVICES);
    assert.equal(parsed.totals.services, SERVICES);
    assert.equal(r.stdout, renderJson(model));
  });

  it('NDJSON: one parseable line per service', async () => {
    const r = await run(['report', '--db', db, '-f', 'ndjson']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines.pop(), '', 'ends with a line end');
    assert.equal(lines.length, SERVICES);
    for (const line of lines) assert.equal((JSON.parse(line) as { schema: string }).schema, 'exposure-service/1');
  });

  it('CSV into a folder: a row per service and a row per finding, nothing else left there', async () => {
    const out = join(dir, 'csv-folder');
    const r = await exposure(['report', '--db', db, '-f', 'csv', '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['findings.csv', 'services.csv']);
    const services = readFileSync(join(out, 'services.csv'), 'utf8');
    const findings = readFileSync(join(out, 'findings.csv'), 'utf8');
    // No field of this store holds a line break, so rows are lines.
    assert.equal(services.split('\r\n').length - 2, SERVICES);
    const findingCount = Object.values(model.totals.findings).reduce((a, b) => a + b, 0);
    assert.ok(findingCount >= SERVICES / 3, `${findingCount} findings`);
    assert.equal(findings.split('\r\n').length - 2, findingCount);
    assert.equal(services, renderCsv(model));
    assert.equal(findings, renderFindingsCsv(model));
  });

  it('SARIF to a file: valid against the SARIF 2.1.0 schema, a result per finding', async () => {
    const out = join(dir, 'report.sarif');
    const r = await exposure(['report', '--db', db, '-f', 'sarif', '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'sarif-2.1.0-subset.schema.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate: ValidateFunction = ajv.compile(schema);
    const log = JSON.parse(readFileSync(out, 'utf8')) as { runs: Array<{ results: unknown[]; tool: { driver: { rules: unknown[] } } }> };
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    assert.equal(log.runs[0]?.results.length, Object.values(model.totals.findings).reduce((a, b) => a + b, 0));
    assert.ok((log.runs[0]?.tool.driver.rules.length ?? 0) >= 3);
  });

  it("gives the renderers' bytes from pages alone, never asking for the whole list", async () => {
    const reader = pagedOnly(store);
    await assert.rejects(reader.services(runId), /whole run/, 'the wrapper does refuse');
    const out = folder('paged-only');
    const expected: Array<[string, string]> = [
      ['report.json', renderJson(model)],
      ['report.ndjson', renderNdjson(model)],
      ['report.sarif', renderSarif(model)],
      ['report.csv', renderCsv(model)],
      ['report.findings.csv', renderFindingsCsv(model)],
    ];
    for (const format of ['json', 'ndjson', 'sarif', 'csv'] as const) await streamReport(reader, runId, format, join(out, `report.${format}`));
    for (const [name, text] of expected) assert.equal(readFileSync(join(out, name), 'utf8'), text, name);
    assert.deepEqual(readdirSync(out).sort(), expected.map(([name]) => name).sort());
    // Fifteen pages of two hundred per pass, one pass per format: SARIF's rules come from the
    // store's list of fired rules, and the two CSV tables are written side by side.
    assert.equal(reader.pagesRead, 4 * 15);
  });

  it('leaves no file, whole or partial, when reading fails half-way, and says why', async () => {
    for (const format of ['json', 'ndjson', 'sarif', 'csv'] as const) {
      const out = folder(`half-way-${format}`);
      const reader = pagedOnly(store, 1);
      await assert.rejects(streamReport(reader, runId, format, join(out, `report.${format}`)), /the disk went away/);
      assert.equal(reader.pagesRead, 1, `${format} had begun`);
      assert.deepEqual(readdirSync(out), [], `${format} left files`);
    }
  });

  it('keeps an earlier complete report when a new one fails half-way', async () => {
    const out = join(folder('earlier'), 'report.json');
    writeFileSync(out, 'the earlier report\n');
    await assert.rejects(streamReport(pagedOnly(store, 2), runId, 'json', out), /the disk went away/);
    assert.equal(readFileSync(out, 'utf8'), 'the earlier report\n');
    assert.deepEqual(readdirSync(join(dir, 'earlier')), ['report.json']);
  });

  it('says in one line that an output folder cannot be written, before reading any service', async () => {
    const reader = pagedOnly(store);
    const missing = join(dir, 'no-such-folder', 'report.json');
    await assert.rejects(streamReport(reader, runId, 'json', missing), { name: 'UsageError', message: `cannot write ${missing} (ENOENT)` });
    assert.equal(reader.pagesRead, 0);
    for (const [format, out, message] of [
      ['json', missing, `cannot write ${missing} (ENOENT)`],
      ['ndjson', dir, `cannot write ${dir} (EISDIR)`],
      ['csv', join(db, 'csv'), `cannot create the folder ${join(db, 'csv')} (ENOTDIR: a file is in the way)`],
      ['sarif', join(db, 'report.sarif'), `cannot write ${join(db, 'report.sarif')} (ENOTDIR)`],
    ] as const) {
      const r = await exposure(['report', '--db', db, '-f', format, '-o', out]);
      assert.equal(r.code, 2, `${format}: ${r.stderr}`);
      assert.equal(r.stderr, `exposure: ${message}\n`);
    }
    assert.equal(existsSync(join(dir, 'no-such-folder')), false);
  });

  it('says so when standard output cannot take the report (a full disk)', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = await run(['report', '--db', db, '-f', 'ndjson'], full);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, 'exposure: cannot write to standard output (ENOSPC)\n');
    } finally {
      closeSync(full);
    }
  });

  for (const format of ['json', 'ndjson', 'csv', 'sarif'] as const) {
    it(`${format}: ends quietly when its reader closes standard output early (| head)`, async () => {
      const r = await run(['report', '--db', db, '-f', format], 'pipe', 1);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.ok(r.stdout.length > 0 && r.stdout.length < 1_000_000, `read ${r.stdout.length} characters`);
    });
  }
});

/**
 * Runs the CLI with standard output on `stdout` (a file descriptor, or a pipe
 * this side closes after `lines` lines, as `head` does). Bounded by a timeout.
 */
function run(args: string[], stdout: number | 'pipe' = 'pipe', lines = Infinity): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', stdout, 'pipe'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`exposure ${args.join(' ')} did not end within 30 s`));
    }, 30_000);
    let out = '';
    let err = '';
    let seen = 0;
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => (err += d));
    child.stdout?.on('data', (d: string) => {
      out += d;
      for (const c of d) if (c === '\n') seen += 1;
      if (seen >= lines) child.stdout?.destroy();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: out, stderr: err });
    });
  });
}
