/**
 * The canary worklist: the .wl files hold what the plan says was planted, every
 * greppable value is in CANARY_VALUES, and every planted attribute is one the
 * privacy table knows. Files only: no server is started here.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CANARY_VALUES, UNGREPPABLE_KEYWORDS, canaryUid } from '../../src/lab/canary.ts';
import { CANARY_WORKLIST, worklistCounts, worklistPlantedValues, writeWorklist, type WrittenWorklist } from '../../src/lab/canary-worklist.ts';
import { part10ToDataset } from '../../src/lab/dcmjs-writer.js';
import { IDENTIFYING_ATTRIBUTES } from '../../src/privacy/identifying-attributes.ts';

let root: string;
let written: WrittenWorklist;

/** Text values of a naturalized dataset, its sequence items included: PN as { Alphabetic }, multi-values as arrays. */
function texts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(texts);
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (value !== null && typeof value === 'object') {
    if ('Alphabetic' in value && typeof value.Alphabetic === 'string') return [value.Alphabetic];
    return Object.values(value).flatMap(texts);
  }
  return [];
}

describe('canary worklist', () => {
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'exposure-canary-worklist-'));
    written = await writeWorklist(root, 'OFFIS', canaryUid);
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('one .wl file per scheduled step, beside the lockfile, in the AE title\'s folder', async () => {
    assert.deepEqual((await readdir(join(root, 'OFFIS'))).sort(), ['lockfile', ...CANARY_WORKLIST.map((_, i) => `step${i + 1}.wl`)].sort());
    assert.deepEqual(written.counts, { items: 4, patients: 3 });
    assert.deepEqual(worklistCounts(), written.counts);
  });

  test('every planted value is in the files, verbatim, the scheduled step\'s included', async () => {
    const seen = new Set<string>();
    for (const f of written.files) for (const v of texts(part10ToDataset(await readFile(f)))) seen.add(v);
    for (const [keyword, values] of worklistPlantedValues()) for (const v of values) assert.ok(seen.has(v), `${keyword} holds a planted value as written`);
  });

  test('every greppable value and person-name component is in CANARY_VALUES, long enough to grep', () => {
    for (const [keyword, values] of worklistPlantedValues()) {
      if (UNGREPPABLE_KEYWORDS.includes(keyword)) continue;
      for (const v of values) assert.ok(CANARY_VALUES.includes(v), `${keyword} value listed`);
    }
    for (const c of ['TANSYMARSH', 'THEOBALD', 'MARLOWBRAKE', 'THORNCASTLE', 'GISELLE']) assert.ok(CANARY_VALUES.includes(c), c);
    for (const v of CANARY_VALUES) assert.ok(v.length >= 6, `a ${v.length}-character value is too short to grep`);
  });

  test('plants only attributes the privacy table knows, and every one the worklist query asks', () => {
    const known = new Set(IDENTIFYING_ATTRIBUTES.map((a) => a.keyword));
    const planted = [...worklistPlantedValues().keys()];
    for (const keyword of planted) assert.ok(known.has(keyword), `${keyword} is an identifying attribute in privacy/`);
    for (const keyword of ['RequestedProcedureDescription', 'ScheduledPerformingPhysicianName', 'ScheduledProcedureStepDescription', 'AdmissionID', 'RequestingPhysician']) {
      assert.ok(planted.includes(keyword), keyword);
    }
  });
});
