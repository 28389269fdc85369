/**
 * Findings about file shares reached without a password: anonymous FTP,
 * guest or null SMB sessions, anonymous rsync modules and NFS exports open to every client (EXP-NAS-0xx),
 * and signs of compromise seen in their listings and in the first KiB of a few small text files (EXP-NAS-1xx).
 * Evidence is counts and table ids only.
 */
import type { FileWalk, IndicatorKind, WriteAccess } from '../../observation/file-share.ts';
import type { Observation } from '../../observation/observation.ts';
import { counted, plural } from '../../observation/count.ts';
import { countedPhrase, countPhrase, identifyingKeywords } from '../evidence.ts';
import type { Rule } from '../rule.ts';

const HHS_NAS = 'HHS HC3 / CISA advisories on exposed NAS and PACS file shares; Greenbone "Information System Security Report: medical image data" (2019-2020)';
const CIS_FTP = 'CIS Controls v8 3.3 (data access control lists) and 3.10 (encrypt sensitive data in transit)';
const RFC2577 = 'RFC 2577 (FTP Security Considerations)';
const MS_SMB2_SIGNING = 'MS-SMB2 3.3.5.5 and Microsoft "Overview of Server Message Block signing"';
const RSYNCD_CONF = 'rsyncd.conf(5): "auth users", "secrets file", "hosts allow", "list"';
const NFS_EXPORTS = 'exports(5) (client lists, root_squash, all_squash, sec=krb5p); nfs-ganesha export configuration (CLIENT blocks, Access_Type, SecType); RFC 1813 Appendix I';
const ATTACK_T1080 = 'MITRE ATT&CK T1080 (Taint Shared Content), T1496 (Resource Hijacking), T1486 (Data Encrypted for Impact)';

interface ShareView {
  /** "anonymous FTP login", "guest SMB session on share scans", "anonymous rsync module images" … composed by us. */
  readonly label: string;
  readonly walk: FileWalk;
  readonly write?: WriteAccess;
}

/** Every walked tree of an observation, FTP, SMB, rsync or NFS, with a label for evidence. */
export function shareViews(o: Observation): ShareView[] {
  const d = o.details;
  if (d?.protocol === 'ftp') {
    if (!d.walk || !d.loggedInAs) return [];
    return [{ label: `${d.loggedInAs === 'anonymous' ? 'anonymous' : 'blank-password'} FTP login`, walk: d.walk, ...(d.write ? { write: d.write } : {}) }];
  }
  if (d?.protocol === 'smb') {
    const who = d.session === 'null-session' ? 'null SMB session' : 'guest SMB session';
    return d.shares.flatMap((s) => (s.walk ? [{ label: `${who} on share "${s.name}"`, walk: s.walk, ...(s.write ? { write: s.write } : {}) }] : []));
  }
  if (d?.protocol === 'rsync') {
    return d.modules.flatMap((m) => (m.walk ? [{ label: `anonymous rsync module "${m.name}"`, walk: m.walk }] : []));
  }
  if (d?.protocol === 'nfs') {
    return d.exports.flatMap((e) => (e.walk ? [{ label: `NFS export "${e.path}" open to every client`, walk: e.walk }] : []));
  }
  return [];
}

function dicomExposed(v: ShareView): boolean {
  return v.walk.dicomFiles > 0 || v.walk.dicomdirs > 0;
}

function limitsNote(views: readonly ShareView[]): string {
  const stops = [...new Set(views.flatMap((v) => v.walk.stoppedBy))];
  return stops.length > 0 ? ` The walk stopped at its limits (${stops.join(', ')}): counts are lower bounds.` : '';
}

function dicomEvidence(o: Observation, views: readonly ShareView[]): string {
  const files = views.reduce((n, v) => n + v.walk.dicomFiles, 0);
  const folders = views.reduce((n, v) => n + v.walk.dicomFolders, 0);
  return (
    `${views.map((v) => v.label).join('; ')}: ${counted(files, 'DICOM file')} (${countedPhrase(o.exposure.bytes, 'byte')}) in ${counted(folders, 'folder')}, ` +
    `${countPhrase(o.exposure.patients)} distinct ${plural(o.exposure.patients?.n ?? 0, 'patient')} and ${countedPhrase(o.exposure.studies, 'study', 'studies')} in the headers sampled; ` +
    `identifying attributes in those headers: ${identifyingKeywords(o, 'none read')}.${limitsNote(views)}`
  );
}

/** The evidence of the "open share holds DICOM files" rules (one per protocol). */
function dicomOnOpenShare(o: Observation): string | undefined {
  const views = shareViews(o).filter(dicomExposed);
  return views.length > 0 ? dicomEvidence(o, views) : undefined;
}

const INDICATOR_KINDS: readonly IndicatorKind[] = ['miner', 'miner-config', 'wallet-address', 'ransom-note', 'ransom-extension', 'web-shell'];

/** "xmrig-config ×1 (anonymous FTP login)" for each indicator of `kinds` found by `by` (walks before content reading: by name). */
function indicatorHits(o: Observation, kinds: readonly IndicatorKind[], by: 'name' | 'content'): string[] {
  return shareViews(o).flatMap((v) => v.walk.indicators.filter((i) => kinds.includes(i.kind) && (i.by ?? 'name') === by).map((i) => `${i.id} ×${i.count} (${v.label})`));
}

/** Names and contents apart: a name match opened nothing, a content match read the first KiB of a small text file and kept only the entry's id. */
function compromiseEvidence(o: Observation): string | undefined {
  const byName = indicatorHits(o, INDICATOR_KINDS, 'name');
  const byContent = indicatorHits(o, INDICATOR_KINDS, 'content');
  const parts = [
    ...(byName.length > 0 ? [`Found by name (files never opened): ${byName.join('; ')}.`] : []),
    ...(byContent.length > 0 ? [`Found by content (the first KiB of small text files, read in memory; their text and names not kept): ${byContent.join('; ')}.`] : []),
  ];
  return parts.length > 0 ? parts.join(' ') : undefined;
}

export const NAS_RULES: readonly Rule[] = [
  {
    id: 'EXP-NAS-001',
    title: 'Anonymous FTP exposes DICOM files',
    severity: 'critical',
    protocols: ['ftp'],
    rationale: 'Anyone can log in without a password and download medical images with the identifying data in their headers.',
    remediation:
      'Disable anonymous and blank-password FTP logins (vsftpd anonymous_enable=NO; NAS: turn off "anonymous FTP"), move the images off the FTP root, and expose the service only on an internal network or VPN. Use SFTP or FTPS with per-user accounts where transfer is needed.',
    references: [HHS_NAS, CIS_FTP, RFC2577],
    cwe: 'CWE-284',
    match: dicomOnOpenShare,
  },
  {
    id: 'EXP-NAS-002',
    title: 'Guest or null SMB session exposes DICOM files',
    severity: 'critical',
    protocols: ['smb'],
    rationale: 'A share that a guest or anonymous session can open holds medical images: anyone who reaches TCP 445 can copy them.',
    remediation:
      'Turn off guest access (Samba: map to guest = Never, guest ok = no; Windows: disable the Guest account and "Network access: Let Everyone permissions apply to anonymous users"), require authenticated users on every share holding images, and block TCP 445 from untrusted networks.',
    references: [HHS_NAS, 'Microsoft: "Guest access in SMB2 and SMB3 disabled by default in Windows"'],
    cwe: 'CWE-284',
    match: dicomOnOpenShare,
  },
  {
    id: 'EXP-NAS-003',
    title: 'File share readable without a password (no DICOM files seen)',
    severity: 'medium',
    protocols: ['ftp', 'smb', 'rsync', 'nfs'],
    rationale: 'No images were recognised within the walk limits, but anyone can read what the share holds, and images are often added later.',
    remediation:
      'Disable anonymous FTP, guest SMB access, rsync modules without "auth users" and NFS exports open to every client unless the share is meant to be public, and keep medical data off any such share.',
    references: [CIS_FTP, HHS_NAS],
    cwe: 'CWE-284',
    match(o) {
      const views = shareViews(o);
      if (views.length === 0 || views.some(dicomExposed)) return undefined;
      const files = views.reduce((n, v) => n + v.walk.files, 0);
      return `${views.map((v) => v.label).join('; ')}: ${counted(files, 'file')} listed, none recognised as DICOM.${limitsNote(views)}`;
    },
  },
  {
    id: 'EXP-NAS-004',
    title: 'Anonymous or guest session can write to the share',
    severity: 'high',
    protocols: ['ftp', 'smb'],
    rationale: 'Anyone can plant files (malware, miners, ransom notes) or overwrite images on a share every reader trusts.',
    remediation: 'Remove write permission for anonymous/guest users (vsftpd anon_upload_enable=NO, write_enable=NO; Samba read only = yes), and audit the share for files planted there.',
    references: [ATTACK_T1080, RFC2577],
    cwe: 'CWE-732',
    match(o) {
      const hits = shareViews(o).filter((v) => v.write && (v.write.advertised === 'writable' || v.write.probe === 'created-and-removed' || v.write.probe === 'created-not-removed'));
      if (hits.length === 0) return undefined;
      return hits
        .map((v) => `${v.label}: the server ${v.write!.advertised === 'writable' ? 'grants write access' : 'accepted a write'}${v.write!.probe === 'not-attempted' ? ' (judged from its answers; no write attempted)' : `; write check: ${v.write!.probe}`}`)
        .join('; ');
    },
  },
  {
    id: 'EXP-NAS-005',
    title: 'SMB signing not required',
    severity: 'low',
    protocols: ['smb'],
    rationale: 'Without required signing, SMB sessions can be relayed or tampered with by anyone on the path (NTLM relay).',
    remediation: 'Require SMB signing on the server (Samba: server signing = mandatory; Windows: "Microsoft network server: Digitally sign communications (always)").',
    references: [MS_SMB2_SIGNING],
    cwe: 'CWE-347',
    match(o) {
      const d = o.details;
      if (d?.protocol !== 'smb' || d.signingRequired !== false) return undefined;
      return `NEGOTIATE (dialect ${d.dialect ?? 'unknown'}) answered with signing ${d.signingEnabled ? 'enabled' : 'disabled'} but not required.`;
    },
  },
  {
    id: 'EXP-NAS-006',
    title: 'DICOM files served over FTP without TLS',
    severity: 'medium',
    protocols: ['ftp'],
    rationale: 'Images and any credentials cross the network in clear text: AUTH TLS (RFC 4217) is not offered.',
    remediation: 'Offer and require FTPS (vsftpd ssl_enable=YES, force_local_logins_ssl=YES) or replace FTP with SFTP.',
    references: ['RFC 4217 (Securing FTP with TLS)', CIS_FTP],
    cwe: 'CWE-319',
    match(o) {
      const d = o.details;
      if (d?.protocol !== 'ftp' || d.authTls || !shareViews(o).some(dicomExposed)) return undefined;
      return 'FEAT does not list AUTH TLS, and the anonymous tree holds DICOM files.';
    },
  },
  {
    id: 'EXP-NAS-007',
    title: 'Share list readable by a null or guest session',
    severity: 'low',
    protocols: ['smb'],
    rationale: 'srvsvc NetShareEnum answers without credentials, telling anyone which shares to try.',
    remediation: 'Restrict anonymous enumeration (Samba: restrict anonymous = 2; Windows: RestrictAnonymous / "Do not allow anonymous enumeration of SAM accounts and shares").',
    references: ['MS-SRVS 3.1.4.8 (NetrShareEnum)', 'CIS Microsoft Windows Server Benchmark 2.3.10.3'],
    cwe: 'CWE-200',
    match(o) {
      const d = o.details;
      if (d?.protocol !== 'smb' || d.shareEnumeration !== 'srvsvc') return undefined;
      return `NetrShareEnum over a ${d.session === 'null-session' ? 'null' : 'guest'} session listed ${counted(d.shares.length, 'share')}.`;
    },
  },
  {
    id: 'EXP-NAS-011',
    title: 'Anonymous rsync module exposes DICOM files',
    severity: 'critical',
    protocols: ['rsync'],
    rationale: 'The rsync daemon serves a module holding medical images to anyone who asks: one command copies every file, headers and pixel data.',
    remediation:
      'Put every module holding images behind "auth users" and a "secrets file", restrict it with "hosts allow" to the machines that sync, and expose TCP 873 only on an internal network or VPN (or replace the daemon with rsync over SSH).',
    references: [RSYNCD_CONF, HHS_NAS],
    cwe: 'CWE-284',
    match: dicomOnOpenShare,
  },
  {
    id: 'EXP-NAS-012',
    title: 'rsync module list readable without credentials',
    severity: 'low',
    protocols: ['rsync'],
    rationale: 'The daemon tells anyone which modules it serves, and so which ones to ask for.',
    remediation: 'Set "list = false" on modules that are not meant to be public, and restrict the daemon with "hosts allow".',
    references: [RSYNCD_CONF],
    cwe: 'CWE-200',
    match(o) {
      const d = o.details;
      if (d?.protocol !== 'rsync' || d.modulesListed === 0) return undefined;
      const anonymous = d.modules.filter((m) => m.access === 'anonymous').length;
      const secret = d.modules.filter((m) => m.access === 'auth-required').length;
      return `The daemon (protocol ${d.serverProtocol}) listed ${d.modulesListed}${d.moduleListCut ? ' or more' : ''} modules to an unauthenticated client: ${anonymous} answered without credentials, ${secret} asked for a secret (none was tried).`;
    },
  },
  {
    id: 'EXP-NAS-013',
    title: 'NFS export open to every client exposes DICOM files',
    severity: 'critical',
    protocols: ['nfs'],
    rationale:
      'The server exports a folder holding medical images to any client ("*" or no client list) and mounts it for an ordinary user id: anyone who reaches the port mapper and NFS can copy every file, headers and pixel data.',
    remediation:
      'Limit the export to the hosts that need it (exports(5) client list; nfs-ganesha CLIENT blocks with Access_Type = None for the rest), require Kerberos (sec=krb5p / SecType = krb5p) rather than AUTH_SYS, and keep TCP 111 and 2049 off untrusted networks.',
    references: [NFS_EXPORTS, HHS_NAS],
    cwe: 'CWE-284',
    match: dicomOnOpenShare,
  },
  {
    id: 'EXP-NAS-014',
    title: 'NFS export list readable by anyone',
    severity: 'low',
    protocols: ['nfs'],
    rationale: 'MOUNT answers EXPORT to an unknown client, telling anyone which folders the server exports and to which hosts.',
    remediation: 'Keep the port mapper and MOUNT off untrusted networks (firewall TCP/UDP 111 and the MOUNT port), and limit every export to the clients that need it.',
    references: [NFS_EXPORTS],
    cwe: 'CWE-200',
    match(o) {
      const d = o.details;
      if (d?.protocol !== 'nfs' || d.exportList !== 'listed' || d.exportsListed === 0) return undefined;
      const everyone = d.exports.filter((e) => e.clients === 'everyone').length;
      const mounted = d.exports.filter((e) => e.access === 'mounted').length;
      return `MOUNT listed ${counted(d.exportsListed, 'export')} to an unauthenticated client: ${everyone} open to every client, ${mounted} mounted read-only with the scanner's own user id.`;
    },
  },
  {
    id: 'EXP-NAS-101',
    title: 'Signs of compromise on an open share: miner, ransom note or web shell',
    severity: 'critical',
    protocols: ['ftp', 'smb', 'rsync', 'nfs'],
    rationale:
      'Files named like crypto-miners, their configurations, ransom notes or web shells, or small text files naming a mining pool or a wallet or carrying a known ransom note\'s words, sit on a share anyone can reach: the host may already be compromised.',
    remediation: 'Treat the host as compromised: isolate it, preserve evidence, investigate with your incident response process, then remove anonymous access and restore from clean backups.',
    references: [ATTACK_T1080, 'QNAP security advisories on DeadBolt/eCh0raix/Qlocker'],
    cwe: 'CWE-506',
    match: compromiseEvidence,
  },
  {
    id: 'EXP-NAS-102',
    title: 'Executables or scripts stored among medical images',
    severity: 'high',
    protocols: ['ftp', 'smb', 'rsync', 'nfs'],
    rationale: 'Programs have no business in an image folder; on an open share they are a common way to spread malware to whoever opens the images.',
    remediation: 'Check the files with your malware tooling, remove them, and find out how they got there (write access by anonymous or guest users is a frequent cause).',
    references: [ATTACK_T1080],
    cwe: 'CWE-506',
    match(o) {
      const hits = indicatorHits(o, ['executable-in-image-folder'], 'name');
      return hits.length === 0 ? undefined : `Executable or script names in folders holding DICOM files: ${hits.join('; ')}.`;
    },
  },
];
