/**
 * The behaviour table: each fact read from the details as the lab's real servers left
 * them (Orthanc 1.10.1 open, echo-only and behind its default AE title; dcmqrscp,
 * storescp and wlmscpfs, all answering with DCMTK 3.6.7's identifiers), each entry
 * with a peer it names and one it must not, and the product recorded from it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DicomDetails, Observation, type AssociationAttempt } from '../../../src/observation/observation.ts';
import {
  BEHAVIOUR_FINGERPRINTS,
  behaviourFacts,
  productByBehaviour,
  refineByBehaviour,
  type BehaviourFact,
} from '../../../src/probes/dicom/behaviour-fingerprints.ts';
import { fingerprintDicom } from '../../../src/probes/dicom/fingerprints.ts';
import { UID } from '../../../src/protocols/dicom/uids.ts';
import { productLabel } from '../../../src/observation/product.ts';
import { correct, except, probeArchive } from './scripted-archive.ts';

const HOST = '127.0.101.20';

const DCMTK_367 = { implementationClassUid: '1.2.276.0.7230010.3.0.3.6.7', implementationVersionName: 'OFFIS_DCMTK_367', maxPduLength: 16384 };
const EXPLICIT = UID.explicitVrLittleEndian;

const accepted = (calledAeTitle: string, origin: AssociationAttempt['origin']): AssociationAttempt => ({ calledAeTitle, callingAeTitle: 'EXPOSURE', origin, outcome: 'accepted' });
const calledAeRejected: AssociationAttempt = {
  calledAeTitle: 'XQ-NO-SUCH-AE-7',
  callingAeTitle: 'EXPOSURE',
  origin: 'unlikely',
  outcome: 'rejected',
  reject: { result: 1, source: 1, reason: 7, text: 'called AE title not recognised' },
};
const contexts = (accept: readonly string[], reject: readonly string[]) => ({
  acceptedContexts: accept.map((abstractSyntax) => ({ abstractSyntax, transferSyntax: EXPLICIT })),
  rejectedContexts: reject.map((abstractSyntax) => ({ abstractSyntax, result: 3 })),
});

function details(d: Partial<DicomDetails> & Pick<DicomDetails, 'attempts'>): DicomDetails {
  return DicomDetails.parse({
    protocol: 'dicom',
    acceptsAnyCalledAeTitle: false,
    echo: { outcome: 'success', status: 0 },
    find: { outcome: 'not-attempted', level: 'STUDY', matches: 0, capped: false, modalities: [] },
    release: 'released',
    ...d,
  });
}

/** The lab's servers, as the probe's details recorded them (measured on 127.0.101.x). */
const LAB = {
  'orthanc-open': details({
    attempts: [accepted('XQ-NO-SUCH-AE-7', 'unlikely')],
    acceptedCalledAeTitle: 'XQ-NO-SUCH-AE-7',
    acceptsAnyCalledAeTitle: true,
    peer: { ...DCMTK_367, respondingAeTitle: 'XQ-NO-SUCH-AE-7', ...contexts([UID.verification, UID.studyRootFind], [UID.modalityWorklistFind]) },
    find: { outcome: 'success', level: 'STUDY', status: 0, matches: 4, capped: false, modalities: ['CT', 'MR'], answer: { specificCharacterSet: 4, studyRelatedCounts: 4 } },
  }),
  'orthanc-echo-only': details({
    attempts: [accepted('XQ-NO-SUCH-AE-7', 'unlikely')],
    acceptedCalledAeTitle: 'XQ-NO-SUCH-AE-7',
    acceptsAnyCalledAeTitle: true,
    peer: { ...DCMTK_367, respondingAeTitle: 'XQ-NO-SUCH-AE-7', ...contexts([UID.verification, UID.studyRootFind], [UID.modalityWorklistFind]) },
    find: { outcome: 'aborted', level: 'STUDY', matches: 0, capped: false, modalities: [], abort: { source: 0, reason: 0 } },
    release: 'aborted',
  }),
  'orthanc-default-login': details({
    attempts: [calledAeRejected, accepted('ORTHANC', 'guess-list')],
    acceptedCalledAeTitle: 'ORTHANC',
    peer: { ...DCMTK_367, respondingAeTitle: 'ORTHANC', ...contexts([UID.verification, UID.studyRootFind], [UID.modalityWorklistFind]) },
    find: { outcome: 'aborted', level: 'STUDY', matches: 0, capped: false, modalities: [], abort: { source: 0, reason: 0 } },
    release: 'aborted',
  }),
  dcmqrscp: details({
    attempts: [calledAeRejected, { ...calledAeRejected, calledAeTitle: 'ORTHANC', origin: 'guess-list' }, accepted('DCMQRSCP', 'guess-list')],
    acceptedCalledAeTitle: 'DCMQRSCP',
    peer: { ...DCMTK_367, respondingAeTitle: 'DCMQRSCP', ...contexts([UID.verification, UID.studyRootFind], [UID.modalityWorklistFind]) },
    find: { outcome: 'success', level: 'STUDY', status: 0, matches: 3, capped: false, modalities: ['CT'], answer: { specificCharacterSet: 0, studyRelatedCounts: 0 } },
  }),
  storescp: details({
    attempts: [accepted('XQ-NO-SUCH-AE-7', 'unlikely')],
    acceptedCalledAeTitle: 'XQ-NO-SUCH-AE-7',
    acceptsAnyCalledAeTitle: true,
    peer: { ...DCMTK_367, respondingAeTitle: 'XQ-NO-SUCH-AE-7', ...contexts([UID.verification], [UID.studyRootFind, UID.modalityWorklistFind]) },
    find: { outcome: 'not-negotiated', level: 'STUDY', matches: 0, capped: false, modalities: [] },
  }),
  wlmscpfs: details({
    attempts: [calledAeRejected, accepted('OFFIS', 'guess-list')],
    acceptedCalledAeTitle: 'OFFIS',
    peer: { ...DCMTK_367, respondingAeTitle: 'OFFIS', ...contexts([UID.verification, UID.modalityWorklistFind], [UID.studyRootFind]) },
    find: { outcome: 'not-negotiated', level: 'STUDY', matches: 0, capped: false, modalities: [] },
    mwl: { outcome: 'success', status: 0, matches: 4, capped: false, modalities: ['CT', 'MR', 'US'] },
  }),
} as const;

/** For each fact: lab details that show it, and details that must not. */
const FACT_FIXTURES: Record<BehaviourFact, { shows: DicomDetails; lacks: DicomDetails }> = {
  'find-adds-specific-character-set': { shows: LAB['orthanc-open'], lacks: LAB.dcmqrscp },
  'find-fills-study-related-counts': { shows: LAB['orthanc-open'], lacks: LAB.dcmqrscp },
  'find-refused-by-abort': { shows: LAB['orthanc-echo-only'], lacks: LAB.storescp },
  'called-ae-orthanc-accepted': { shows: LAB['orthanc-default-login'], lacks: LAB.dcmqrscp },
};

describe('behaviour facts', () => {
  for (const [fact, { shows, lacks }] of Object.entries(FACT_FIXTURES) as Array<[BehaviourFact, { shows: DicomDetails; lacks: DicomDetails }]>) {
    it(`reads ${fact} where the peer showed it, and not where it did not`, () => {
      assert.ok(behaviourFacts(shows).includes(fact));
      assert.ok(!behaviourFacts(lacks).includes(fact));
    });
  }

  it('every entry of the table asks for facts these fixtures cover, and cites a source', () => {
    for (const fp of BEHAVIOUR_FINGERPRINTS) {
      for (const f of fp.requires) assert.ok(FACT_FIXTURES[f], f);
      assert.ok(fp.source.length > 40, fp.source);
      assert.ok(fp.weight > 0);
    }
  });

  it('an abort that is not the service user\'s, a closed connection, or an abort after matches is no refusal', () => {
    const echoOnly = LAB['orthanc-echo-only'];
    const byProvider = { ...echoOnly, find: { ...echoOnly.find, abort: { source: 2, reason: 0 } } };
    const closed = { ...echoOnly, find: { ...echoOnly.find, abort: undefined } };
    const afterMatches = { ...echoOnly, find: { ...echoOnly.find, matches: 2 } };
    for (const d of [byProvider, closed, afterMatches]) assert.ok(!behaviourFacts(d).includes('find-refused-by-abort'));
  });

  it('ORTHANC accepted as the first title tried (no check of the called AE) is not the default-title fact', () => {
    const d = details({ attempts: [accepted('ORTHANC', 'user')], acceptedCalledAeTitle: 'ORTHANC', peer: { ...DCMTK_367, ...contexts([UID.verification], []) } });
    assert.deepEqual(behaviourFacts(d), []);
  });
});

describe('what the behaviour says the product is', () => {
  it('names the Orthancs, the open one and the one behind ORTHANC likely, the echo-only one a guess', () => {
    assert.deepEqual(productByBehaviour(LAB['orthanc-open']), {
      product: 'Orthanc',
      toolkit: { name: 'DCMTK', version: '3.6.7' },
      confidence: 'likely',
      facts: ['find-adds-specific-character-set', 'find-fills-study-related-counts'],
    });
    assert.equal(productByBehaviour(LAB['orthanc-default-login'])?.confidence, 'likely');
    assert.deepEqual(productByBehaviour(LAB['orthanc-default-login'])?.facts, ['find-refused-by-abort', 'called-ae-orthanc-accepted']);
    assert.equal(productByBehaviour(LAB['orthanc-echo-only'])?.confidence, 'guess');
  });

  it('leaves DCMTK\'s own servers to their identifiers: they are DCMTK', () => {
    for (const name of ['dcmqrscp', 'storescp', 'wlmscpfs'] as const) assert.equal(productByBehaviour(LAB[name]), undefined, name);
  });

  it('the default title alone is a hint, not a name', () => {
    const d = { ...LAB['orthanc-default-login'], find: { ...LAB.storescp.find } };
    assert.deepEqual(behaviourFacts(d), ['called-ae-orthanc-accepted']);
    assert.equal(productByBehaviour(d), undefined);
  });

  it('reads nothing over identifiers that name no toolkit of the table, or none at all', () => {
    const open = LAB['orthanc-open'];
    const dcm4che = { ...open, peer: { ...open.peer!, implementationClassUid: '1.2.40.0.13.1.3', implementationVersionName: 'dcm4che-5.31.0' } };
    assert.equal(productByBehaviour(dcm4che), undefined);
    const silent = { ...open, peer: { ...open.peer!, implementationClassUid: undefined, implementationVersionName: undefined } };
    assert.equal(productByBehaviour(silent), undefined);
  });
});

describe('the product recorded', () => {
  const uid = (d: DicomDetails) => fingerprintDicom(d.peer?.implementationClassUid, d.peer?.implementationVersionName);

  it('Orthanc by DICOM behaviour, no version claimed, DCMTK 3.6.7 kept as the toolkit; the schema keeps it all', () => {
    const p = refineByBehaviour(uid(LAB['orthanc-open']), LAB['orthanc-open']);
    assert.equal(p?.name, 'Orthanc');
    assert.equal(p?.version, undefined);
    assert.equal(p?.identifiedBy, 'dicom-behaviour');
    assert.deepEqual(p?.toolkit, { name: 'DCMTK', version: '3.6.7' });
    assert.match(p?.basis ?? '', /^DICOM behaviour: C-FIND matches add Specific Character Set; C-FIND matches fill the study-related counts; identifiers of DCMTK 3\.6\.7$/);
    assert.equal(productLabel(p!), 'Orthanc (DICOM behaviour, likely)');
    const o = Observation.parse({ protocol: 'dicom', endpoint: { ip: '127.0.0.2', port: 4242 }, status: 'success', startedAt: '2026-01-01T00:00:00Z', durationMs: 1, tls: false, product: p, exposure: {} });
    assert.deepEqual(o.product, p);
  });

  it('dcmqrscp stays DCMTK 3.6.7 by its implementation UID, and a product the identifiers named on their own is not touched', () => {
    const p = refineByBehaviour(uid(LAB.dcmqrscp), LAB.dcmqrscp);
    assert.deepEqual([p?.name, p?.version, p?.identifiedBy], ['DCMTK', '3.6.7', 'implementation-uid']);
    assert.equal(productLabel(p!), 'DCMTK 3.6.7');
    const rest = { name: 'Orthanc', version: '1.10.1', basis: 'REST', confidence: 'certain' as const, identifiedBy: 'rest' as const };
    assert.equal(refineByBehaviour(rest, LAB['orthanc-open']), rest);
    assert.equal(refineByBehaviour(undefined, LAB['orthanc-open']), undefined);
  });
});

describe('what the probe records for the table', () => {
  it('counts, of the matches read, those with Specific Character Set and those with both study-related counts', async () => {
    const { d } = await probeArchive(HOST, correct, { ioTimeoutMs: 2000 });
    // The scripted archive's matches fill the counts and carry no Specific Character Set.
    assert.deepEqual(d?.find.answer, { specificCharacterSet: 0, studyRelatedCounts: 2 });
    assert.equal(d?.find.abort, undefined);
  });

  it('keeps the A-ABORT that answered its C-FIND-RQ, and asks the worklist nothing after it', async () => {
    const { d, o } = await probeArchive(HOST, except((rq) => (rq.type === 'C-FIND-RQ' ? [{ type: 'A-ABORT', source: 0, reason: 0 }] : [])), { ioTimeoutMs: 2000 });
    assert.equal(o.status, 'success');
    assert.equal(d?.find.outcome, 'aborted');
    assert.deepEqual(d?.find.abort, { source: 0, reason: 0 });
    assert.equal(d?.find.answer, undefined);
    assert.ok(behaviourFacts(d!).includes('find-refused-by-abort'));
    assert.equal(d?.mwl?.outcome, 'not-attempted');
  });
});
