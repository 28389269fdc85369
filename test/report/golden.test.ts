/**
 * Golden files: every output format of a fixed store (test/fixtures/report-store.ts:
 * IPv4 and IPv6, private space, a public host with no geo known, hostile
 * strings, a zero-finding run, a rescan) compared byte for byte with
 * test/fixtures/golden/. The fixture is written into SQLite and into PostgreSQL
 * (a cluster of this file's own on 127.0.28.5): both give the same bytes.
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
import { engines, type EngineName } from '../store/engines.ts';

const GOLDEN = join(import.meta.dirname, '..', 'fixtures', 'golden');
const UPDATE = process.env.EXPOSURE_UPDATE_GOLDEN === '1';

/**
 * ECharts numbers the CSS classes of its SVG with a counter of the whole
 * process (zrender's getClassId), so a second rendering of the same model in
 * one process names them differently: what the second engine's HTML is
 * compared after, renumbering the classes in order of appearance on both sides.
 */
function renumberClasses(html: string): string {
  const seen = new Map<string, number>();
  return html.replace(/-cls-(\d+)/g, (_m, n: string) => {
    if (!seen.has(n)) seen.set(n, seen.size);
    return `-cls-#${seen.get(n)}`;
  });
}

/** Compares with the golden file; only the engine that wrote them first (SQLite) regenerates them. */
function golden(name: string, actual: string, engine: EngineName = 'sqlite'): void {
  const path = join(GOLDEN, name);
  if (UPDATE) {
    if (engine !== 'sqlite') return;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `${name} has no golden file: run with EXPOSURE_UPDATE_GOLDEN=1 to create it`);
  let expected = readFileSync(path, 'utf8');
  if (engine !== 'sqlite' && name.endsWith('.html')) {
    expected = renumberClasses(expected);
    actual = renumberClasses(actual);
  }
  // On a mismatch, show the first differing line rather than two 50 kB strings.
  if (actual !== expected) {
    const a = actual.split('\n');
    const e = expected.split('\n');
    const i = a.findIndex((line, k) => line !== e[k]);
    assert.fail(`${name} differs from its golden file at line ${i + 1}:\n  expected: ${e[i]}\n  actual:   ${a[i]}\n(EXPOSURE_UPDATE_GOLDEN=1 regenerates it)`);
  }
}

for (const engine of engines('127.0.28.5')) {
  describe(`golden files from ${engine.name}`, () => {
    let fixture: ReportStore;
    let study: ReportModel;
    let zero: ReportModel;
    let rescan: ReportModel;

    before(async () => {
      fixture = await buildReportStore(engine);
      study = await summarise(fixture.store, RUN_STUDY);
      zero = await summarise(fixture.store, RUN_ZERO);
      rescan = await summarise(fixture.store, RUN_RESCAN);
    });

    after(() => fixture?.cleanup());

    const formats: Array<[string, (m: ReportModel) => string]> = [
      ['json', renderJson],
      ['ndjson', renderNdjson],
      ['services.csv', renderCsv],
      ['findings.csv', renderFindingsCsv],
      ['sarif', renderSarif],
    ];
    for (const [ext, render] of formats) {
      it(`run 1 (the study run) as ${ext}`, () => golden(`run1.${ext}`, render(study), engine.name));
      it(`run 2 (zero findings) as ${ext}`, () => golden(`run2.${ext}`, render(zero), engine.name));
    }
    // The formats a person reads are rendered from bounded lists, each at its own bounds, as `exposure report` does.
    const bounded: Array<[string, ReportBounds, (r: BoundedReport) => string]> = [
      ['table.txt', TABLE_BOUNDS, (r) => renderTable(r, { color: false, width: 120 })],
      ['md', MARKDOWN_BOUNDS, renderMarkdown],
      ['html', HTML_BOUNDS, renderHtml],
    ];
    for (const [ext, bounds, render] of bounded) {
      it(`run 1 (the study run) as ${ext}`, async () => golden(`run1.${ext}`, render(await summariseBounded(fixture.store, RUN_STUDY, bounds)), engine.name));
      it(`run 2 (zero findings) as ${ext}`, async () => golden(`run2.${ext}`, render(await summariseBounded(fixture.store, RUN_ZERO, bounds)), engine.name));
    }

    it('notification packs of run 1: one folder per AS and one for private or unknown space', () => {
      const packs = buildPacks(study);
      assert.deepEqual(
        packs.map((p) => p.folder),
        ['as64500-example-klinikum-netz', 'as64501-example-imaging-llc', 'as64502-example-b-hospital-b-co', 'private-or-unknown'],
      );
      golden('packs/run1/index.md', packsIndex(study, packs), engine.name);
      for (const p of packs) for (const f of p.files) golden(`packs/run1/${p.folder}/${f.name}`, f.content, engine.name);
      if (!UPDATE) {
        // No stale golden folder left from an earlier grouping.
        assert.deepEqual(readdirSync(join(GOLDEN, 'packs', 'run1')).sort(), [...packs.map((p) => p.folder), 'index.md'].sort());
      }
    });

    it('diff of run 1 and its rescan as table, JSON and Markdown', async () => {
      const d = await diffRuns(study, rescan);
      golden('diff-1-3.txt', renderDiffTable(d), engine.name);
      golden('diff-1-3.json', renderDiffJson(d), engine.name);
      golden('diff-1-3.md', renderDiffMarkdown(d), engine.name);
    });
  });
}
