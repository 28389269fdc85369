/**
 * Golden files: every output format of a fixed store (test/fixtures/report-store.ts:
 * IPv4 and IPv6, private space, a public host with no geo known, hostile
 * strings, a zero-finding run, a rescan) compared byte for byte with
 * test/fixtures/golden/.
 *
 * After an intended change, regenerate them and review the diff:
 *   EXPOSURE_UPDATE_GOLDEN=1 node --import tsx --test test/report/golden.test.ts
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  MARKDOWN_BOUNDS,
  renderCsv,
  renderJson,
  renderMarkdown,
  renderTable,
  summarise,
  summariseBounded,
  TABLE_BOUNDS,
  type BoundedReport,
  type ReportBounds,
  type ReportModel,
} from '../../src/report/index.ts';
import { renderFindingsCsv } from '../../src/report/findings-csv.ts';
import { renderHtml } from '../../src/report/html.ts';
import { HTML_BOUNDS } from '../../src/report/html-sections.ts';
import { renderNdjson } from '../../src/report/ndjson.ts';
import { renderSarif } from '../../src/report/sarif.ts';
import { buildPacks, packsIndex } from '../../src/report/packs.ts';
import { diffRuns } from '../../src/report/diff.ts';
import { renderDiffJson, renderDiffMarkdown, renderDiffTable } from '../../src/report/diff-render.ts';
import { buildReportStore, RUN_RESCAN, RUN_STUDY, RUN_ZERO, type ReportStore } from '../fixtures/report-store.ts';

const GOLDEN = join(import.meta.dirname, '..', 'fixtures', 'golden');
const UPDATE = process.env.EXPOSURE_UPDATE_GOLDEN === '1';

function golden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (UPDATE) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `${name} has no golden file: run with EXPOSURE_UPDATE_GOLDEN=1 to create it`);
  const expected = readFileSync(path, 'utf8');
  // On a mismatch, show the first differing line rather than two 50 kB strings.
  if (actual !== expected) {
    const a = actual.split('\n');
    const e = expected.split('\n');
    const i = a.findIndex((line, k) => line !== e[k]);
    assert.fail(`${name} differs from its golden file at line ${i + 1}:\n  expected: ${e[i]}\n  actual:   ${a[i]}\n(EXPOSURE_UPDATE_GOLDEN=1 regenerates it)`);
  }
}

let fixture: ReportStore;
let study: ReportModel;
let zero: ReportModel;
let rescan: ReportModel;

before(async () => {
  fixture = await buildReportStore();
  study = await summarise(fixture.store, RUN_STUDY);
  zero = await summarise(fixture.store, RUN_ZERO);
  rescan = await summarise(fixture.store, RUN_RESCAN);
});

after(() => fixture?.cleanup());

describe('golden files', () => {
  const formats: Array<[string, (m: ReportModel) => string]> = [
    ['json', renderJson],
    ['ndjson', renderNdjson],
    ['services.csv', renderCsv],
    ['findings.csv', renderFindingsCsv],
    ['sarif', renderSarif],
  ];
  for (const [ext, render] of formats) {
    it(`run 1 (the study run) as ${ext}`, () => golden(`run1.${ext}`, render(study)));
    it(`run 2 (zero findings) as ${ext}`, () => golden(`run2.${ext}`, render(zero)));
  }
  // The formats a person reads are rendered from bounded lists, each at its own bounds, as `exposure report` does.
  const bounded: Array<[string, ReportBounds, (r: BoundedReport) => string]> = [
    ['table.txt', TABLE_BOUNDS, (r) => renderTable(r, { color: false, width: 120 })],
    ['md', MARKDOWN_BOUNDS, renderMarkdown],
    ['html', HTML_BOUNDS, renderHtml],
  ];
  for (const [ext, bounds, render] of bounded) {
    it(`run 1 (the study run) as ${ext}`, async () => golden(`run1.${ext}`, render(await summariseBounded(fixture.store, RUN_STUDY, bounds))));
    it(`run 2 (zero findings) as ${ext}`, async () => golden(`run2.${ext}`, render(await summariseBounded(fixture.store, RUN_ZERO, bounds))));
  }

  it('notification packs of run 1: one folder per AS and one for private or unknown space', () => {
    const packs = buildPacks(study);
    assert.deepEqual(
      packs.map((p) => p.folder),
      ['as64500-example-klinikum-netz', 'as64501-example-imaging-llc', 'as64502-example-b-hospital-b-co', 'private-or-unknown'],
    );
    golden('packs/run1/index.md', packsIndex(study, packs));
    for (const p of packs) for (const f of p.files) golden(`packs/run1/${p.folder}/${f.name}`, f.content);
    if (!UPDATE) {
      // No stale golden folder left from an earlier grouping.
      assert.deepEqual(readdirSync(join(GOLDEN, 'packs', 'run1')).sort(), [...packs.map((p) => p.folder), 'index.md'].sort());
    }
  });

  it('diff of run 1 and its rescan as table, JSON and Markdown', async () => {
    const d = await diffRuns(study, rescan);
    golden('diff-1-3.txt', renderDiffTable(d));
    golden('diff-1-3.json', renderDiffJson(d));
    golden('diff-1-3.md', renderDiffMarkdown(d));
  });
});
