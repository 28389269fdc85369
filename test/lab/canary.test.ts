/**
 * The canary studies: what is written is what CANARY_VALUES says was planted,
 * the files are valid Part-10, and the plan is deterministic; the share's
 * planted text files carry the text canaries and a planted patient's values.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CANARY_VALUES, SET_A, SET_B, UNGREPPABLE_KEYWORDS, canaryUid, plantedValues, writeStudySet, type WrittenStudySet } from '../../src/lab/canary.ts';
import { part10ToDataset, type NaturalDataset } from '../../src/lab/dcmjs-writer.js';
import { SHARE_TEXT_CANARIES, writeNasTree } from '../../src/lab/nas-content.ts';
import { IDENTIFYING_ATTRIBUTES } from '../../src/privacy/identifying-attributes.ts';

let root: string;
let written: WrittenStudySet[];

/** dcmjs naturalizes a PN as [{ Alphabetic }] and a multi-valued string as an array. */
function textValues(value: unknown): string[] {
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  return list.flatMap((v) => {
    if (typeof v === 'string') return [v];
    if (typeof v === 'number') return [String(v)];
    if (v !== null && typeof v === 'object' && 'Alphabetic' in v && typeof v.Alphabetic === 'string') return [v.Alphabetic];
    return [];
  });
}

describe('canary studies', () => {
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'exposure-canary-test-'));
    written = [await writeStudySet(SET_A, join(root, 'a')), await writeStudySet(SET_B, join(root, 'b'))];
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('writes one file per planned image, some without a .dcm extension', () => {
    for (const w of written) assert.equal(w.files.length, w.counts.images);
    const all = written.flatMap((w) => w.files);
    assert.ok(all.some((f) => f.endsWith('.dcm')));
    assert.ok(all.some((f) => !f.endsWith('.dcm')));
  });

  test('every identifying value planted is in the files, verbatim', async () => {
    const datasets: NaturalDataset[] = [];
    for (const f of written.flatMap((w) => w.files)) datasets.push(part10ToDataset(await readFile(f)));
    for (const set of [SET_A, SET_B]) {
      for (const [keyword, values] of plantedValues(set)) {
        const seen = new Set(datasets.flatMap((d) => textValues(d[keyword])));
        for (const v of values) assert.ok(seen.has(v), `${keyword} holds a planted value as written`);
      }
    }
  });

  test('plants every attribute the privacy table calls direct, sensitive or context that takes free text', () => {
    const planted = new Set([...plantedValues(SET_A).keys()]);
    for (const keyword of ['PatientName', 'PatientID', 'OtherPatientIDs', 'PatientAddress', 'PatientTelephoneNumbers', 'PatientBirthDate', 'PatientSex', 'PatientSize', 'PatientWeight', 'AccessionNumber', 'StudyDescription', 'AdditionalPatientHistory', 'ReferringPhysicianName', 'InstitutionName']) {
      assert.ok(planted.has(keyword), keyword);
    }
    const known = new Set(IDENTIFYING_ATTRIBUTES.map((a) => a.keyword));
    for (const keyword of planted) assert.ok(known.has(keyword), `${keyword} is an identifying attribute in privacy/`);
  });

  test('CANARY_VALUES holds every greppable planted value and each person-name component', () => {
    for (const set of [SET_A, SET_B]) {
      for (const [keyword, values] of plantedValues(set)) {
        if (UNGREPPABLE_KEYWORDS.includes(keyword)) continue;
        for (const v of values) assert.ok(CANARY_VALUES.includes(v), `${keyword} value listed`);
      }
    }
    assert.ok(CANARY_VALUES.includes('QUILLFEATHER^ROSAMUND'));
    assert.ok(CANARY_VALUES.includes('QUILLFEATHER'));
    assert.ok(CANARY_VALUES.includes('ROSAMUND'));
    for (const v of CANARY_VALUES) assert.ok(v.length >= 6, `"${v.length}-character value" is long enough to grep without false hits`);
  });

  test('UIDs are deterministic 2.25 UUID-derived values within 64 characters', () => {
    const uid = canaryUid('set-a/p1/s1');
    assert.equal(uid, canaryUid('set-a/p1/s1'));
    assert.notEqual(uid, canaryUid('set-a/p1/s2'));
    assert.match(uid, /^2\.25\.(0|[1-9]\d*)$/);
    assert.ok(uid.length <= 64);
    assert.ok(BigInt(uid.slice(5)) < 2n ** 128n);
  });
});

describe('canary text on the shares', () => {
  let share: string;
  before(async () => {
    share = await mkdtemp(join(tmpdir(), 'exposure-canary-share-'));
    await writeNasTree(share, SET_A);
  });
  after(() => rm(share, { recursive: true, force: true }));

  /** The share's text files (everything but the images and DICOMDIR): names and contents, as one text. */
  async function textOfShare(): Promise<string> {
    const paths = (await readdir(share, { recursive: true, withFileTypes: true })).filter((e) => e.isFile() && !e.parentPath.includes(join('archive', '2023')) && e.name !== 'DICOMDIR');
    const texts = await Promise.all(paths.map(async (e) => `${e.name}\n${await readFile(join(e.parentPath, e.name), 'latin1')}`));
    return texts.join('\n');
  }

  test('every text canary is in the planted text files, long enough to grep', async () => {
    const text = await textOfShare();
    for (const c of SHARE_TEXT_CANARIES) {
      assert.ok(text.includes(c), `${c} planted`);
      assert.ok(c.length >= 6);
    }
  });

  test("the reading report carries the first patient's name, ID and birth date, each a canary value", async () => {
    const text = await textOfShare();
    const p = SET_A.patients[0]!;
    for (const v of [p.patientName, p.patientId, p.patientBirthDate]) {
      assert.ok(text.includes(v));
      assert.ok(CANARY_VALUES.includes(v));
    }
  });
});
