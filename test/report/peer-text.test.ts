/**
 * Hostile peer text (test/fixtures/hostile-observations.ts) from the store to
 * every output: the terminal table (with and without colour), Markdown, HTML,
 * JSON, NDJSON, both CSVs, SARIF, the notification packs and the diff. In none
 * may a value act: no raw control character, markup only escaped, no CSV cell a
 * spreadsheet would run, no string past its cap, and a modality value that is
 * not a defined term nowhere at all.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assess } from '../../src/assess/assess.ts';
import { Observation } from '../../src/observation/observation.ts';
import { IDENTIFIER_CAP } from '../../src/observation/peer-text.ts';
import {
  MARKDOWN_BOUNDS,
  renderCsv,
  renderJson,
  renderMarkdown,
  renderScanSummary,
  renderTable,
  summarise,
  summariseBounded,
  summariseScan,
  type BoundedReport,
  type ReportModel,
  type ScanSummary,
  type ServiceReport,
} from '../../src/report/index.ts';
import { renderFindingsCsv } from '../../src/report/findings-csv.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderNdjson } from '../../src/report/ndjson.ts';
import { renderSarif } from '../../src/report/sarif.ts';
import { buildPacks, packsIndex } from '../../src/report/packs.ts';
import { diffRuns } from '../../src/report/diff.ts';
import { renderDiffJson, renderDiffMarkdown, renderDiffTable } from '../../src/report/diff-render.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.ts';
import { ANSI, BIRTH_DATE, CONTROL, FORMULA, HOSTILE_OBSERVATIONS, PERSON_NAME, SCRIPT } from '../fixtures/hostile-observations.ts';

/** Controls a format may not carry raw: C0 but tab and line ends, DEL, C1, bidi and zero-width marks. */
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
const OUR_SGR = /\u001b\[[0-9;]*m/g;

let dir: string;
let store: SqliteStore;
let model: ReportModel;
let outputs = new Map<string, string>();
let tampered = new Map<string, string>();

/** What one run gives each renderer: the whole model, the bounded report, the scan's summary. */
interface Read {
  model: ReportModel;
  bounded: BoundedReport;
  scan: ScanSummary;
}

/** Every output of a run (and of its diff from an earlier one), by name. */
async function renderAll({ model, bounded, scan }: Read, earlier: ReportModel): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  out.set('table', renderTable(bounded, { color: false, width: 160 }));
  out.set('table in colour', renderTable(bounded, { color: true, width: 160 }).replace(OUR_SGR, ''));
  out.set('scan summary', renderScanSummary(scan, { color: false, width: 160 }));
  out.set('scan summary in colour', renderScanSummary(scan, { color: true, width: 160 }).replace(OUR_SGR, ''));
  out.set('markdown', renderMarkdown(bounded));
  out.set('html', renderHtml(bounded));
  out.set('json', renderJson(model));
  out.set('ndjson', renderNdjson(model));
  out.set('services csv', renderCsv(model));
  out.set('findings csv', renderFindingsCsv(model));
  out.set('sarif', renderSarif(model));
  const packs = buildPacks(model);
  out.set('packs index', packsIndex(model, packs));
  for (const p of packs) for (const f of p.files) out.set(`pack ${p.folder}/${f.name}`, f.content);
  const diff = await diffRuns(earlier, model);
  out.set('diff table', renderDiffTable(diff));
  out.set('diff markdown', renderDiffMarkdown(diff));
  out.set('diff json', renderDiffJson(diff));
  return out;
}

/**
 * The model with every free string of every service replaced by raw hostile
 * text: the store cleans peer identifiers, but a renderer must stand any
 * string it is handed (an organisation from a geo database, an older file).
 */
const RAW = `${ANSI}${CONTROL}${SCRIPT}${FORMULA}`;

/** A proof whose command holds the raw text and a run of backticks longer than a plain fence. */
const RAW_PROOF = { kind: 'command' as const, tool: 'curl' as const, command: `curl ${RAW} \`\`\`\` x`, shows: RAW };

/**
 * Markdown with its fenced code blocks taken out, after checking that each
 * block closes with a fence like the one that opened it (so no text inside
 * one could close it early): what is left is where markup would act.
 */
function outsideCodeBlocks(text: string): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ *(`{3,})sh$/.exec(lines[i]!);
    if (!open) {
      kept.push(lines[i]!);
      continue;
    }
    const fence = open[1]!;
    const body = lines[i + 1] ?? '';
    assert.ok(!body.includes(fence), `a code line holds its own fence: ${body.slice(0, 60)}`);
    assert.equal(lines[i + 2]?.trim(), fence, 'a code block is one line closed by its own fence');
    i += 2;
  }
  return kept.join('\n');
}

function tamper({ model, bounded, scan }: Read): Read {
  return {
    model: { ...model, services: model.services.map(tamperService) },
    bounded: {
      ...bounded,
      services: bounded.services.map(tamperService),
      fileShares: bounded.fileShares.map(tamperService),
      rules: bounded.rules.map((g) => ({
        ...g,
        finding: { ...g.finding, title: RAW, evidence: RAW, remediation: RAW, references: [RAW] },
        hits: g.hits.map((h, i) => ({ ...h, hostname: RAW, evidence: RAW, proof: i % 2 === 0 ? RAW_PROOF : { kind: 'none' as const, reason: RAW } })),
      })),
    },
    scan: { ...scan, exposed: scan.exposed.map(tamperService), byProtocol: scan.byProtocol.map((r) => ({ ...r, key: RAW })) },
  };
}

function tamperService(s: ServiceReport): ServiceReport {
  const raw = RAW;
  return {
      ...s,
      hostname: raw,
      org: raw,
      product: raw,
      productName: raw,
      productVersion: raw,
      login: raw,
      access: raw,
      certificate: raw,
      fileShare: raw,
      error: raw,
      modalities: [raw],
      aeTitlesTried: [raw],
      findings: s.findings.map((f) => ({ ...f, title: raw, evidence: raw, remediation: raw, references: [raw], proof: RAW_PROOF })),
  };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exposure-peer-text-report-'));
  store = openSqliteStore(join(dir, 'report.db'));
  const meta = { targets: ['192.0.2.48/29'], ports: [104, 445, 8042], options: {}, scanner: { callingAeTitle: 'EXPOSURE-SCAN', userAgent: 'Exposure/0.1.0 (test)' } };
  const runs: number[] = [];
  for (let i = 0; i < 2; i++) {
    const run = await store.startRun(meta);
    for (const o of i === 0 ? HOSTILE_OBSERVATIONS.slice(1) : HOSTILE_OBSERVATIONS) {
      // As a scan does: the findings are the rules' on the probe's result, which the probe cleaned as the schema does.
      await store.recordHost(run, { ip: o.endpoint.ip, services: [{ observation: o, findings: assess(Observation.parse(o)) }] });
    }
    runs.push(run);
  }
  const first = await summarise(store, runs[0]!);
  model = await summarise(store, runs[1]!);
  const read: Read = { model, bounded: await summariseBounded(store, runs[1]!, MARKDOWN_BOUNDS), scan: await summariseScan(store, runs[1]!, 20) };
  outputs = await renderAll(read, first);
  tampered = await renderAll(tamper(read), first);
});

after(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** RFC 4180 fields of a CSV text: quoted fields may hold commas, quotes and line ends. */
function csvCells(text: string): string[] {
  const cells: string[] = [];
  const field = /"((?:[^"]|"")*)"|([^,\r\n]*)/y;
  for (let at = 0; at < text.length; ) {
    field.lastIndex = at;
    const m = field.exec(text)!;
    cells.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] ?? ''));
    at = field.lastIndex;
    at += text.startsWith('\r\n', at) ? 2 : 1;
  }
  return cells;
}

describe('hostile peer text in every output', () => {
  it('renders every format, and the hostile services are in each', () => {
    assert.ok(outputs.size >= 15);
    for (const [name, text] of outputs) {
      if (name === 'packs index') continue; // folders and networks only
      assert.ok(text.includes('192.0.2.50'), `${name} shows the hostile DICOM service`);
    }
  });

  it('never shows a modality value that is not a defined term, and says how many there were', () => {
    for (const [name, text] of outputs) {
      assert.ok(!text.includes(BIRTH_DATE), `${name} holds the birth-date token`);
      assert.ok(!text.includes(PERSON_NAME), `${name} holds the name token`);
    }
    const dicom = model.services.find((s) => s.protocol === 'dicom')!;
    assert.deepEqual([dicom.modalities, dicom.otherModalities], [['CT', 'MR'], 3]);
    assert.match(outputs.get('services csv')!, /,CT; MR; 3 other values,/);
    assert.match(outputs.get('markdown')!, /\| CT, MR, 3 other values \|/);
    assert.match(outputs.get('table')!, /modalities CT MR 3 other values/);
  });

  it('carries no raw control, escape or bidi character in any format', () => {
    for (const [name, text] of outputs) assert.doesNotMatch(text, RAW_CONTROL, name);
  });

  it('cuts every long string at its cap', () => {
    const longest = Math.max(IDENTIFIER_CAP.certificateName, IDENTIFIER_CAP.productBasis);
    for (const [name, text] of outputs) assert.ok(!text.includes('A'.repeat(longest + 1)), `${name} holds a string past its cap`);
  });

  it('HTML shows markup as text, never as a tag', () => {
    const html = outputs.get('html')!;
    assert.doesNotMatch(html, /<script/i);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the product name is there, escaped');
  });

  it('Markdown escapes markup and pipes, so no peer text opens a tag or splits a cell', () => {
    for (const [name, text] of outputs) {
      if (!name.includes('markdown') && !name.endsWith('README.md')) continue;
      assert.ok(!/(^|[^\\])<script/.test(text), `${name} holds raw markup`);
    }
    const md = outputs.get('markdown')!;
    assert.ok(md.includes('\\<script\\>alert(1)\\</script\\>'));
    const cells = (line: string): number => line.replace(/\\\|/g, '').split('|').length;
    const lines = md.split('\n');
    for (const title of ['| Endpoint | Protocol |', '| Endpoint | DICOM files |']) {
      const start = lines.findIndex((l) => l.startsWith(title));
      const end = lines.indexOf('', start);
      assert.ok(start >= 0 && end > start + 2, title);
      for (const line of lines.slice(start + 2, end)) assert.equal(cells(line), cells(lines[start]!), line);
    }
  });

  it('no CSV cell starts a formula, and the formula a peer sent is kept as text', () => {
    for (const [name, text] of outputs) {
      if (!name.includes('csv')) continue;
      for (const cell of csvCells(text)) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `${name}: ${cell.slice(0, 40)}`);
    }
    assert.ok(outputs.get('services csv')!.includes(`'=cmd|' /C calc'!A0`), 'the peer\'s version, neutralised by a leading quote');
  });

  it('JSON, NDJSON and SARIF parse, and give back the stored strings', () => {
    const json = JSON.parse(outputs.get('json')!) as { services: Array<{ product?: string; otherModalities?: number }> };
    assert.ok(json.services.some((s) => s.product === "<script>alert(1)</script> =cmd|' /C calc'!A0"));
    for (const line of outputs.get('ndjson')!.trim().split('\n')) JSON.parse(line);
    JSON.parse(outputs.get('sarif')!);
    JSON.parse(outputs.get('diff json')!);
  });
});

describe('raw hostile text handed straight to the renderers', () => {
  it('carries no raw control, escape or bidi character in any format', () => {
    assert.ok(tampered.get('json')!.includes('\\u001b[31mRED'), 'the raw text reached the renderers (JSON escapes it)');
    for (const [name, text] of tampered) {
      // JSON formats escape controls as \u sequences, which is what lets them hold any string.
      assert.doesNotMatch(text, RAW_CONTROL, name);
    }
  });

  it('a proof command reaches Markdown verbatim inside a fence it cannot close, and HTML escaped', () => {
    const md = tampered.get('markdown')!;
    assert.ok(md.includes('`````sh'), 'a fence longer than the backticks in the command');
    assert.ok(md.includes('<script>alert(1)</script>'), 'the command is verbatim inside its code block, not backslash-escaped');
    outsideCodeBlocks(md);
    assert.ok(tampered.get('html')!.includes('<pre><code>curl [31mRED'), 'controls dropped, the command in a code element');
  });

  it('HTML shows no tag, CSV runs no formula, Markdown opens no tag', () => {
    assert.doesNotMatch(tampered.get('html')!, /<script/i);
    for (const [name, text] of tampered) {
      if (name.includes('csv')) for (const cell of csvCells(text)) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `${name}: ${cell.slice(0, 40)}`);
      if (name.includes('markdown') || name.endsWith('README.md')) assert.ok(!/(^|[^\\])<script/.test(outsideCodeBlocks(text)), name);
    }
  });
});
