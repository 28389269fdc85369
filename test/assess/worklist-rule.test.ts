/** EXP-DICOM-007: a worklist that lists scheduled steps to an unknown caller; both sides of the rule. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assess } from '../../src/assess/assess.ts';
import { Finding } from '../../src/observation/finding.ts';
import { Observation, type DicomDetails } from '../../src/observation/observation.ts';
import { isExposed } from '../../src/observation/exposed.ts';
import { guessedArchive } from '../fixtures/observations.ts';

function withWorklist(mwl: DicomDetails['mwl']): Observation {
  return Observation.parse({ ...guessedArchive, details: { ...guessedArchive.details!, mwl } });
}

const OPEN: NonNullable<DicomDetails['mwl']> = {
  outcome: 'success',
  status: 0,
  matches: 6,
  capped: false,
  patients: { n: 4, atLeast: false },
  modalities: ['CT'],
  inventory: {
    records: 6,
    attributes: [
      { keyword: 'PatientName', tag: '00100010', class: 'direct-identifier', present: 6 },
      { keyword: 'RequestedProcedureDescription', tag: '00321060', class: 'sensitive', present: 5 },
      { keyword: 'ScheduledPerformingPhysicianName', tag: '00400006', class: 'context', present: 0 },
    ],
  },
};

const rule = (o: Observation) => assess(o).find((f) => f.ruleId === 'EXP-DICOM-007');

describe('EXP-DICOM-007', () => {
  it('fires, critical, on worklist items read, with counts and the keywords present as evidence', () => {
    const f = rule(withWorklist(OPEN));
    assert.ok(f);
    Finding.parse(f);
    assert.equal(f.severity, 'critical');
    assert.equal(f.evidence, 'Modality Worklist C-FIND as an unknown calling AE returned 6 scheduled procedure steps of 4 patients; identifying attributes returned: PatientName, RequestedProcedureDescription.');
    assert.match(f.remediation, /calling AE/);
    assert.equal(isExposed(withWorklist(OPEN)), true);
  });

  it('says "at least" for items read before the cap or a cut', () => {
    for (const cut of [{ capped: true, outcome: 'success' }, { capped: false, outcome: 'timeout' }] as const) {
      const f = rule(withWorklist({ ...OPEN, ...cut, patients: { n: 4, atLeast: true } }));
      assert.match(f?.evidence ?? '', /at least 6 scheduled procedure steps of at least 4 patients/);
    }
  });

  it('does not fire on an empty, refused, unnegotiated or absent worklist', () => {
    const cases: DicomDetails['mwl'][] = [
      { ...OPEN, matches: 0, patients: { n: 0, atLeast: false }, inventory: { records: 0, attributes: [] } },
      { outcome: 'refused', status: 0xa801, matches: 0, capped: false, modalities: [] },
      { outcome: 'not-negotiated', matches: 0, capped: false, modalities: [] },
      undefined,
    ];
    for (const mwl of cases) {
      const o = withWorklist(mwl);
      assert.equal(rule(o), undefined, mwl?.outcome ?? 'absent');
      assert.equal(isExposed(o), false);
    }
  });

  it('keeps only defined modality terms in the stored shape, counting the rest', () => {
    const o = withWorklist({ ...OPEN, modalities: ['CT', 'NOT-A-TERM'] });
    const d = o.details?.protocol === 'dicom' ? o.details : undefined;
    assert.deepEqual(d?.mwl?.modalities, ['CT']);
    assert.equal(d?.mwl?.otherModalities, 1);
  });
});
