/**
 * The texts an audit finding carries: the scan's own rules (assess/rules),
 * looked up by id so the wording is one, plus the few holes only a
 * configuration shows (EXP-CONF-*): the scanner never retrieves images, never
 * impersonates a known peer, does not judge SMB encryption, and mounts NFS
 * read-only with an ordinary user id (never root, never writing), so no scan
 * finding can match them.
 */
import type { Rule } from '../assess/rule.ts';
import { RULES } from '../assess/rules/index.ts';

export type RuleText = Omit<Rule, 'match' | 'protocols'>;

const ORTHANC_SECURITY = 'https://orthanc.uclouvain.be/book/faq/security.html';
const ORTHANC_CONFIG = 'Orthanc Book, "Configuration of Orthanc" (DicomAlwaysAllow*, DicomCheckModalityHost, DicomModalities)';
const EXPORTS_5 = 'exports(5) (nfs-utils): rw, root_squash, no_root_squash, all_squash, sec=';
const GANESHA_EXPORT = 'ganesha-export-config(8): EXPORT, EXPORT_DEFAULTS and CLIENT blocks (Access_Type, Squash, SecType, Clients)';
const PS315_SECURITY = 'DICOM PS3.15 Section 7 (access control, audit trails, confidentiality, user identification)';

export const CONFIG_ONLY_RULES: readonly RuleText[] = [
  {
    id: 'EXP-CONF-001',
    title: 'C-GET image retrieval permitted to an unknown calling AE',
    severity: 'critical',
    rationale: 'Anyone who reaches the DICOM port can download whole studies, pixel data and identifying headers included, over the association they opened.',
    remediation:
      'Refuse C-GET from unknown calling AE titles (Orthanc: "DicomAlwaysAllowGet": false) and allow it only to configured peers checked by address, behind a firewall or VPN.',
    references: [ORTHANC_CONFIG, ORTHANC_SECURITY, PS315_SECURITY],
    cwe: 'CWE-306',
  },
  {
    id: 'EXP-CONF-002',
    title: 'C-MOVE permitted to an unknown calling AE',
    severity: 'medium',
    rationale: 'Anyone who reaches the DICOM port can make the archive send studies to any of its known peers, and learn from the answers what it holds.',
    remediation: 'Refuse C-MOVE from unknown calling AE titles (Orthanc: "DicomAlwaysAllowMove": false) and allow it only to configured peers.',
    references: [ORTHANC_CONFIG, PS315_SECURITY],
    cwe: 'CWE-306',
  },
  {
    id: 'EXP-CONF-003',
    title: 'Known DICOM peer admitted by its AE title alone',
    severity: 'high',
    rationale:
      'The archive grants a configured peer its rights (query, retrieve, store) on the calling AE title it announces, from any address: an AE title is a name, not a password, and whoever uses it gets those rights.',
    remediation:
      'Check the peer\'s address as well as its AE title (Orthanc: "DicomCheckModalityHost": true, and a real address for each DicomModalities entry), and restrict each peer to the operations it needs (AllowFind, AllowGet, AllowMove).',
    references: [ORTHANC_CONFIG, PS315_SECURITY, 'DICOM PS3.8 Section 7.1 (A-ASSOCIATE: calling AE title)'],
    cwe: 'CWE-290',
  },
  {
    id: 'EXP-CONF-004',
    title: 'SMB encryption not required',
    severity: 'low',
    rationale: 'Files read from the share, images included, cross the network in clear text for any client that does not ask for encryption.',
    remediation: 'Require SMB3 encryption (Samba: server smb encrypt = required, globally or on each share holding medical data) once every client supports SMB3.',
    references: ['Samba smb.conf(5): server smb encrypt', 'MS-SMB2 3.3.5.2.9 (encryption)'],
    cwe: 'CWE-319',
  },
  {
    id: 'EXP-CONF-005',
    title: 'NFS export writable by every client',
    severity: 'high',
    rationale:
      'Any host that reaches the server may write to the export, and with AUTH_SYS a client states its own user id: it can plant files, or change and delete those of any user it claims to be, images included.',
    remediation:
      'Export read-only to everyone else (exports(5): ro, the default; nfs-ganesha: Access_Type = RO or None outside CLIENT blocks) and grant rw only to the hosts that write, with Kerberos (sec=krb5p / SecType = krb5p).',
    references: [EXPORTS_5, GANESHA_EXPORT, 'RFC 1813 Appendix I (AUTH_UNIX credentials are not verified)'],
    cwe: 'CWE-732',
  },
  {
    id: 'EXP-CONF-006',
    title: 'NFS export does not squash root',
    severity: 'high',
    rationale:
      'Requests from uid 0 on a client keep root\'s rights on the export instead of being mapped to the anonymous user: whoever is root on an admitted host, or claims to be with AUTH_SYS, reads every file whatever its permissions and, on a writable export, plants set-uid programs.',
    remediation:
      'Keep root squashed (exports(5): root_squash, the default, or all_squash; nfs-ganesha: Squash = root_squash), and give the one host that needs root (a backup server) its own client entry, with Kerberos.',
    references: [EXPORTS_5, GANESHA_EXPORT],
    cwe: 'CWE-269',
  },
];

const BY_ID: ReadonlyMap<string, RuleText> = new Map([...RULES, ...CONFIG_ONLY_RULES].map((r) => [r.id, r]));

/** The rule's texts; an unknown id is a bug in a check, not a user mistake. */
export function ruleText(id: string): RuleText {
  const r = BY_ID.get(id);
  if (!r) throw new Error(`audit check names rule ${id}, which no rule table defines`);
  return r;
}
