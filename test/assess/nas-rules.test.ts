import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assess } from '../../src/assess/assess.ts';
import { Finding } from '../../src/observation/finding.ts';
import { Observation, type FtpDetails } from '../../src/observation/observation.ts';
import { bareNfs, closedFtp, contentSmb, guestSmb, lockedNfs, lockedRsync, lockedSmb, nfsObservation, openFtp, openNfs, openRsync, quietContentSmb, rsyncObservation, silentRsync, smbObservation, uploadFtp, walk } from '../fixtures/nas-observations.ts';

const ids = (o: Observation): string[] => assess(o).map((f) => f.ruleId);

describe('file-share rules', () => {
  it('fixtures are valid observations and findings', () => {
    for (const o of [openFtp, uploadFtp, closedFtp, guestSmb, lockedSmb, openRsync, lockedRsync, silentRsync, openNfs, lockedNfs, bareNfs]) {
      Observation.parse(o);
      for (const f of assess(o)) Finding.parse(f);
    }
  });

  it('EXP-NAS-001 fires for anonymous FTP holding DICOM files, with counts and keywords', () => {
    const f = assess(openFtp).find((x) => x.ruleId === 'EXP-NAS-001');
    assert.ok(f);
    assert.equal(f.severity, 'critical');
    assert.match(f.evidence, /anonymous FTP login: 10 DICOM files \(18698 bytes\) in 4 folders, 3 distinct patients and 4 studies/);
    assert.match(f.evidence, /PatientName/);
    assert.ok(!ids(uploadFtp).includes('EXP-NAS-001'));
    assert.ok(!ids(closedFtp).includes('EXP-NAS-001'));
  });

  it('EXP-NAS-001 says the walk stopped at its limits', () => {
    const capped = { ...openFtp, details: { ...openFtp.details!, walk: walk({ stoppedBy: ['entries'] }) } } as Observation;
    assert.match(assess(capped).find((x) => x.ruleId === 'EXP-NAS-001')!.evidence, /stopped at its limits \(entries\)/);
  });

  it('EXP-NAS-002 fires for a guest share with DICOM files, not when no session opened', () => {
    const f = assess(guestSmb).find((x) => x.ruleId === 'EXP-NAS-002');
    assert.ok(f);
    assert.match(f.evidence, /guest SMB session on share "scans": 10 DICOM files/);
    assert.ok(!ids(lockedSmb).includes('EXP-NAS-002'));
  });

  it('EXP-NAS-003 fires for anonymous access without DICOM, not when DICOM is exposed or nothing is open', () => {
    assert.ok(ids(uploadFtp).includes('EXP-NAS-003'));
    assert.ok(!ids(openFtp).includes('EXP-NAS-003'));
    assert.ok(!ids(closedFtp).includes('EXP-NAS-003'));
  });

  it('EXP-NAS-004 fires on a writable anonymous share, not on a read-only one', () => {
    assert.ok(ids(uploadFtp).includes('EXP-NAS-004'));
    assert.ok(!ids(openFtp).includes('EXP-NAS-004'));
    assert.ok(!ids(guestSmb).includes('EXP-NAS-004'));
    const probed = smbObservation({ ...guestSmb.details, shares: [{ name: 's', type: 'disk', source: 'srvsvc', access: 'tree-connected', walk: walk(), write: { advertised: 'read-only', probe: 'created-and-removed' } }] } as never);
    assert.match(assess(probed).find((x) => x.ruleId === 'EXP-NAS-004')!.evidence, /write check: created-and-removed/);
  });

  it('EXP-NAS-011 fires for an anonymous rsync module holding DICOM files, not for one behind a secret', () => {
    const f = assess(openRsync).find((x) => x.ruleId === 'EXP-NAS-011');
    assert.ok(f);
    assert.equal(f.severity, 'critical');
    assert.match(f.evidence, /anonymous rsync module "images": 10 DICOM files \(18698 bytes\) in 4 folders, 3 distinct patients/);
    assert.ok(!ids(lockedRsync).includes('EXP-NAS-011'));
    assert.ok(!ids(openFtp).includes('EXP-NAS-011'), 'an rsync rule never fires on FTP');
    assert.ok(!ids(openRsync).includes('EXP-NAS-001') && !ids(openRsync).includes('EXP-NAS-003'));
  });

  it('EXP-NAS-003 fires for an anonymous rsync module without DICOM', () => {
    const empty = rsyncObservation({ modulesListed: 1, modules: [{ name: 'pub', access: 'anonymous', walk: walk({ dicomFiles: 0, dicomBytes: 0, dicomdirs: 0, dicomFolders: 0, files: 3 }) }] });
    assert.match(assess(empty).find((x) => x.ruleId === 'EXP-NAS-003')!.evidence, /anonymous rsync module "pub": 3 files listed, none recognised as DICOM/);
  });

  it('EXP-NAS-012 fires when the daemon lists modules, counting who asked for a secret; not when it lists none', () => {
    const f = assess(openRsync).find((x) => x.ruleId === 'EXP-NAS-012');
    assert.ok(f);
    assert.equal(f.severity, 'low');
    assert.match(f.evidence, /listed 2 modules to an unauthenticated client: 1 answered without credentials, 1 asked for a secret \(none was tried\)/);
    assert.ok(ids(lockedRsync).includes('EXP-NAS-012'));
    assert.ok(!ids(silentRsync).includes('EXP-NAS-012'));
  });

  it('EXP-NAS-101 reads indicators from rsync modules too', () => {
    assert.match(assess(openRsync).find((x) => x.ruleId === 'EXP-NAS-101')!.evidence, /xmrig-config ×1 \(anonymous rsync module "images"\)/);
    assert.ok(!ids(lockedRsync).includes('EXP-NAS-101'));
  });

  it('EXP-NAS-013 fires for an NFS export open to everyone holding DICOM files, not for one limited to another host', () => {
    const f = assess(openNfs).find((x) => x.ruleId === 'EXP-NAS-013');
    assert.ok(f);
    assert.equal(f.severity, 'critical');
    assert.match(f.evidence, /NFS export "\/srv\/images" open to every client: 10 DICOM files \(18698 bytes\) in 4 folders, 3 distinct patients/);
    assert.ok(!ids(lockedNfs).includes('EXP-NAS-013'));
    assert.ok(!ids(openRsync).includes('EXP-NAS-013'), 'an NFS rule never fires on rsync');
    assert.ok(!ids(openNfs).includes('EXP-NAS-011'), 'an rsync rule never fires on NFS');
  });

  it('EXP-NAS-003 fires for an NFS export open to everyone without DICOM', () => {
    const empty = nfsObservation({ exportsListed: 1, exports: [{ path: '/pub', clients: 'everyone', clientEntries: 1, scannerListed: 'yes', access: 'mounted', walk: walk({ dicomFiles: 0, dicomBytes: 0, dicomdirs: 0, dicomFolders: 0, files: 3 }) }] });
    assert.match(assess(empty).find((x) => x.ruleId === 'EXP-NAS-003')!.evidence, /NFS export "\/pub" open to every client: 3 files listed, none recognised as DICOM/);
    assert.ok(!ids(empty).includes('EXP-NAS-013'));
    assert.ok(!ids(lockedNfs).includes('EXP-NAS-003'));
  });

  it('EXP-NAS-014 fires when MOUNT lists exports, counting the open and the mounted; not when MOUNT is not there', () => {
    const f = assess(openNfs).find((x) => x.ruleId === 'EXP-NAS-014');
    assert.ok(f);
    assert.equal(f.severity, 'low');
    assert.match(f.evidence, /MOUNT listed 2 exports to an unauthenticated client: 1 open to every client, 1 mounted/);
    assert.ok(ids(lockedNfs).includes('EXP-NAS-014'));
    assert.ok(!ids(bareNfs).includes('EXP-NAS-014'));
    assert.ok(!ids(nfsObservation({ exportList: 'refused' })).includes('EXP-NAS-014'));
  });

  it('EXP-NAS-101 and EXP-NAS-102 read NFS exports too', () => {
    assert.match(assess(openNfs).find((x) => x.ruleId === 'EXP-NAS-101')!.evidence, /xmrig-config ×1 \(NFS export "\/srv\/images" open to every client\)/);
    assert.ok(!ids(lockedNfs).includes('EXP-NAS-101'));
  });

  it('EXP-NAS-005 fires when signing is not required, not when it is', () => {
    assert.ok(ids(guestSmb).includes('EXP-NAS-005'));
    assert.ok(!ids(lockedSmb).includes('EXP-NAS-005'));
  });

  it('EXP-NAS-006 fires for DICOM over FTP without AUTH TLS, not with TLS offered or without DICOM', () => {
    assert.ok(ids(openFtp).includes('EXP-NAS-006'));
    assert.ok(!ids({ ...openFtp, details: { ...openFtp.details!, authTls: true } } as Observation).includes('EXP-NAS-006'));
    assert.ok(!ids(uploadFtp).includes('EXP-NAS-006'));
  });

  it('EXP-NAS-007 fires when srvsvc listed shares, not otherwise', () => {
    assert.ok(ids(guestSmb).includes('EXP-NAS-007'));
    assert.ok(!ids(lockedSmb).includes('EXP-NAS-007'));
  });

  it('EXP-NAS-101 fires on indicators found by content, saying so apart from names; not on text files that matched nothing', () => {
    const f = assess(contentSmb).find((x) => x.ruleId === 'EXP-NAS-101');
    assert.ok(f);
    assert.equal(f.severity, 'critical');
    assert.match(f.evidence, /^Found by content \(the first KiB of small text files, read in memory; their text and names not kept\): djvu-note-text ×2 \(guest SMB session on share "exchange"\); stratum-pool-url ×1/);
    assert.doesNotMatch(f.evidence, /by name/);
    assert.ok(!ids(contentSmb).includes('EXP-NAS-102'), 'no executable among images');
    assert.ok(!ids(quietContentSmb).includes('EXP-NAS-101'));
    const both = { ...openFtp, details: { ...openFtp.details!, walk: { ...(openFtp.details as FtpDetails).walk!, indicators: [...(openFtp.details as FtpDetails).walk!.indicators, { id: 'monero-address', kind: 'wallet-address' as const, count: 1, by: 'content' as const }] } } } as Observation;
    assert.match(assess(both).find((x) => x.ruleId === 'EXP-NAS-101')!.evidence, /^Found by name \(files never opened\): xmrig-config ×1 \(anonymous FTP login\)\. Found by content .*: monero-address ×1 \(anonymous FTP login\)\.$/);
  });

  it('EXP-NAS-101 fires on a miner config name, citing the table id; EXP-NAS-102 on a script among images', () => {
    const f = assess(openFtp).find((x) => x.ruleId === 'EXP-NAS-101');
    assert.ok(f);
    assert.equal(f.severity, 'critical');
    assert.match(f.evidence, /xmrig-config ×1/);
    assert.ok(ids(openFtp).includes('EXP-NAS-102'));
    assert.ok(!ids(guestSmb).includes('EXP-NAS-101'));
    assert.ok(!ids(guestSmb).includes('EXP-NAS-102'));
  });
});
