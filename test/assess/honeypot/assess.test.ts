import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessService, serviceSignals } from '../../../src/assess/honeypot/index.ts';
import { levelOf } from '../../../src/assess/honeypot/signals.ts';
import { identityContradiction, honeypotPersona } from '../../../src/assess/honeypot/personas.ts';
import type { DicomDetails } from '../../../src/observation/observation.ts';

/** An archive that accepted our unlikely called AE title and answered the study query, as the lab's Orthanc does. */
function details(over: Partial<DicomDetails> = {}, peer: Partial<NonNullable<DicomDetails['peer']>> = {}): DicomDetails {
  return {
    protocol: 'dicom',
    attempts: [],
    acceptedCalledAeTitle: 'XQ-NO-SUCH-AE-7',
    acceptsAnyCalledAeTitle: true,
    peer: {
      implementationClassUid: '1.2.276.0.7230010.3.0.3.6.7',
      implementationVersionName: 'OFFIS_DCMTK_367',
      maxPduLength: 16384,
      acceptedContexts: [],
      rejectedContexts: [],
      ...peer,
    },
    echo: { outcome: 'success', status: 0 },
    find: { outcome: 'success', level: 'STUDY', matches: 4, capped: false, modalities: ['CT'] },
    release: 'released',
    behaviour: { associateMs: 12, findMs: 30, signature: '0123456789abcdef', studyDigest: 'aaaaaaaa:11111111' },
    ...over,
  };
}

const GE_PERSONA = { implementationClassUid: '1.2.840.113619.6.96', implementationVersionName: 'GE_PACS_REV_24' };

/** One service's assessment, given the run's crowd digests (which the store finds in SQL: test/store/honeypot-crowds.test.ts). */
function assessed(d: DicomDetails, crowds: ReadonlySet<string> = new Set()): ReturnType<typeof assessService> {
  return assessService({ id: 1, ip: '10.0.0.1', details: d }, crowds);
}

test('an open Orthanc-like archive is unlikely: accepting any called AE title is not enough', () => {
  const a = assessed(details());
  assert.deepEqual(a, { level: 'unlikely', score: 15, signals: ['any-called-ae'] });
});

test('an archive that checks called AE titles and answers slowly shows no signal', () => {
  const a = assessed(details({ acceptsAnyCalledAeTitle: false, acceptedCalledAeTitle: 'ORTHANC' }));
  assert.deepEqual(a, { level: 'unlikely', score: 0, signals: [] });
});

test('a DICOMHawk vendor persona serving its sample studies is likely, with each signal named', () => {
  const d = details({ behaviour: { associateMs: 1, findMs: 2, lures: [{ id: 'dicomhawk-sample-tcia', matches: 4 }] } }, GE_PERSONA);
  const a = assessed(d);
  assert.equal(a.level, 'likely');
  assert.equal(a.score, 100);
  assert.deepEqual(a.signals, ['any-called-ae', 'honeypot-persona', 'lure-dataset', 'fast-responses']);
});

test('a keyed dataset a crowd served, on a host that accepts any AE, is possible alone, likely with an anomaly', () => {
  const d = details();
  const keyed = assessed(d, new Set([d.behaviour!.studyDigest!]));
  assert.equal(keyed.level, 'possible');
  assert.deepEqual(keyed.signals, ['any-called-ae', 'same-keyed-dataset']);
  const both = new Set([d.behaviour!.studyDigest!, d.behaviour!.signature!]);
  const a = assessed(d, both);
  assert.equal(a.level, 'possible');
  assert.deepEqual(a.signals, ['any-called-ae', 'same-keyed-dataset', 'same-dataset']);
  const spoofed = assessed(details({}, { implementationClassUid: undefined }), both);
  assert.equal(spoofed.level, 'likely');
  assert.ok(spoofed.signals.includes('no-implementation-uid'));
});

test('a crowd digest counts only on a host that accepts any AE, and digests the crowd did not serve count nothing', () => {
  const d = details();
  const crowds = new Set([d.behaviour!.studyDigest!, d.behaviour!.signature!]);
  assert.deepEqual(assessed(details({ acceptsAnyCalledAeTitle: false }), crowds).signals, []);
  assert.deepEqual(assessed(d, new Set(['ffffffff:ffffffff', 'ffffffffffffffff'])).signals, ['any-called-ae']);
  // The patient digest makes a crowd as the study digest does.
  const patients = details({ behaviour: { associateMs: 12, findMs: 30, patientDigest: 'bbbbbbbb:22222222' } });
  assert.deepEqual(assessed(patients, new Set(['bbbbbbbb:22222222'])).signals, ['any-called-ae', 'same-keyed-dataset']);
});

test("DCMTK's identity with pynetdicom's default maximum PDU is a contradiction; with DCMTK's own it is not", () => {
  assert.match(identityContradiction({ implementationClassUid: '1.2.276.0.7230010.3.0.3.6.2', maxPduLength: 16382 }) ?? '', /pynetdicom/);
  assert.equal(identityContradiction({ implementationClassUid: '1.2.276.0.7230010.3.0.3.6.2', maxPduLength: 16384 }), undefined);
  assert.match(identityContradiction({ implementationClassUid: '1.2.826.0.1.3680043.9.3811.2.0.1', implementationVersionName: 'ORTHANC' }) ?? '', /Orthanc/);
  assert.equal(identityContradiction({ implementationClassUid: '1.2.276.0.7230010.3.0.3.6.7', implementationVersionName: 'OFFIS_DCMTK_367' }), undefined);
  // Orthanc under its own root is Orthanc.
  assert.equal(identityContradiction({ implementationClassUid: '1.2.826.0.1.3680043.2.1143.107.104.103.115.2.8.4', implementationVersionName: 'ORTHANC_1_12_1' }), undefined);
});

test("DICOMHawk's copy of DCMTK 3.6.2 is not a persona signal by itself: real DCMTK 3.6.2 sends the same", () => {
  assert.equal(honeypotPersona({ implementationClassUid: '1.2.276.0.7230010.3.0.3.6.2', implementationVersionName: 'OFFIS_DCMTK_362' }), undefined);
  assert.equal(honeypotPersona(GE_PERSONA)?.id, 'dicomhawk-ge-ct');
});

test('fast answers are a weak signal only when the query returned matches', () => {
  assert.ok(serviceSignals(details({ behaviour: { associateMs: 1, findMs: 1 } })).has('fast-responses'));
  assert.ok(!serviceSignals(details({ behaviour: { associateMs: 1, findMs: 1 }, find: { outcome: 'success', level: 'STUDY', matches: 0, capped: false, modalities: [] } })).has('fast-responses'));
  assert.equal(levelOf(['any-called-ae', 'fast-responses']).level, 'unlikely');
});

test('a service that was never associated has no signal', () => {
  const { acceptedCalledAeTitle: _, ...rest } = details();
  assert.equal(serviceSignals({ ...rest, acceptsAnyCalledAeTitle: false }).size, 0);
});
