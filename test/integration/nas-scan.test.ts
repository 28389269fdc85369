/**
 * The file-share path against real servers: vsftpd (anonymous read-only with
 * canary studies; anonymous with a writable drop folder) and Samba (guest
 * share with studies beside a password-only share; no guest at all), scanned
 * with `exposure scan` as a user runs it, then
 *  - counts, inventory, indicators and findings equal what the lab holds;
 *  - walks larger than the limits stop there and say so;
 *  - --check-write creates and removes its file and nothing else changes;
 *  - no canary patient value in any byte of the store, the reports or the logs.
 * Runs on 127.0.50.x, this suite's own block.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startNasLab, type NasLab, type NasLabServer, type NasServerName } from '../../src/lab/nas-lab.ts';
import type { FtpDetails, SmbDetails } from '../../src/observation/observation.ts';
import type { ServiceRow } from '../../src/store/store.ts';
import { describeCanaryPrivacy, exposureIn, scanServices, scanWithReports } from './share-scan.ts';

/** The FTP and SMB servers (the rsync daemon has its own suite, test/integration/rsync.test.ts). */
type ShareServer = Exclude<NasServerName, 'rsyncd' | 'nfs-ganesha'>;
const ADDRESSES: Record<ShareServer, string> = {
  'ftp-anonymous': '127.0.50.7',
  'ftp-upload': '127.0.50.8',
  'smb-guest': '127.0.50.9',
  'smb-locked': '127.0.50.10',
};

let labDir: string;
let outDir: string;
let lab: NasLab;
let services: ServiceRow[];

function exposure(args: string[], name: string): Promise<void> {
  return exposureIn(outDir, args, name);
}

function server(name: ShareServer): NasLabServer {
  return lab.servers.find((s) => s.name === name)!;
}

function service(rows: ServiceRow[], name: ShareServer): ServiceRow {
  const s = rows.find((x) => x.ip === ADDRESSES[name]);
  assert.ok(s, `no service stored for ${name}`);
  return s;
}

function ftp(s: ServiceRow): FtpDetails {
  assert.equal(s.observation.details?.protocol, 'ftp');
  return s.observation.details as FtpDetails;
}

function smb(s: ServiceRow): SmbDetails {
  assert.equal(s.observation.details?.protocol, 'smb');
  return s.observation.details as SmbDetails;
}

before(async () => {
  labDir = await mkdtemp(join(tmpdir(), 'exposure-nas-lab-'));
  await chmod(labDir, 0o755); // Samba's guest account must traverse to its share
  outDir = await mkdtemp(join(tmpdir(), 'exposure-nas-out-'));
  lab = await startNasLab({ dir: join(labDir, 'lab'), addresses: ADDRESSES, only: Object.keys(ADDRESSES) as ShareServer[] });
  services = await scanWithReports(outDir, ['127.0.50.7-127.0.50.10', '--ports', '21,445'], ['table', 'json', 'csv', 'md']);
});

after(async () => {
  await lab?.stop();
  await rm(labDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

describe('scan of the file-share lab', () => {
  it('finds two FTP and two SMB services', () => {
    assert.deepEqual(services.map((s) => `${s.ip}:${s.port}/${s.protocol}`).sort(), ['127.0.50.10:445/smb', '127.0.50.7:21/ftp', '127.0.50.8:21/ftp', '127.0.50.9:445/smb']);
  });

  it('ftp-anonymous: vsftpd, anonymous login, counts and indicators equal what the lab holds', () => {
    const s = service(services, 'ftp-anonymous');
    const want = server('ftp-anonymous').expected.content!;
    const d = ftp(s);
    assert.equal(s.observation.product?.name, 'vsftpd');
    assert.equal(d.loggedInAs, 'anonymous');
    const w = d.walk!;
    assert.deepEqual(
      [w.directories, w.files, w.bytes, w.dicomFiles, w.dicomBytes, w.dicomdirs, w.dicomFolders, w.stoppedBy.length],
      [want.directories, want.files, want.bytes, want.dicomFiles, want.dicomBytes, want.dicomdirs, want.dicomFolders, 0],
    );
    assert.deepEqual(Object.fromEntries(w.indicators.map((i) => [i.id, i.count])), want.indicators);
    assert.equal(w.confirmedByMarker, want.dicomFiles, 'every image confirmed by its DICM marker, extension or not');
    assert.ok(w.elementsPerHeader && w.elementsPerHeader.min > 20 && w.elementsPerHeader.max >= w.elementsPerHeader.median);
    assert.deepEqual(s.observation.exposure.files, { n: want.dicomFiles, atLeast: false });
    assert.deepEqual(s.observation.exposure.bytes, { n: want.dicomBytes, atLeast: false });
    assert.deepEqual(s.observation.exposure.patients, { n: want.patients, atLeast: false });
    assert.deepEqual(s.observation.exposure.studies, { n: want.studies, atLeast: false });
    const inv = new Map(s.observation.inventory?.attributes.map((a) => [a.keyword, a.present]));
    assert.equal(s.observation.inventory?.records, want.dicomFiles);
    for (const k of want.headerKeywords) assert.equal(inv.get(k), want.dicomFiles, k);
    const rules = s.findings.map((f) => f.ruleId);
    for (const id of ['EXP-NAS-001', 'EXP-NAS-006', 'EXP-NAS-101', 'EXP-NAS-102']) assert.ok(rules.includes(id), id);
    assert.ok(!rules.includes('EXP-NAS-004') && !rules.includes('EXP-NAS-003'));
    assert.equal(d.write?.advertised, 'unknown');
    assert.equal(d.write?.probe, 'not-attempted');
  });

  it('ftp-upload: anonymous access without DICOM, a writable folder judged from the listing', () => {
    const s = service(services, 'ftp-upload');
    const d = ftp(s);
    const want = server('ftp-upload').expected.content!;
    assert.deepEqual([d.walk?.directories, d.walk?.files, d.walk?.bytes, d.walk?.dicomFiles], [want.directories, want.files, want.bytes, 0]);
    assert.equal(d.write?.advertised, 'writable');
    assert.deepEqual(s.findings.map((f) => f.ruleId).sort(), ['EXP-NAS-003', 'EXP-NAS-004']);
  });

  it('smb-guest: negotiate facts, srvsvc share list, guest share walked, password share refused', () => {
    const s = service(services, 'smb-guest');
    const d = smb(s);
    const want = server('smb-guest').expected.shares!;
    assert.equal(d.dialect, '3.1.1');
    assert.equal(d.signingRequired, false);
    assert.match(d.serverGuid ?? '', /^[0-9a-f]{32}$/);
    assert.ok(d.netbiosComputerName && d.netbiosComputerName.length > 0);
    assert.equal(d.session, 'guest');
    assert.equal(d.shareEnumeration, 'srvsvc');
    const scans = d.shares.find((x) => x.name === 'scans')!;
    const radiology = d.shares.find((x) => x.name === 'radiology')!;
    assert.equal(scans.access, 'tree-connected');
    assert.equal(radiology.access, 'access-denied');
    const c = want.find((x) => x.name === 'scans')!.content!;
    const w = scans.walk!;
    assert.deepEqual([w.directories, w.files, w.bytes, w.dicomFiles, w.dicomBytes, w.dicomdirs, w.dicomFolders], [c.directories, c.files, c.bytes, c.dicomFiles, c.dicomBytes, c.dicomdirs, c.dicomFolders]);
    assert.deepEqual(Object.fromEntries(w.indicators.map((i) => [i.id, i.count])), c.indicators);
    assert.equal(scans.write?.advertised, 'read-only');
    assert.deepEqual(s.observation.exposure.patients, { n: c.patients, atLeast: false });
    assert.deepEqual(s.observation.exposure.studies, { n: c.studies, atLeast: false });
    const rules = s.findings.map((f) => f.ruleId);
    for (const id of ['EXP-NAS-002', 'EXP-NAS-005', 'EXP-NAS-007', 'EXP-NAS-101', 'EXP-NAS-102']) assert.ok(rules.includes(id), id);
    assert.ok(!rules.includes('EXP-NAS-004'));
  });

  it('smb-locked: guest refused, nothing walked, no exposure finding', () => {
    const s = service(services, 'smb-locked');
    const d = smb(s);
    assert.equal(d.logins.find((l) => l.method === 'guest')?.outcome, 'refused');
    assert.ok(d.shares.every((x) => x.walk === undefined));
    assert.deepEqual(s.observation.exposure, {});
    assert.ok(!s.findings.some((f) => ['EXP-NAS-002', 'EXP-NAS-003', 'EXP-NAS-101'].includes(f.ruleId)));
  });

  it('the reports show DICOM file counts and bytes for the shares', async () => {
    const md = await readFile(join(outDir, 'report.md'), 'utf8');
    assert.match(md, /## File shares/);
    const c = server('ftp-anonymous').expected.content!;
    assert.ok(md.includes(`| ${c.dicomFiles} | ${c.dicomBytes} |`));
    const table = await readFile(join(outDir, 'report.table'), 'utf8');
    assert.match(table, /DICOM files on shares/);
  });
});

describe('limits and write check', () => {
  it('a tree larger than the limits stops there, says so and counts "at least"', async () => {
    const db = join(outDir, 'limits.db');
    await exposure(['scan', ADDRESSES['ftp-anonymous'], ADDRESSES['smb-guest'], '--ports', '21,445', '--db', db, '--max-entries', '12', '--max-depth', '3', '--max-header-samples', '2', '--quiet'], 'limits');
    const rows = await scanServices(db);
    const f = ftp(service(rows, 'ftp-anonymous')).walk!;
    assert.ok(f.stoppedBy.includes('entries') || f.stoppedBy.includes('depth'), `stopped by ${f.stoppedBy.join(',')}`);
    assert.ok(f.headersRead <= 2);
    const scans = smb(service(rows, 'smb-guest')).shares.find((s) => s.name === 'scans')!.walk!;
    assert.ok(scans.stoppedBy.length > 0);
    assert.ok(scans.deepestLevel <= 3);
    for (const r of rows) {
      const files = r.observation.exposure.files;
      if (files) assert.equal(files.atLeast, true);
      const e = r.findings.find((x) => x.ruleId === 'EXP-NAS-001' || x.ruleId === 'EXP-NAS-002');
      if (e) assert.match(e.evidence, /stopped at its limits/);
    }
  });

  it('--check-write creates and removes one empty file on the writable FTP folder, refused on the read-only ones', async () => {
    const db = join(outDir, 'write.db');
    const uploadDir = join(labDir, 'lab', 'ftp-upload', 'root', 'upload');
    const before = await readdir(uploadDir);
    await exposure(['scan', '127.0.50.7-127.0.50.9', '--ports', '21,445', '--db', db, '--check-write', '--quiet'], 'write');
    const rows = await scanServices(db);
    assert.equal(ftp(service(rows, 'ftp-upload')).write?.probe, 'created-and-removed');
    assert.equal(ftp(service(rows, 'ftp-anonymous')).write?.probe, 'refused');
    assert.equal(smb(service(rows, 'smb-guest')).shares.find((s) => s.name === 'scans')?.write?.probe, 'refused');
    assert.deepEqual(await readdir(uploadDir), before);
  });
});

describeCanaryPrivacy(() => ({ outDir, studyFolder: join(labDir, 'lab', 'smb-guest', 'scans', 'archive', '2023', 'pat1', 'study1') }), 'on the shares');
