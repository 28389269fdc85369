/**
 * Scan and audit agree, on the lab's real servers: each server is started
 * from the configuration file the lab writes, scanned with `exposure scan
 * --check-logins`, and its file audited with `exposure audit`; per server, the
 * rule ids of the scan equal those of the audit. Where one side cannot see
 * what the other does, the exception is listed below with its reason, and the
 * test checks it is exactly there. Also: Orthanc's own default configuration
 * file (comments and all) read as Orthanc 1.10.1 reads it, and no password
 * from a lab file in any audit output.
 * The lab's NFS server runs its own rpcbind in a mount namespace of its own,
 * which needs root.
 * Runs on 127.0.92.x, this suite's own block.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { AuditReport } from '../../src/audit/audit.ts';
import type { AuditFinding } from '../../src/audit/finding.ts';
import { CANARY_VALUES, startLab, type Lab, type LabServerName } from '../../src/lab/lab.ts';
import { startNasLab, type NasLab, type NasLabServer, type NasServerName } from '../../src/lab/nas-lab.ts';
import { findBinary } from '../../src/lab/process.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { ServiceRow } from '../../src/store/store.ts';
import { exposure } from '../cli/exposure-cli.ts';

const run = promisify(execFile);
type DicomServer = 'orthanc-open' | 'orthanc-locked' | 'dcmqrscp' | 'orthanc-echo-only' | 'orthanc-default-login';
const DICOM: Record<DicomServer, string> = {
  'orthanc-open': '127.0.92.2',
  'orthanc-locked': '127.0.92.3',
  dcmqrscp: '127.0.92.4',
  'orthanc-echo-only': '127.0.92.6',
  'orthanc-default-login': '127.0.92.11',
};
/** Every file share of the lab: vsftpd.conf, smb.conf, rsyncd.conf and ganesha.conf are all kinds the audit reads. */
type AuditedNas = NasServerName;
const NAS: Record<AuditedNas, string> = {
  'ftp-anonymous': '127.0.92.7',
  'ftp-upload': '127.0.92.8',
  'smb-guest': '127.0.92.9',
  'smb-locked': '127.0.92.10',
  rsyncd: '127.0.92.13',
  'nfs-ganesha': '127.0.92.14',
};
/** The file each file-share server of the lab is started from. */
const NAS_CONFIG: Readonly<Record<NasLabServer['protocol'], string>> = { ftp: 'vsftpd.conf', smb: 'smb.conf', rsync: 'rsyncd.conf', nfs: 'ganesha.conf' };
type Server = DicomServer | AuditedNas;

/**
 * What only one side can see, per server, with the reason. The storescp and
 * dicom-tls servers are not here: they are configured by command-line options
 * alone (no file to audit), and their certificate findings (EXP-TLS-002) are
 * facts of a certificate, not of a setting.
 */
const SCAN_ONLY: Readonly<Record<string, string>> = {
  'EXP-WEB-006': 'a known CVE of the version running: a configuration file does not say which version reads it',
  'EXP-NAS-101': 'miner, ransom note or web shell names, and what small text files say: files on the share, not settings',
  'EXP-NAS-102': 'executables among images: files on the share, not settings',
};
const AUDIT_ONLY: Readonly<Record<string, string>> = {
  'EXP-CONF-004': 'SMB encryption not required: no scan rule judges SMB encryption',
};
/** Per server: what both sides find, and the listed exceptions on either side. */
const EXPECTED: Readonly<Record<Server, { agreed: string[]; scanOnly: string[]; auditOnly: string[] }>> = {
  'orthanc-open': {
    agreed: ['EXP-DICOM-001', 'EXP-DICOM-002', 'EXP-DICOM-004', 'EXP-TLS-003', 'EXP-WEB-001', 'EXP-WEB-002', 'EXP-WEB-007'],
    scanOnly: ['EXP-WEB-006'],
    auditOnly: [],
  },
  'orthanc-locked': { agreed: ['EXP-DICOM-004', 'EXP-TLS-003', 'EXP-WEB-005'], scanOnly: [], auditOnly: [] },
  'orthanc-echo-only': { agreed: ['EXP-DICOM-002', 'EXP-DICOM-004', 'EXP-TLS-003', 'EXP-WEB-005'], scanOnly: [], auditOnly: [] },
  'orthanc-default-login': {
    agreed: ['EXP-DICOM-003', 'EXP-DICOM-004', 'EXP-TLS-003', 'EXP-WEB-004', 'EXP-WEB-005'],
    scanOnly: ['EXP-WEB-006'], // the default login opens /system, which names the version
    auditOnly: [],
  },
  dcmqrscp: { agreed: ['EXP-DICOM-001', 'EXP-DICOM-003', 'EXP-DICOM-004'], scanOnly: [], auditOnly: [] },
  'ftp-anonymous': { agreed: ['EXP-NAS-001', 'EXP-NAS-006'], scanOnly: ['EXP-NAS-101', 'EXP-NAS-102'], auditOnly: [] },
  'ftp-upload': { agreed: ['EXP-NAS-003', 'EXP-NAS-004'], scanOnly: [], auditOnly: [] },
  'smb-guest': { agreed: ['EXP-NAS-002', 'EXP-NAS-005', 'EXP-NAS-007'], scanOnly: ['EXP-NAS-101', 'EXP-NAS-102'], auditOnly: ['EXP-CONF-004'] },
  'smb-locked': { agreed: ['EXP-NAS-005'], scanOnly: [], auditOnly: ['EXP-CONF-004'] },
  // The module behind "auth users" and the export limited to one other client give neither side a finding.
  rsyncd: { agreed: ['EXP-NAS-011', 'EXP-NAS-012'], scanOnly: ['EXP-NAS-101', 'EXP-NAS-102'], auditOnly: [] },
  'nfs-ganesha': { agreed: ['EXP-NAS-013', 'EXP-NAS-014'], scanOnly: ['EXP-NAS-101', 'EXP-NAS-102'], auditOnly: [] },
};

let dir: string;
let lab: Lab;
let nas: NasLab;
let services: ServiceRow[];
let report: AuditReport;
let auditCode: number;
const configOf = new Map<Server, string>();
const holdsImages = new Map<Server, boolean>();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'exposure-audit-lab-'));
  await chmod(dir, 0o755); // Samba's guest account must traverse to its share
  [lab, nas] = await Promise.all([
    startLab({ dir: join(dir, 'lab'), addresses: DICOM, only: Object.keys(DICOM) as LabServerName[] }),
    startNasLab({ dir: join(dir, 'nas'), addresses: NAS, only: Object.keys(NAS) as AuditedNas[] }),
  ]);
  for (const s of lab.servers) {
    configOf.set(s.name as Server, join(dir, 'lab', s.name, s.product === 'Orthanc' ? 'orthanc.json' : 'dcmqrscp.cfg'));
    holdsImages.set(s.name as Server, s.loaded.studies > 0);
  }
  for (const s of nas.servers) {
    const name = s.name as AuditedNas;
    configOf.set(name, join(dir, 'nas', s.name, NAS_CONFIG[s.protocol]));
    const contents = s.protocol === 'ftp' ? [s.expected.content] : (s.expected.shares ?? []).filter((x) => x.guestAccess).map((x) => x.content);
    holdsImages.set(name, contents.some((c) => (c?.dicomFiles ?? 0) > 0));
  }
  const db = join(dir, 'scan.db');
  const scan = await exposure(['scan', '127.0.92.1-127.0.92.14', '--db', db, '--check-logins', '--io-timeout', '10000', '--quiet'], 240_000);
  assert.equal(scan.code, 0, scan.stderr);
  const store = openSqliteStore(db, { readonly: true });
  services = await store.services((await store.latestRunId())!);
  await store.close();
  const audit = await exposure(['audit', ...configOf.values(), '--format', 'json']);
  auditCode = audit.code;
  report = JSON.parse(audit.stdout) as AuditReport;
});

after(async () => {
  await Promise.allSettled([lab?.stop(), nas?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

function scanIds(server: Server): string[] {
  const ip = server in DICOM ? DICOM[server as DicomServer] : NAS[server as AuditedNas];
  return [...new Set(services.filter((s) => s.ip === ip).flatMap((s) => s.findings.map((f) => f.ruleId)))].sort();
}

/** The id the scan reports for this finding, given what the server holds (finding.ts, ContentDependence). */
function asScanned(f: AuditFinding, images: boolean): string | null {
  return f.dependsOnContent && !images ? f.dependsOnContent.whenEmpty : f.ruleId;
}

function auditIds(server: Server): string[] {
  const file = configOf.get(server)!;
  const own = report.findings.filter((f) => f.place.file === file);
  return [...new Set(own.map((f) => asScanned(f, holdsImages.get(server)!)).filter((id): id is string => id !== null))].sort();
}

describe('scan and audit agree on each lab server', { timeout: 600_000 }, () => {
  it('audits every lab file, exit 3 (critical findings)', () => {
    assert.deepEqual(report.files.map((f) => f.status), [...configOf.keys()].map(() => 'audited'));
    assert.equal(auditCode, 3);
  });

  for (const server of [...Object.keys(DICOM), ...Object.keys(NAS)] as Server[]) {
    it(`${server}: the same rule ids, apart from the listed exceptions`, () => {
      const { agreed, scanOnly, auditOnly } = EXPECTED[server];
      for (const id of scanOnly) assert.ok(SCAN_ONLY[id], `${id} has a reason`);
      for (const id of auditOnly) assert.ok(AUDIT_ONLY[id], `${id} has a reason`);
      assert.deepEqual(scanIds(server), [...agreed, ...scanOnly].sort(), 'the scan');
      assert.deepEqual(auditIds(server), [...agreed, ...auditOnly].sort(), 'the audit');
    });
  }

  it('no password of a lab file and no canary value in any audit output', async () => {
    const locked = JSON.parse(await readFile(configOf.get('orthanc-locked')!, 'utf8')) as { RegisteredUsers: Record<string, string> };
    // rsyncd.conf names its secrets file; the audit never opens it, so its secret appears nowhere.
    const rsyncSecret = (await readFile(join(dir, 'nas', 'rsyncd', 'rsyncd.secrets'), 'utf8')).trim().split(':')[1]!;
    const secrets = [...Object.keys(locked.RegisteredUsers), ...Object.values(locked.RegisteredUsers), rsyncSecret];
    assert.equal(secrets.length, 3);
    assert.ok(rsyncSecret.length >= 24);
    for (const format of ['table', 'json', 'md']) {
      const r = await exposure(['audit', ...configOf.values(), '--format', format]);
      for (const s of [...secrets, ...CANARY_VALUES]) assert.ok(!r.stdout.includes(s), `${format} output holds a secret or canary value`);
    }
  });
});

describe('Orthanc\'s own default configuration (Orthanc --config=FILE)', { timeout: 60_000 }, () => {
  it('is read, comments and all: any called AE title answered and plain DICOM; the HTTP API local only', async () => {
    const file = join(dir, 'default', 'orthanc.json');
    await run('mkdir', ['-p', join(dir, 'default')]);
    await run(await findBinary('Orthanc'), [`--config=${file}`], { timeout: 30_000 });
    const text = await readFile(file, 'utf8');
    assert.ok(text.includes('/**') && text.includes('//'), 'the file has comments');
    const r = await exposure(['audit', file, '--format', 'json']);
    const doc = JSON.parse(r.stdout) as AuditReport;
    assert.deepEqual(doc.findings.map((f) => `${f.ruleId} ${f.place.kind === 'setting' ? `line ${f.place.line}` : 'absent'}`).sort(), [
      `EXP-DICOM-002 line ${lineOf(text, '"DicomCheckCalledAet"')}`,
      `EXP-DICOM-004 line ${lineOf(text, '"DicomTlsEnabled"')}`,
    ]);
    assert.equal(r.code, 0);
    await writeFile(file, text.replace('"RemoteAccessAllowed" : false', '"RemoteAccessAllowed" : true'));
    const remote = JSON.parse((await exposure(['audit', file, '--format', 'json'])).stdout) as AuditReport;
    assert.ok(remote.findings.some((f) => f.ruleId === 'EXP-WEB-004' && /creates the documented default user "orthanc"/.test(f.cause)), 'remote access with no user: Orthanc 1.10 creates orthanc/orthanc');
  });
});

function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}
