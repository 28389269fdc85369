import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprintDicom } from '../../../src/probes/dicom/fingerprints.ts';
import { calledAeCandidates, UNLIKELY_CALLED_AE_TITLE } from '../../../src/probes/dicom/ae-titles.ts';
import { validateAeTitle } from '../../../src/protocols/dicom/ae-title.ts';

describe('DICOM fingerprints', () => {
  it('names DCMTK and its version from the UID and version name Orthanc and dcmqrscp send', () => {
    const p = fingerprintDicom('1.2.276.0.7230010.3.0.3.6.7', 'OFFIS_DCMTK_367');
    assert.deepEqual({ name: p?.name, version: p?.version, confidence: p?.confidence }, { name: 'DCMTK', version: '3.6.7', confidence: 'certain' });
  });

  it('matches a UID root only at a dot boundary', () => {
    assert.equal(fingerprintDicom('1.2.276.0.72300109', undefined), undefined);
    assert.equal(fingerprintDicom('1.2.276.0.7230010.3.1', 'SOMETHING')?.name, 'DCMTK');
  });

  it('recognises dcm4che, Conquest and fo-dicom', () => {
    assert.equal(fingerprintDicom('1.2.40.0.13.1.3', 'dcm4che-5.31.0')?.version, '5.31.0');
    assert.equal(fingerprintDicom('1.2.826.0.1.3680043.2.135.1066.101', '1.5.0/WIN32')?.name, 'Conquest DICOM');
    assert.equal(fingerprintDicom('1.3.6.1.4.1.30071.8', 'fo-dicom 4.0.8')?.version, '4.0.8');
  });

  it('prefers a product version name over the toolkit UID it embeds', () => {
    assert.equal(fingerprintDicom('1.2.276.0.7230010.3.0.3.6.2', 'OSIRIX_361')?.name, 'OsiriX / Horos');
  });

  it('returns nothing for an unknown peer or a peer that sent nothing', () => {
    assert.equal(fingerprintDicom('1.9.9.9', 'WHO_KNOWS'), undefined);
    assert.equal(fingerprintDicom(undefined, undefined), undefined);
  });
});

describe('called AE titles', () => {
  it('tries the unlikely title first, then the user list, then defaults, without repeats', () => {
    const c = calledAeCandidates(['MYPACS', 'ORTHANC'], true);
    assert.equal(c[0]?.aeTitle, UNLIKELY_CALLED_AE_TITLE);
    assert.deepEqual(c.slice(1, 3).map((x) => [x.aeTitle, x.origin]), [['MYPACS', 'user'], ['ORTHANC', 'user']]);
    assert.equal(c.filter((x) => x.aeTitle === 'ORTHANC').length, 1);
    assert.ok(c.some((x) => x.aeTitle === 'DCMQRSCP' && x.origin === 'guess-list'));
    assert.equal(calledAeCandidates([], false).length, 1);
  });

  it('validates AE titles per PS3.8', () => {
    assert.equal(validateAeTitle('EXPOSURE'), undefined);
    assert.match(validateAeTitle('A'.repeat(17))!, /1 to 16/);
    assert.match(validateAeTitle('   ')!, /all spaces/);
    assert.match(validateAeTitle('BAD\\AE')!, /backslash/);
  });
});
