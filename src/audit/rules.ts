/**
 * The texts an audit finding carries: the scan's own rules (assess/rules),
 * looked up by id so the wording is one, plus the few holes only a
 * configuration shows (EXP-CONF-*): the scanner never retrieves images, never
 * impersonates a known peer and does not judge SMB encryption, so no scan
 * finding can match them.
 */
import type { Rule } from '../assess/rule.ts';
import { RULES } from '../assess/rules/index.ts';

export type RuleText = Omit<Rule, 'match' | 'protocols'>;

const ORTHANC_SECURITY = 'https://orthanc.uclouvain.be/book/faq/security.html';
const ORTHANC_CONFIG = 'Orthanc Book, "Configuration of Orthanc" (DicomAlwaysAllow*, DicomCheckModalityHost, DicomModalities)';
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
];

const BY_ID: ReadonlyMap<string, RuleText> = new Map([...RULES, ...CONFIG_ONLY_RULES].map((r) => [r.id, r]));

/** The rule's texts; an unknown id is a bug in a check, not a user mistake. */
export function ruleText(id: string): RuleText {
  const r = BY_ID.get(id);
  if (!r) throw new Error(`audit check names rule ${id}, which no rule table defines`);
  return r;
}
