/**
 * The SARIF output validates against the SARIF 2.1.0 schema (the subset in
 * test/fixtures/, see its $comment), for a run with findings, a run without,
 * and a run whose peer strings are hostile; and it maps severities and
 * endpoints as documented.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { summarise } from '../../src/report/index.ts';
import { renderSarif } from '../../src/report/sarif.ts';
import { buildReportStore, RUN_RESCAN, RUN_STUDY, RUN_ZERO, type ReportStore } from '../fixtures/report-store.ts';

// ajv-formats is CommonJS with a default export; under ESM the function may sit on .default.
type AddFormats = (ajv: Ajv) => Ajv;
const formatsModule = addFormatsModule as unknown as AddFormats & { default?: AddFormats };
const addFormats: AddFormats = formatsModule.default ?? formatsModule;

let fixture: ReportStore;
let validate: ValidateFunction;

before(async () => {
  fixture = await buildReportStore();
  const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'sarif-2.1.0-subset.schema.json'), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  validate = ajv.compile(schema);
});

after(() => fixture?.cleanup());

for (const [name, run] of [['with findings', RUN_STUDY], ['with zero findings', RUN_ZERO], ['a rescan', RUN_RESCAN]] as const) {
  test(`SARIF of a run ${name} validates against the SARIF 2.1.0 schema`, async () => {
    const log = JSON.parse(renderSarif(await summarise(fixture.store, run))) as unknown;
    const ok = validate(log);
    assert.ok(ok, JSON.stringify(validate.errors, null, 2));
  });
}

test('the schema is not vacuous: a result without a message or with an unknown level fails', async () => {
  const log = JSON.parse(renderSarif(await summarise(fixture.store, RUN_STUDY))) as {
    runs: Array<{ results: Array<Record<string, unknown>> }>;
  };
  const result = log.runs[0]!.results[0]!;
  const noMessage = structuredClone(log);
  delete noMessage.runs[0]!.results[0]!.message;
  assert.equal(validate(noMessage), false);
  const badLevel = structuredClone(log);
  badLevel.runs[0]!.results[0]!.level = 'critical';
  assert.equal(validate(badLevel), false);
  const extra = structuredClone(log);
  extra.runs[0]!.results[0]!.severity = 'critical';
  assert.equal(validate(extra), false, 'a property SARIF does not define is refused');
  const badUri = structuredClone(log) as unknown as { runs: Array<{ tool: { driver: { rules: Array<Record<string, unknown>> } } }> };
  badUri.runs[0]!.tool.driver.rules[0]!.helpUri = 'no scheme here';
  assert.equal(validate(badUri), false, 'formats are checked (ajv-formats is loaded)');
  assert.ok(result);
});

test('findings become results on endpoint URIs, rules become reporting descriptors', async () => {
  const log = JSON.parse(renderSarif(await summarise(fixture.store, RUN_STUDY))) as {
    runs: Array<{
      tool: { driver: { rules: Array<{ id: string; defaultConfiguration: { level: string }; properties: Record<string, unknown> }> } };
      results: Array<{ ruleId: string; ruleIndex: number; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
    }>;
  };
  const run = log.runs[0]!;
  const ids = run.tool.driver.rules.map((r) => r.id);
  assert.deepEqual(ids, ['EXP-DICOM-001', 'EXP-DICOM-002', 'EXP-DICOM-003', 'EXP-DICOM-004']);
  assert.equal(run.tool.driver.rules[0]?.defaultConfiguration.level, 'error');
  assert.equal(run.tool.driver.rules[0]?.properties['security-severity'], '9.5');
  for (const r of run.results) assert.equal(ids[r.ruleIndex], r.ruleId);
  const uris = run.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri);
  assert.ok(uris.includes('dicom://[2001:db8::7]:104'), 'IPv6 endpoints are bracketed');
  assert.ok(uris.includes('dicom://192.0.2.10:104'));
  assert.equal(run.results.find((r) => r.ruleId === 'EXP-DICOM-004')?.level, 'warning');
});

test("a likely or possible honeypot's results say so, in the message and the properties; the run says how many were left out", async () => {
  const model = await summarise(fixture.store, RUN_STUDY);
  const [likely, possible, unlikely] = model.services.filter((s) => s.findings.length > 0);
  assert.ok(likely && possible && unlikely, 'three services with findings');
  likely.honeypot = { level: 'likely', score: 100, signals: ['any-called-ae', 'honeypot-persona'] };
  possible.honeypot = { level: 'possible', score: 40, signals: ['any-called-ae', 'same-dataset'] };
  unlikely.honeypot = { level: 'unlikely', score: 15, signals: ['any-called-ae'] };
  model.totals.likelyHoneypots = { services: 1, counted: false };
  const log = JSON.parse(renderSarif(model)) as {
    runs: Array<{ properties: Record<string, unknown>; results: Array<{ message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>; properties: Record<string, unknown> }> }>;
  };
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  const run = log.runs[0]!;
  assert.deepEqual(run.properties.likelyHoneypots, { services: 1, counted: false });
  const uri = (s: typeof likely): string => `${s.protocol}://${s.ip.includes(':') ? `[${s.ip}]` : s.ip}:${s.port}`;
  const of = (s: typeof likely) => run.results.filter((r) => r.locations[0]?.physicalLocation.artifactLocation.uri === uri(s));
  for (const r of of(likely)) {
    assert.match(r.message.text, /Assessed as a likely honeypot \(score 100: any-called-ae, honeypot-persona\)\./);
    assert.deepEqual(r.properties.honeypot, likely.honeypot);
  }
  for (const r of of(possible)) assert.deepEqual(r.properties.honeypot, possible.honeypot);
  for (const r of of(unlikely)) {
    assert.doesNotMatch(r.message.text, /honeypot/);
    assert.equal(r.properties.honeypot, undefined);
  }
  assert.ok(of(likely).length > 0 && of(unlikely).length > 0);
});
