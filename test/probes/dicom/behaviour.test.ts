/**
 * What the DICOM probe keeps for the honeypot assessment (behaviour.ts, lures.ts):
 * the lure table matches the studies its source publishes and nothing else,
 * the digests compare one process's services and no other's, and no UID or
 * PatientID read ever reaches what the probe returns.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BehaviourFacts, datasetSignature } from '../../../src/probes/dicom/behaviour.ts';
import { LURE_DATASETS, LureTally, lureDigest } from '../../../src/probes/dicom/lures.ts';
import { DICOMHAWK_SAMPLE_STUDIES } from '../../../src/lab/fleet/honeypot.ts';
import { DicomBehaviour } from '../../../src/observation/honeypot.ts';
import type { AttributeInventory, ExposureCounts } from '../../../src/observation/observation.ts';
import { createPseudonyms } from '../../../src/privacy/pseudonyms.ts';

/** A study UID under an archive's own root: no lure. */
const ARCHIVE_STUDY = '1.2.826.0.1.3680043.2.1143.7.41.5';
const PATIENT_ID = 'CNRY-PID-0042';

describe('lure datasets', () => {
  it("the table is exactly the digests of DICOMHawk's sample study UIDs (as the lab serves them), each once", () => {
    const table = LURE_DATASETS.find((l) => l.id === 'dicomhawk-sample-tcia')!;
    assert.deepEqual([...table.studies].sort(), DICOMHAWK_SAMPLE_STUDIES.map(lureDigest).sort());
    assert.equal(new Set(table.studies).size, table.studies.length);
    for (const l of LURE_DATASETS) {
      assert.match(l.id, /^[a-z0-9-]{1,40}$/);
      assert.ok(l.source.length > 0, `${l.id} names its source`);
      for (const d of l.studies) assert.match(d, /^[0-9a-f]{16}$/);
    }
  });

  it('counts the lure studies read, padding trimmed; an archive study or a blank one counts nothing', () => {
    const tally = new LureTally();
    tally.add(DICOMHAWK_SAMPLE_STUDIES[0]!);
    tally.add(`${DICOMHAWK_SAMPLE_STUDIES[1]!} `);
    tally.add(ARCHIVE_STUDY);
    tally.add('  ');
    assert.deepEqual(tally.result(), [{ id: 'dicomhawk-sample-tcia', matches: 2 }]);
    const archive = new LureTally();
    archive.add(ARCHIVE_STUDY);
    assert.deepEqual(archive.result(), []);
  });
});

const EXPOSURE: ExposureCounts = { studies: { n: 4, atLeast: false }, patients: { n: 2, atLeast: false }, images: { n: 40, atLeast: true } };
const INVENTORY: AttributeInventory = {
  records: 4,
  attributes: [
    { keyword: 'PatientID', tag: '00100020', class: 'direct-identifier', present: 4 },
    { keyword: 'PatientName', tag: '00100010', class: 'direct-identifier', present: 3 },
  ],
};

/** The facts of one service that read `studies` and `patients`, under `pseudonyms`. */
function served(pseudonyms: ReturnType<typeof createPseudonyms>, studies: readonly string[], patients: readonly string[]): DicomBehaviour | undefined {
  const facts = new BehaviourFacts(pseudonyms);
  facts.associateMs = 3;
  facts.findMs = 9;
  for (const s of studies) facts.studySeen(s);
  const counter = pseudonyms.counter();
  for (const p of patients) counter.add(p);
  return facts.build(EXPOSURE, INVENTORY, counter);
}

describe('behaviour facts', () => {
  it('keeps times, lure ids and digests that pass the schema, and no UID or PatientID read', () => {
    const b = served(createPseudonyms(), [DICOMHAWK_SAMPLE_STUDIES[2]!, ARCHIVE_STUDY], [PATIENT_ID])!;
    assert.ok(DicomBehaviour.safeParse(b).success);
    assert.equal(b.associateMs, 3);
    assert.deepEqual(b.lures, [{ id: 'dicomhawk-sample-tcia', matches: 1 }]);
    const text = JSON.stringify(b);
    for (const value of [DICOMHAWK_SAMPLE_STUDIES[2]!, ARCHIVE_STUDY, PATIENT_ID, lureDigest(ARCHIVE_STUDY)]) assert.ok(!text.includes(value), `${value} left the probe`);
  });

  it('the keyed digests are equal for the same studies and patients in one process, in any order, and differ otherwise', () => {
    const one = createPseudonyms();
    const a = served(one, [ARCHIVE_STUDY, DICOMHAWK_SAMPLE_STUDIES[3]!], [PATIENT_ID])!;
    const b = served(one, [DICOMHAWK_SAMPLE_STUDIES[3]!, ARCHIVE_STUDY], [PATIENT_ID])!;
    const c = served(one, [ARCHIVE_STUDY], [PATIENT_ID])!;
    assert.equal(a.studyDigest, b.studyDigest);
    assert.equal(a.patientDigest, b.patientDigest);
    assert.notEqual(a.studyDigest, c.studyDigest);
    // Another process (a resumed or merged run) labels its digests apart: never taken for equal.
    const other = served(createPseudonyms(), [ARCHIVE_STUDY, DICOMHAWK_SAMPLE_STUDIES[3]!], [PATIENT_ID])!;
    assert.notEqual(other.studyDigest, a.studyDigest);
    assert.notEqual(other.studyDigest!.split(':')[0], a.studyDigest!.split(':')[0]);
  });

  it('nothing read, nothing measured: no behaviour at all', () => {
    assert.equal(new BehaviourFacts(createPseudonyms()).build({}, undefined, undefined), undefined);
  });
});

describe('dataset signature', () => {
  it('is the same for the same counts and attributes present, in any process, and changes with a count', () => {
    const s = datasetSignature(EXPOSURE, INVENTORY);
    assert.match(s!, /^[0-9a-f]{16}$/);
    assert.equal(datasetSignature({ ...EXPOSURE }, { ...INVENTORY, attributes: [...INVENTORY.attributes].reverse() }), s);
    assert.notEqual(datasetSignature({ ...EXPOSURE, images: { n: 41, atLeast: true } }, INVENTORY), s);
    assert.notEqual(datasetSignature({ ...EXPOSURE, images: { n: 40, atLeast: false } }, INVENTORY), s);
  });

  it('is absent when no study came back', () => {
    assert.equal(datasetSignature({}, INVENTORY), undefined);
    assert.equal(datasetSignature({ studies: { n: 0, atLeast: false } }, INVENTORY), undefined);
  });
});
