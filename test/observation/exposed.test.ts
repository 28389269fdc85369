import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isExposed } from '../../src/observation/exposed.ts';
import type { DimseOutcome } from '../../src/observation/observation.ts';
import { dicomObservation, openArchive } from '../fixtures/observations.ts';

/** The DICOM archive of the fixtures, with its C-FIND ended as `outcome` after `matches` matches. */
function findEnded(outcome: DimseOutcome, matches: number) {
  const details = openArchive.details?.protocol === 'dicom' ? openArchive.details : undefined;
  assert.ok(details);
  return dicomObservation({ ...details, find: { ...details.find, outcome, matches, capped: false } });
}

describe('isExposed, DICOM', () => {
  it('counts any match read, however the C-FIND ended', () => {
    for (const outcome of ['success', 'timeout', 'aborted', 'protocol-error', 'failed'] as const) assert.equal(isExposed(findEnded(outcome, 3)), true, outcome);
  });

  it('counts no match as not exposed, whatever the outcome', () => {
    for (const outcome of ['success', 'timeout', 'aborted', 'refused', 'not-negotiated'] as const) assert.equal(isExposed(findEnded(outcome, 0)), false, outcome);
  });
});
