import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assess } from '../../src/assess/assess.ts';
import { Finding } from '../../src/observation/finding.ts';
import { compareVersions, knownCves } from '../../src/assess/known-cves.ts';
import { DEFAULT_CREDENTIALS } from '../../src/probes/web/default-credentials.ts';
import { dicomDetails, Observation } from '../../src/observation/observation.ts';
import { dicomObservation, openArchive } from '../fixtures/observations.ts';
import {
  blankLoginPortal,
  defaultLoginOrthanc,
  emptyOrthanc,
  GOOD_CERT,
  lockedPortal,
  lockedQido,
  openOrthanc,
  openPortal,
  openQido,
  SELF_SIGNED_EXPIRED_WEAK,
  withTls,
} from '../fixtures/web-observations.ts';

const ids = (o: Observation): string[] => assess(o).map((f) => f.ruleId);
const finding = (o: Observation, id: string) => assess(o).find((f) => f.ruleId === id);

describe('web rules', () => {
  it('fixtures are valid observations and findings are valid', () => {
    for (const o of [openQido, lockedQido, openOrthanc, emptyOrthanc, defaultLoginOrthanc, lockedPortal, blankLoginPortal, openPortal]) {
      Observation.parse(o);
      for (const f of assess(o)) Finding.parse(f);
    }
  });

  it('EXP-WEB-001 fires for an open QIDO-RS with counts and keywords, not behind a login', () => {
    const f = finding(openQido, 'EXP-WEB-001');
    assert.equal(f?.severity, 'critical');
    assert.match(f!.evidence, /listed 4 studies of 3 patients; identifying attributes returned: PatientName, PatientBirthDate/);
    assert.ok(!ids(lockedQido).includes('EXP-WEB-001'));
  });

  it('EXP-WEB-001 fires on studies listed before a later page failed, not on a first page that failed', () => {
    const d = openQido.details?.protocol === 'dicomweb' ? openQido.details : undefined;
    assert.ok(d);
    const cut: Observation = { ...openQido, details: { ...d, qido: { ...d.qido, outcome: 'malformed', pages: 2 } } };
    assert.ok(ids(cut).includes('EXP-WEB-001'));
    const never: Observation = { ...openQido, exposure: {}, details: { ...d, qido: { outcome: 'malformed', pages: 1, studies: 0, capped: false } } };
    assert.ok(!ids(never).includes('EXP-WEB-001'));
  });

  it('EXP-WEB-002 is critical for open Orthanc REST with data; EXP-WEB-003 takes the empty one', () => {
    assert.match(finding(openOrthanc, 'EXP-WEB-002')!.evidence, /3 patients, 4 studies, 5 series, 10 instances/);
    assert.ok(!ids(openOrthanc).includes('EXP-WEB-003'));
    assert.ok(!ids(emptyOrthanc).includes('EXP-WEB-002'));
    assert.equal(finding(emptyOrthanc, 'EXP-WEB-003')?.severity, 'high');
    assert.ok(!ids(defaultLoginOrthanc).includes('EXP-WEB-002'), 'not "open": it took the default login');
  });

  it('EXP-WEB-004 names the credential class and the vendor user, never a password', () => {
    const d = finding(defaultLoginOrthanc, 'EXP-WEB-004');
    assert.equal(d?.severity, 'critical');
    assert.match(d!.evidence, /vendor-default account "orthanc" after 2 attempt/);
    const out = JSON.stringify(assess(defaultLoginOrthanc));
    for (const c of DEFAULT_CREDENTIALS) {
      assert.ok(!out.includes(`${c.user}:${c.password}`) && !out.includes(Buffer.from(`${c.user}:${c.password}`).toString('base64')));
      if (c.password !== c.user) assert.ok(!out.includes(c.password), 'a default password is never echoed');
    }
    assert.match(finding(blankLoginPortal, 'EXP-WEB-004')!.evidence, /blank user name and password/);
    assert.ok(!ids(lockedPortal).includes('EXP-WEB-004'));
    assert.ok(!ids(lockedQido).includes('EXP-WEB-004'));
  });

  it('EXP-WEB-005 fires for a login portal over HTTP, not over HTTPS nor for an open portal', () => {
    assert.equal(finding(lockedPortal, 'EXP-WEB-005')?.severity, 'medium');
    assert.ok(!ids(withTls(lockedPortal, GOOD_CERT)).includes('EXP-WEB-005'));
    assert.ok(!ids(openPortal).includes('EXP-WEB-005'));
  });

  it('EXP-WEB-007 fires for a portal that answers without a login, not behind one', () => {
    assert.match(finding(openPortal, 'EXP-WEB-007')!.evidence, /Orthanc web interface answered without a login \(signature orthanc-explorer on \/app\/explorer.html\)/);
    assert.ok(!ids(lockedPortal).includes('EXP-WEB-007'));
    assert.ok(!ids(blankLoginPortal).includes('EXP-WEB-007'));
  });

  it('EXP-WEB-006 lists the web-side CVEs of an old Orthanc on its REST API, not of a fixed one', () => {
    assert.match(finding(openOrthanc, 'EXP-WEB-006')!.evidence, /CVE-2023-33466/);
    assert.doesNotMatch(finding(openOrthanc, 'EXP-WEB-006')!.evidence, /CVE-2025-0896/);
    assert.ok(!ids(emptyOrthanc).includes('EXP-WEB-006'));
  });

  it('EXP-WEB-006 never fires on a DICOM service, even for a product with web-side CVEs', () => {
    const orthancDicom = dicomObservation(dicomDetails(openArchive)!, { product: { name: 'Orthanc', version: '1.10.1', basis: 'implementation version name', confidence: 'certain' } });
    assert.ok(!ids(orthancDicom).includes('EXP-WEB-006'));
    assert.ok(!ids(withTls(orthancDicom, GOOD_CERT)).includes('EXP-WEB-006'));
    assert.ok(!ids(orthancDicom).includes('EXP-DICOM-006'), 'an Orthanc REST flaw is not reached through the DICOM port');
  });

  it('EXP-DICOM-006 lists DICOM-side CVEs for an old DCMTK on its DICOM port, not for a fixed one nor on a web service', () => {
    const oldDcmtk = dicomObservation(dicomDetails(openArchive)!, { product: { name: 'DCMTK', version: '3.6.6', basis: 'uid', confidence: 'certain' } });
    assert.match(finding(oldDcmtk, 'EXP-DICOM-006')!.evidence, /DCMTK 3\.6\.6: CVE-2022-2119, CVE-2022-2120, CVE-2022-2121 \(fixed in 3\.6\.7/);
    assert.ok(!ids(oldDcmtk).includes('EXP-WEB-006'));
    const newDcmtk = dicomObservation(dicomDetails(openArchive)!, { product: { name: 'DCMTK', version: '3.6.7', basis: 'uid', confidence: 'certain' } });
    assert.ok(!ids(newDcmtk).includes('EXP-DICOM-006'));
    const dcmtkPortal = { ...openPortal, product: { name: 'DCMTK', version: '3.6.6', basis: 'test', confidence: 'certain' as const } };
    assert.ok(!ids(dcmtkPortal).includes('EXP-DICOM-006') && !ids(dcmtkPortal).includes('EXP-WEB-006'));
  });

  it('EXP-DICOM-006 on an Orthanc named by its DICOM behaviour over an old DCMTK: the toolkit\'s CVEs, said to be the toolkit\'s, never DCMTK as the product', () => {
    const onToolkit = (version: string) =>
      dicomObservation(dicomDetails(openArchive)!, {
        product: { name: 'Orthanc', basis: 'DICOM behaviour', confidence: 'likely', identifiedBy: 'dicom-behaviour', toolkit: { name: 'DCMTK', version } },
      });
    const evidence = finding(onToolkit('3.6.6'), 'EXP-DICOM-006')!.evidence;
    assert.match(evidence, /^Orthanc \(DICOM behaviour, likely\) is built on DCMTK 3\.6\.6, whose identifiers it answers with: CVE-2022-2119, CVE-2022-2120, CVE-2022-2121 \(fixed in 3\.6\.7/);
    assert.match(evidence, /These are DCMTK's flaws; whether Orthanc reaches them depends on which parts of DCMTK it uses\.$/);
    assert.doesNotMatch(evidence, /^DCMTK/);
    assert.ok(!ids(onToolkit('3.6.7')).includes('EXP-DICOM-006'));
    const withoutVersion = dicomObservation(dicomDetails(openArchive)!, {
      product: { name: 'Orthanc', basis: 'DICOM behaviour', confidence: 'likely', identifiedBy: 'dicom-behaviour', toolkit: { name: 'DCMTK' } },
    });
    assert.ok(!ids(withoutVersion).includes('EXP-DICOM-006'));
  });

  it('compares versions numerically and refuses non-numeric ones', () => {
    assert.equal(compareVersions('1.10.1', '1.9'), 1);
    assert.equal(compareVersions('1.5.7', '1.5.8'), -1);
    assert.equal(compareVersions('3.6.7', '3.6.7'), 0);
    assert.equal(compareVersions('mainline', '1.0'), undefined);
    assert.deepEqual(knownCves('Orthanc', 'mainline'), []);
  });
});

describe('TLS rules', () => {
  const bad = withTls(lockedPortal, SELF_SIGNED_EXPIRED_WEAK);
  const good = withTls(lockedPortal, GOOD_CERT);

  it('EXP-TLS-001/002/004/005 fire on an expired, self-signed, TLS 1.0, 1024-bit certificate', () => {
    const got = ids(bad);
    for (const id of ['EXP-TLS-001', 'EXP-TLS-002', 'EXP-TLS-004', 'EXP-TLS-005']) assert.ok(got.includes(id), id);
    assert.match(finding(bad, 'EXP-TLS-001')!.evidence, /expired on 2020-01-01/);
  });

  it('none of them fires on a CA-issued, current, TLS 1.3 certificate, nor on plain HTTP', () => {
    for (const o of [good, lockedPortal]) {
      const got = ids(o);
      for (const id of ['EXP-TLS-001', 'EXP-TLS-002', 'EXP-TLS-004', 'EXP-TLS-005']) assert.ok(!got.includes(id), id);
    }
  });

  it('EXP-TLS-002 also fires for DICOM TLS', () => {
    const dicomTls = dicomObservation(dicomDetails(openArchive)!, { protocol: 'dicom-tls', tls: true, tlsInfo: SELF_SIGNED_EXPIRED_WEAK, endpoint: { ip: '127.0.0.12', port: 2762 } });
    assert.ok(ids(dicomTls).includes('EXP-TLS-002'));
    assert.ok(!ids(dicomTls).includes('EXP-DICOM-004'), 'DICOM over TLS is not "without TLS"');
  });

  it('EXP-TLS-003 fires for Orthanc REST and DICOMweb in clear text, not over HTTPS', () => {
    assert.ok(ids(openOrthanc).includes('EXP-TLS-003'));
    assert.ok(ids(lockedQido).includes('EXP-TLS-003'));
    assert.ok(!ids(emptyOrthanc).includes('EXP-TLS-003'));
    assert.ok(!ids(openPortal).includes('EXP-TLS-003'));
  });
});
