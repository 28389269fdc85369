import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assess } from '../../src/assess/assess.ts';
import { Finding } from '../../src/observation/finding.ts';
import { RULES } from '../../src/assess/rules/index.ts';
import { Observation } from '../../src/observation/observation.ts';
import { dicomObservation, guessedArchive, lockedArchive, openArchive, refusedPort } from '../fixtures/observations.ts';

const ids = (o: Observation): string[] => assess(o).map((f) => f.ruleId);

describe('rules', () => {
  it('have unique, well-formed ids', () => {
    const seen = new Set<string>();
    for (const r of RULES) {
      assert.match(r.id, /^EXP-[A-Z]+-\d{3}$/);
      assert.ok(!seen.has(r.id), `duplicate rule id ${r.id}`);
      seen.add(r.id);
      assert.ok(r.references.length > 0, `${r.id} has no reference`);
      assert.ok(r.remediation.length > 20, `${r.id} has no remediation`);
    }
  });

  it('fixtures are valid observations', () => {
    for (const o of [openArchive, guessedArchive, lockedArchive, refusedPort]) Observation.parse(o);
  });

  it('EXP-DICOM-001 fires when C-FIND returns records, with counts and keywords as evidence', () => {
    const f = assess(openArchive).find((x) => x.ruleId === 'EXP-DICOM-001');
    assert.ok(f);
    assert.equal(f.severity, 'critical');
    assert.match(f.evidence, /returned 4 studies of 3 patients \(10 images\)/);
    assert.match(f.evidence, /PatientName, PatientBirthDate/);
    Finding.parse(f);
  });

  it('EXP-DICOM-001 says "at least" for a capped count', () => {
    const capped = dicomObservation(
      { ...openArchive.details!, find: { outcome: 'success', level: 'STUDY', matches: 1000, capped: true, modalities: [] } } as never,
      { exposure: { studies: { n: 1000, atLeast: true } } },
    );
    assert.match(assess(capped).find((x) => x.ruleId === 'EXP-DICOM-001')!.evidence, /at least 1000 studies/);
  });

  it('EXP-DICOM-001 does not fire on an empty or refused query', () => {
    assert.ok(!ids(guessedArchive).includes('EXP-DICOM-001'));
    assert.ok(!ids(lockedArchive).includes('EXP-DICOM-001'));
  });

  it('EXP-DICOM-001 fires on matches read before a timeout or an abort, as "at least"; not on a timeout before any', () => {
    for (const outcome of ['timeout', 'aborted', 'protocol-error'] as const) {
      const cut = dicomObservation(
        { ...openArchive.details!, find: { outcome, level: 'STUDY', matches: 200, capped: true, modalities: [] } } as never,
        { exposure: { studies: { n: 200, atLeast: true } } },
      );
      assert.match(assess(cut).find((x) => x.ruleId === 'EXP-DICOM-001')?.evidence ?? '', /at least 200 studies/, outcome);
      const none = dicomObservation({ ...openArchive.details!, find: { outcome, level: 'STUDY', matches: 0, capped: false, modalities: [] } } as never, { exposure: {} });
      assert.ok(!ids(none).includes('EXP-DICOM-001'), outcome);
    }
  });

  it('EXP-DICOM-002 fires for any-AE acceptance with echo, not for a guessed title', () => {
    assert.ok(ids(openArchive).includes('EXP-DICOM-002'));
    assert.ok(!ids(guessedArchive).includes('EXP-DICOM-002'));
  });

  it('EXP-DICOM-003 fires when a default title was accepted after rejections, not when any title works', () => {
    const f = assess(guessedArchive).find((x) => x.ruleId === 'EXP-DICOM-003');
    assert.ok(f);
    assert.match(f.evidence, /"DCMQRSCP".*after 3 association attempts/);
    assert.ok(!ids(openArchive).includes('EXP-DICOM-003'));
    assert.ok(!ids(lockedArchive).includes('EXP-DICOM-003'));
  });

  it('EXP-DICOM-004 fires when DICOM was spoken in clear text, not on TLS nor on a refused port', () => {
    assert.ok(ids(lockedArchive).includes('EXP-DICOM-004'));
    assert.ok(!ids({ ...lockedArchive, tls: true }).includes('EXP-DICOM-004'));
    assert.deepEqual(ids(refusedPort), []);
  });

  it('EXP-DICOM-005 fires for a successful empty query only', () => {
    assert.ok(ids(guessedArchive).includes('EXP-DICOM-005'));
    assert.ok(!ids(openArchive).includes('EXP-DICOM-005'));
  });

  it('orders findings by severity', () => {
    const sev = assess(openArchive).map((f) => f.severity);
    assert.deepEqual(sev, ['critical', 'high', 'medium']);
  });
});
