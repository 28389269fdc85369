import assert from 'node:assert/strict';
import { test } from 'node:test';
import { correlateHost } from '../../src/scan/correlate.ts';
import { dicomObservation, openArchive } from '../fixtures/observations.ts';
import { openOrthanc, openPortal } from '../fixtures/web-observations.ts';
import { dicomDetails } from '../../src/observation/observation.ts';

const dcmtk = dicomObservation(dicomDetails(openArchive)!, {
  endpoint: { ip: '127.0.0.2', port: 4242 },
  product: { name: 'DCMTK', version: '3.6.7', basis: 'implementation class UID', confidence: 'certain' },
});

test('a DICOM port that Orthanc REST /system names becomes Orthanc of that version', () => {
  const [d] = correlateHost([dcmtk, openOrthanc]);
  assert.equal(d?.product?.name, 'Orthanc');
  assert.equal(d?.product?.version, '1.10.1');
  assert.match(d?.product?.basis ?? '', /port 8042 names DICOM port 4242 \(DIMSE identifies as DCMTK 3\.6\.7\)/);
});

test('another DICOM port, or no Orthanc answer, keeps the DIMSE product', () => {
  const other = { ...dcmtk, endpoint: { ip: '127.0.0.2', port: 104 } };
  assert.equal(correlateHost([other, openOrthanc])[0]?.product?.name, 'DCMTK');
  assert.equal(correlateHost([dcmtk])[0]?.product?.name, 'DCMTK');
});

test('an Orthanc portal takes the version /system gave on the same port', () => {
  const [p] = correlateHost([openPortal, openOrthanc]);
  assert.equal(p?.product?.version, '1.10.1');
  assert.equal(correlateHost([{ ...openPortal, endpoint: { ip: '127.0.0.2', port: 80 } }, openOrthanc])[0]?.product?.version, undefined);
});

test('REST confirms an Orthanc named by its DICOM behaviour: certain, by REST, the DCMTK toolkit kept', () => {
  const byBehaviour = dicomObservation(dicomDetails(openArchive)!, {
    endpoint: { ip: '127.0.0.2', port: 4242 },
    product: { name: 'Orthanc', basis: 'DICOM behaviour', confidence: 'guess', identifiedBy: 'dicom-behaviour', toolkit: { name: 'DCMTK', version: '3.6.7' } },
  });
  const [d] = correlateHost([byBehaviour, openOrthanc]);
  assert.deepEqual([d?.product?.name, d?.product?.version, d?.product?.confidence, d?.product?.identifiedBy], ['Orthanc', '1.10.1', 'certain', 'rest']);
  assert.deepEqual(d?.product?.toolkit, { name: 'DCMTK', version: '3.6.7' });
  assert.match(d?.product?.basis ?? '', /\(DIMSE identifies as DCMTK 3\.6\.7\)$/);
  // A DCMTK product named by its identifiers becomes the toolkit the same way.
  assert.deepEqual(correlateHost([dcmtk, openOrthanc])[0]?.product?.toolkit, { name: 'DCMTK', version: '3.6.7' });
});
