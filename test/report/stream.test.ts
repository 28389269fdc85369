/**
 * Streamed outputs: each of JSON, NDJSON, both CSVs (alone, and side by side
 * in one pass as `--out` writes them) and SARIF gives, chunk by chunk from the head and the store's pages, the very bytes its renderer gives
 * the whole model (golden fixture runs, hostile peer text, a few thousand
 * services); and the JSON framing matches JSON.stringify for any document.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { assess } from '../../src/assess/assess.ts';
import { Observation } from '../../src/observation/observation.ts';
import { CSV_DOCUMENT, renderCsv, streamCsv } from '../../src/report/csv.ts';
import { FINDINGS_CSV_DOCUMENT, renderFindingsCsv } from '../../src/report/findings-csv.ts';
import { renderJson, streamJson } from '../../src/report/json.ts';
import type { ReportHead, ReportModel, ServiceReport } from '../../src/report/model.ts';
import { renderNdjson, streamNdjson } from '../../src/report/ndjson.ts';
import { renderSarif, streamSarif } from '../../src/report/sarif.ts';
import { collectDocument, jsonArrayDocument, streamDocument, streamDocuments } from '../../src/report/stream.ts';
import { serviceReports, summarise, summariseHead } from '../../src/report/summary.ts';
import { openSqliteStore, type SqliteStore, type StoreReader } from '../../src/store/index.ts';
import { HOSTILE_OBSERVATIONS } from '../fixtures/hostile-observations.ts';
import { writeManyServices } from '../fixtures/many-services-store.ts';
import { buildReportStore, RUN_RESCAN, RUN_STUDY, RUN_ZERO, type ReportStore } from '../fixtures/report-store.ts';

type Streamed = (head: ReportHead, services: () => AsyncIterable<ServiceReport>) => AsyncIterable<string>;

const FORMATS: ReadonlyArray<readonly [string, (m: ReportModel) => string, Streamed]> = [
  ['json', renderJson, (h, s) => streamJson(h, s())],
  ['ndjson', renderNdjson, (h, s) => streamNdjson(h, s())],
  ['services csv', renderCsv, (_, s) => streamCsv(s())],
  ['sarif', renderSarif, streamSarif],
];

async function chunksOf(stream: AsyncIterable<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}

/** Every format of one run, rendered from the whole model and streamed from pages of `pageSize`, side by side. */
async function bothWays(store: StoreReader, runId: number, pageSize: number): Promise<Array<{ name: string; whole: string; chunks: string[] }>> {
  const model = await summarise(store, runId);
  const head = await summariseHead(store, runId);
  const out = [];
  for (const [name, render, stream] of FORMATS) {
    out.push({ name, whole: render(model), chunks: await chunksOf(stream(head, () => serviceReports(store, runId, pageSize))) });
  }
  const steps = await csvTables(store, runId, pageSize);
  out.push({ name: 'services csv beside findings csv', whole: renderCsv(model), chunks: steps.map((step) => step[0] ?? '') });
  out.push({ name: 'findings csv beside services csv', whole: renderFindingsCsv(model), chunks: steps.map((step) => step[1] ?? '') });
  return out;
}

/** The two CSV tables as `report --format csv --out` streams them: one pass over the services, a chunk of each per step. */
async function csvTables(store: StoreReader, runId: number, pageSize: number): Promise<string[][]> {
  const steps: string[][] = [];
  for await (const step of streamDocuments([CSV_DOCUMENT, FINDINGS_CSV_DOCUMENT], serviceReports(store, runId, pageSize))) steps.push(step);
  return steps;
}

let dir: string;
let fixture: ReportStore;
let hostile: SqliteStore;
let hostileRun: number;
let many: SqliteStore;
let manyRun: number;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exposure-stream-'));
  fixture = await buildReportStore();
  hostile = openSqliteStore(join(dir, 'hostile.db'));
  hostileRun = await hostile.startRun({ targets: ['192.0.2.48/29'], ports: [104, 445, 8042, 8080], options: {}, scanner: { callingAeTitle: 'EXPOSURE-SCAN', userAgent: 'Exposure/0.1.0 (test)' } });
  for (const o of HOSTILE_OBSERVATIONS) await hostile.recordHost(hostileRun, { ip: o.endpoint.ip, services: [{ observation: o, findings: assess(Observation.parse(o)) }] });
  manyRun = await writeManyServices(join(dir, 'many.db'), 1000);
  many = openSqliteStore(join(dir, 'many.db'));
});

after(async () => {
  await fixture?.cleanup();
  await hostile?.close();
  await many?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('streamed outputs', () => {
  for (const [label, runId] of [['the study run', RUN_STUDY], ['a run with zero findings', RUN_ZERO], ['a rescan', RUN_RESCAN]] as const) {
    it(`give the renderers' bytes for ${label}, whatever the page size`, async () => {
      for (const pageSize of [1, 2, 1000]) {
        for (const { name, whole, chunks } of await bothWays(fixture.store, runId, pageSize)) {
          assert.equal(chunks.join(''), whole, `${name}, pages of ${pageSize}`);
        }
      }
    });
  }

  it("give the renderers' bytes for hostile peer text", async () => {
    for (const { name, whole, chunks } of await bothWays(hostile, hostileRun, 3)) {
      assert.ok(whole.includes('192.0.2.50'), `${name} holds the hostile services`);
      assert.equal(chunks.join(''), whole, name);
    }
  });

  it('write a few thousand services in chunks of at least 64 KiB, the last excepted, with the same bytes', async () => {
    const services = (await many.runTotals(manyRun)).services;
    assert.equal(services, 3000);
    for (const { name, whole, chunks } of await bothWays(many, manyRun, 1000)) {
      assert.equal(chunks.join(''), whole, name);
      assert.ok(chunks.length >= 2 || whole.length < 64 * 1024, `${name} came in ${chunks.length} chunk(s)`);
      // Tables streamed together step together: a step is due when one of them has a chunk's worth.
      if (name.includes('beside')) continue;
      for (const c of chunks.slice(0, -1)) assert.ok(c.length >= 64 * 1024, `${name}: a chunk of ${c.length} characters before the last`);
    }
    const steps = await csvTables(many, manyRun, 1000);
    for (const step of steps.slice(0, -1)) assert.ok(step.some((c) => c.length >= 64 * 1024), `a step of ${step.map((c) => c.length).join(' and ')} characters before the last`);
  });

  it('stop reading the store when the reader of the chunks stops', async () => {
    let served = 0;
    async function* counted(): AsyncIterable<ServiceReport> {
      for await (const s of serviceReports(many, manyRun, 100)) {
        served += 1;
        yield s;
      }
    }
    for await (const chunk of streamNdjson(await summariseHead(many, manyRun), counted())) {
      assert.ok(chunk.length > 0);
      break;
    }
    assert.ok(served > 0 && served < 3000, `read ${served} services for one chunk`);
  });
});

describe('a JSON array written item by item', () => {
  // Strings that look like the layout a naive search for the array would take: brackets, indents, escapes.
  const tricky = fc.oneof(fc.string(), fc.constantFrom('[]', '[\n  0\n]', '"services": []', '\\', '\u2028', '\u001b[2J', '\n    '));
  const value = fc.letrec((tie) => ({
    json: fc.oneof({ depthSize: 'small' }, tricky, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('json'), { maxLength: 3 }), fc.dictionary(tricky, tie('json'), { maxKeys: 3 })),
  })).json;

  it('is byte for byte what JSON.stringify gives the whole, empty or not, at any depth', () => {
    fc.assert(
      fc.property(value, value, fc.array(value, { maxLength: 4 }), fc.integer({ min: 0, max: 2 }), (before, after, items, depth) => {
        // The array nested `depth` objects deep, between two members that may hold anything.
        let around = (array: unknown[]): unknown => ({ before, items: array, after });
        for (let d = 0; d < depth; d += 1) {
          const inner = around;
          around = (array) => ({ level: d, inner: [inner(array)] });
        }
        const stringify = (v: unknown): string => JSON.stringify(v, null, 2);
        const doc = jsonArrayDocument(stringify, around, (s) => [s]);
        const whole = collectDocument(doc, items as unknown as ServiceReport[]);
        assert.equal(whole, stringify(around(items)));
      }),
      { numRuns: 300 },
    );
  });

  it('streams the same text as it collects', async () => {
    const doc = jsonArrayDocument((v) => JSON.stringify(v, null, 2), (array) => ({ a: 1, list: array, z: ['end'] }), (s) => [s, s]);
    const items = [{ ip: '192.0.2.1' }, { ip: '192.0.2.2' }] as unknown as ServiceReport[];
    async function* from(): AsyncIterable<ServiceReport> {
      yield* items;
    }
    assert.equal((await chunksOf(streamDocument(doc, from()))).join(''), collectDocument(doc, items));
    assert.deepEqual((JSON.parse(collectDocument(doc, items)) as { list: unknown[] }).list, [items[0], items[0], items[1], items[1]]);
  });

  it('refuses a layout it cannot frame: no indent', () => {
    assert.throws(() => jsonArrayDocument((v) => JSON.stringify(v), (array) => ({ list: array }), (s) => [s]), /must indent/);
  });
});
