import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CSV_HEADER,
  MARKDOWN_BOUNDS,
  REPORT_SCHEMA,
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
import { displayWidth } from '../../src/report/escape.ts';
import type { Observation } from '../../src/observation/observation.ts';
import { buildFixtureStore, EXPOSED, FIND_OPEN, type Fixture } from '../store/fixtures.ts';

async function withModel(fn: (model: ReportModel, f: Fixture) => Promise<void> | void): Promise<void> {
  const f = await buildFixtureStore();
  try {
    await fn(await summarise(f.store, f.runId), f);
  } finally {
    await f.cleanup();
  }
}

/** The bounded report a person reads (Markdown, the table) of the fixture run. */
async function withBounded(bounds: ReportBounds, fn: (report: BoundedReport) => void): Promise<void> {
  const f = await buildFixtureStore();
  try {
    fn(await summariseBounded(f.store, f.runId, bounds));
  } finally {
    await f.cleanup();
  }
}

const ANSI = /\u001b\[[0-9;]*m/g;

test('summarises services in address order with run totals', () =>
  withModel((model) => {
    assert.deepEqual(
      model.services.map((s) => `${s.ip}:${s.port}`),
      ['10.0.0.5:104', '10.0.0.5:11112', '10.0.0.6:104', '2001:db8::5:104'],
    );
    const exposed = model.services[0]!;
    assert.equal(exposed.product, 'Orthanc 1.12.1');
    assert.deepEqual(exposed.aeTitlesTried, ['XQZ-UNLIKELY-7']);
    assert.equal(exposed.acceptedAeTitle, 'XQZ-UNLIKELY-7');
    assert.equal(exposed.acceptsAnyCalledAe, true);
    assert.equal(exposed.echo, 'success');
    assert.equal(exposed.find, 'success');
    assert.equal(exposed.patients?.text, '≥ 1000');
    assert.deepEqual(exposed.modalities, ['CT', 'MR']);
    assert.deepEqual(exposed.identifyingAttributes, ['PatientName', 'PatientID', 'PatientBirthDate']);
    assert.equal(exposed.highestSeverity, 'critical');
    assert.equal(model.services[1]?.acceptedAeTitle, undefined);
    assert.equal(model.services[2]?.error, 'ECONNREFUSED (connect)');
    assert.equal(model.services[3]?.find, 'not-negotiated');
    assert.equal(model.services[3]?.exposed, false, 'echo only is reachable, not exposed');
    assert.equal(model.totals.services, 4);
    assert.equal(model.totals.exposedServices, 1);
    assert.deepEqual(model.totals.patients, { n: 1000, atLeast: true, text: '≥ 1000' });
    assert.equal(model.totals.images, undefined, 'no service counted images');
    assert.deepEqual(model.totals.findings, { critical: 1, high: 2, medium: 2, low: 0, info: 0 });
  }));

test('summarise refuses a run that does not exist', async () => {
  const f = await buildFixtureStore();
  try {
    await assert.rejects(summarise(f.store, 77), /run 77 does not exist/);
  } finally {
    await f.cleanup();
  }
});

test('CSV has a fixed header and one RFC 4180 row per service', () =>
  withModel((model) => {
    const csv = renderCsv(model);
    const lines = csv.split('\r\n');
    assert.equal(
      lines[0],
      'ip,port,protocol,tls,status,product,version,ae_titles_tried,accepted_ae_title,accepts_any_called_ae,c_echo,c_find,' +
        'patients,patients_at_least,studies,studies_at_least,images,images_at_least,modalities,identifying_attributes,' +
        'exposed,highest_severity,findings,login,access,tls_certificate,space,country,asn,org,' +
        'worklist_items,worklist_items_at_least,worklist_patients,worklist_patients_at_least,honeypot,honeypot_score,honeypot_signals',
    );
    assert.equal(lines[0], CSV_HEADER);
    assert.equal(
      lines[1],
      '10.0.0.5,104,dicom,false,success,Orthanc,1.12.1,XQZ-UNLIKELY-7,XQZ-UNLIKELY-7,true,success,success,' +
        '1000,true,1000,true,,,CT; MR,PatientName; PatientID; PatientBirthDate,true,critical,EXP-DICOM-001; EXP-DICOM-002; EXP-DICOM-003,,,,,,,,,,,,,,',
    );
    assert.equal(lines[4]?.startsWith('2001:db8::5,104,dicom,'), true);
    assert.equal(lines.length, 6, 'four rows, header, and the empty string after the last CRLF');
  }));

test('CSV gives each assessed service its honeypot level, score and signals', () =>
  withModel((model) => {
    const [first, ...rest] = model.services;
    const honeypot = { level: 'likely', score: 100, signals: ['any-called-ae', 'honeypot-persona', 'lure-dataset'] } as const;
    const lines = renderCsv({ ...model, services: [{ ...first!, honeypot: { ...honeypot, signals: [...honeypot.signals] } }, ...rest] }).split('\r\n');
    const header = lines[0]!.split(',');
    const row = lines[1]!.split(',');
    const cell = (name: string): string | undefined => row[header.indexOf(name)];
    assert.equal(cell('honeypot'), 'likely');
    assert.equal(cell('honeypot_score'), '100');
    assert.equal(cell('honeypot_signals'), 'any-called-ae; honeypot-persona; lure-dataset');
    // A service never assessed (or with no signal) leaves the three cells empty.
    assert.deepEqual(lines[2]!.split(',').slice(-3), ['', '', '']);
  }));

test('JSON carries its schema name and the whole model', () =>
  withModel((model) => {
    const parsed = JSON.parse(renderJson(model)) as { schema: string; services: unknown[]; totals: { exposedServices: number } };
    assert.equal(parsed.schema, 'exposure-report/1');
    assert.equal(parsed.schema, REPORT_SCHEMA);
    assert.equal(parsed.services.length, 4);
    assert.equal(parsed.totals.exposedServices, 1);
  }));

test('Markdown is a ticket: findings by rule with endpoints and remediation, then services', () =>
  withBounded(MARKDOWN_BOUNDS, (model) => {
    const md = renderMarkdown(model);
    assert.match(md, /^# Exposure report: run 1$/m);
    assert.match(md, /^### CRITICAL · EXP-DICOM-001: C-FIND returns patient records to an unknown calling AE$/m);
    assert.ok(md.includes(`**Remediation:** ${FIND_OPEN.remediation}`));
    assert.match(md, /^- \\\[2001:db8::5\\\]:104: an AE title no site would configure was accepted$/m);
    assert.ok(md.includes('- <https://dicom.nema.org/medical/dicom/current/output/html/part15.html>'));
    assert.ok(md.indexOf('EXP-DICOM-001') < md.indexOf('EXP-DICOM-002'), 'most severe first');
    assert.match(md, /^\| Endpoint \| Protocol \| Status \|/m);
    assert.match(md, /\| ≥ 1000 \| ≥ 1000 \| — \|/);
  }));

test('the terminal table shows capped counts and fits 120 columns', () =>
  withBounded(TABLE_BOUNDS, (model) => {
    for (const color of [false, true]) {
      const out = renderTable(model, { color });
      assert.ok(out.includes('≥ 1000'));
      assert.ok(out.includes('[2001:db8::5]:104'));
      assert.ok(out.includes('EXP-DICOM-001'));
      for (const line of out.split('\n')) {
        assert.ok(displayWidth(line.replace(ANSI, '')) <= 120, `too wide: ${line}`);
      }
    }
    assert.doesNotMatch(renderTable(model, { color: false }), /\u001b/);
    assert.match(renderTable(model, { color: true }), /\u001b\[1;31mCRITICAL\u001b\[0m/);
  }));

test('the terminal table names a likely or possible honeypot first under its row, and says nothing of an unlikely one', () =>
  withBounded(TABLE_BOUNDS, (model) => {
    const [first, second, ...rest] = model.services;
    const services = [
      { ...first!, honeypot: { level: 'likely' as const, score: 100, signals: ['any-called-ae' as const, 'lure-dataset' as const] } },
      { ...second!, honeypot: { level: 'unlikely' as const, score: 15, signals: ['any-called-ae' as const] } },
      ...rest,
    ];
    const lines = renderTable({ ...model, services }, { color: false, width: 200 }).split('\n');
    const under = (ip: string): string | undefined => lines[lines.findIndex((l) => l.includes(ip)) + 1];
    assert.match(under(first!.ip) ?? '', /^ {2}likely honeypot \(score 100: any-called-ae, lure-dataset\)/);
    assert.doesNotMatch(lines.join('\n'), /unlikely honeypot/);
  }));

test('the table narrows to 100 columns by shortening products and titles, never addresses', () =>
  withBounded(TABLE_BOUNDS, (model) => {
    const out = renderTable(model, { color: false, width: 100 });
    assert.ok(out.includes('[2001:db8::5]:104'));
    assert.ok(out.includes('DCMTK stor…'));
    for (const line of out.split('\n')) assert.ok(displayWidth(line) <= 100, `too wide: ${line}`);
  }));

/**
 * Formulas, terminal escapes and Markdown in every string a renderer is given.
 * The store cuts a peer's product string to printable ASCII (peer-text.test.ts
 * follows that path); the model here is handed the raw string afterwards, as a
 * renderer must stand any string it gets, whatever its origin.
 */
const HOSTILE_VERSION = '=HYPERLINK("http://x.test")\u001b]0;owned\u0007\u001b[2J\u009b31m|`rm`';
const HOSTILE: Observation = {
  ...EXPOSED,
  endpoint: { ip: '10.0.0.66', port: 104 },
  product: { name: '+Evil PACS', version: 'placeholder', basis: 'peer', confidence: 'guess' },
  details:
    EXPOSED.details?.protocol === 'dicom'
      ? {
      ...EXPOSED.details,
      attempts: [{ calledAeTitle: '@SUM(1)', callingAeTitle: 'EXPOSURE-SCAN', origin: 'user', outcome: 'accepted' }],
      acceptedCalledAeTitle: '@SUM(1)',
    }
      : undefined,
};

/** The hostile run as the whole model (exports) and as the bounded report (Markdown, the table), its version raw. */
async function withHostileModel(fn: (model: ReportModel, bounded: BoundedReport) => void): Promise<void> {
  const f = await buildFixtureStore();
  try {
    const runId = await f.store.startRun({ targets: ['10.0.0.66'], ports: [104], options: {}, scanner: { callingAeTitle: 'EXPOSURE-SCAN', userAgent: 'x' } });
    await f.store.recordHost(runId, { ip: '10.0.0.66', services: [{ observation: HOSTILE, findings: [FIND_OPEN] }] });
    const model = await summarise(f.store, runId);
    const bounded = await summariseBounded(f.store, runId, MARKDOWN_BOUNDS);
    for (const s of [...model.services, ...bounded.services]) {
      s.productVersion = HOSTILE_VERSION;
      s.product = `${s.productName ?? ''} ${HOSTILE_VERSION}`;
    }
    fn(model, bounded);
  } finally {
    await f.cleanup();
  }
}

test('CSV guards cells from formula injection and quotes them', () =>
  withHostileModel((model) => {
    const row = renderCsv(model).split('\r\n')[1] ?? '';
    const cells = row.split(',');
    assert.equal(cells[5], "'+Evil PACS");
    assert.equal(cells[6], `"'=HYPERLINK(""http://x.test"")]0;owned[2J31m|\`rm\`"`);
    assert.equal(cells[7], "'@SUM(1)");
    assert.equal(cells[8], "'@SUM(1)");
    assert.doesNotMatch(row, /[\u0000-\u001f\u007f-\u009f]/);
  }));

test('the terminal table strips control characters a peer sent', () =>
  withHostileModel((_model, model) => {
    const out = renderTable(model, { color: false, width: 200 });
    assert.doesNotMatch(out, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    assert.ok(out.includes('=HYPERLINK("http://x.test")]0;owned[2J31m|`rm`'));
    const colored = renderTable(model, { color: true, width: 200 });
    assert.doesNotMatch(colored.replace(ANSI, ''), /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  }));

test('Markdown escapes pipes and backticks a peer sent', () =>
  withHostileModel((_model, model) => {
    const md = renderMarkdown(model);
    assert.ok(md.includes('+Evil PACS =HYPERLINK("http://x.test")\\]0;owned\\[2J31m\\|\\`rm\\`'));
    assert.ok(md.includes('accepted \\@SUM(1)'));
    assert.doesNotMatch(md, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const serviceRow = md.split('\n').find((l) => l.startsWith('| 10.0.0.66:104')) ?? '';
    assert.equal(serviceRow.replace(/\\\|/g, '').split('|').length, 17, 'fifteen cells: no pipe from the peer splits a cell');
  }));

test('JSON escapes controls so the file is safe to cat, and decodes to the same strings', () =>
  withHostileModel((model) => {
    const json = renderJson(model);
    assert.doesNotMatch(json, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const parsed = JSON.parse(json) as { services: Array<{ productVersion: string }> };
    assert.equal(parsed.services[0]?.productVersion, HOSTILE_VERSION);
  }));
