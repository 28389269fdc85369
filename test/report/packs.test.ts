/** Notification packs: grouping, safe folder names, and what a letter holds. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { summarise, type ReportModel } from '../../src/report/index.ts';
import { buildPacks, folderName } from '../../src/report/packs.ts';
import { buildReportStore, RUN_STUDY, RUN_ZERO, type ReportStore } from '../fixtures/report-store.ts';

let f: ReportStore;
let model: ReportModel;
before(async () => {
  f = await buildReportStore();
  model = await summarise(f.store, RUN_STUDY);
});
after(() => f?.cleanup());

test('folder names are lower-case ASCII words and dashes, whatever the organisation is called', () => {
  assert.equal(folderName('AS64500 Example Klinikum Netz'), 'as64500-example-klinikum-netz');
  assert.equal(folderName('../../etc/passwd'), 'etc-passwd');
  assert.equal(folderName('Université Hôpital Zürich'), 'universite-hopital-zurich');
  assert.equal(folderName('日本の病院'), 'unnamed');
  assert.equal(folderName('a'.repeat(200)).length, 64);
  assert.equal(folderName('AS1 <script>\u0000\u202e'), 'as1-script');
});

test('one pack per AS, and one for private, special or unlabelled space', () => {
  const packs = buildPacks(model);
  const other = packs.at(-1)!;
  assert.equal(other.folder, 'private-or-unknown');
  assert.deepEqual(
    packs.map((p) => [p.asn, p.services, p.exposedServices]),
    [[64500, 2, 1], [64501, 1, 1], [64502, 1, 0], [undefined, 2, 2]],
  );
  for (const p of packs) assert.deepEqual(p.files.map((x) => x.name), ['README.md', 'services.csv', 'findings.csv']);
});

test('a letter names the network, lists its services and findings with the fix, and nothing of another network', () => {
  const [klinikum] = buildPacks(model);
  const letter = klinikum!.files[0]!.content;
  assert.match(letter, /^# Exposed medical imaging services: AS64500 Example Klinikum Netz$/m);
  assert.match(letter, /192\.0\.2\.10:104/);
  assert.match(letter, /\*\*How to fix it:\*\*/);
  assert.doesNotMatch(letter, /198\.51\.100\.20|2001:db8|10\.20\.30\.40/);
  assert.match(letter, /CC BY 4\.0/);
  const csv = klinikum!.files[1]!.content.split('\r\n').filter(Boolean);
  assert.equal(csv.length, 3, 'header and its two services');
});

test('hostile organisation names are escaped in the letter', () => {
  const hostile = buildPacks(model).find((p) => p.asn === 64502)!;
  assert.equal(hostile.folder, 'as64502-example-b-hospital-b-co');
  assert.ok(hostile.files[0]!.content.includes('Example \\<b\\>Hospital\\</b\\> \\& "Co"'));
});

test('a run without services has no packs', async () => {
  const zero = await summarise(f.store, RUN_ZERO);
  assert.deepEqual(buildPacks({ ...zero, services: [] }), []);
});
