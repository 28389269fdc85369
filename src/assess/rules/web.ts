/** Findings about the web side of PACS: DICOMweb, Orthanc REST, viewer portals (EXP-WEB-*). */
import type { Observation, WebLogin } from '../../observation/observation.ts';
import { counted } from '../../observation/count.ts';
import { countedPhrase, identifyingKeywords } from '../evidence.ts';
import { KNOWN_CVE_REFERENCES, KNOWN_CVE_REMEDIATION, knownCveEvidence } from '../known-cves.ts';
import type { Rule } from '../rule.ts';

const PS318 = 'DICOM PS3.18 (Web Services): QIDO-RS 10.6; security considerations in PS3.18 Section 7 and PS3.15';
const ORTHANC_SECURITY = 'https://orthanc.uclouvain.be/book/faq/security.html';
const OWASP_DEFAULTS = 'OWASP Web Security Testing Guide 4.2, WSTG-ATHN-02 (Testing for Default Credentials)';

function loginOf(o: Observation): WebLogin | undefined {
  const d = o.details;
  if (d?.protocol === 'portal' || d?.protocol === 'orthanc' || d?.protocol === 'dicomweb') return d.login;
  return undefined;
}

export const WEB_RULES: readonly Rule[] = [
  {
    id: 'EXP-WEB-001',
    title: 'DICOMweb QIDO-RS answers without authentication',
    severity: 'critical',
    protocols: ['dicomweb'],
    rationale:
      'Anyone who reaches the port can search the archive over HTTP and read the identifying attributes of every study, and the same API usually serves the images (WADO-RS).',
    remediation:
      'Require authentication on the DICOMweb API (Orthanc: AuthenticationEnabled with strong RegisteredUsers or an authorization plugin; dcm4chee-arc: a secured build behind Keycloak), serve it over HTTPS only, and do not expose it beyond the networks that need it.',
    references: [PS318, ORTHANC_SECURITY],
    cwe: 'CWE-306',
    match(o) {
      const d = o.details;
      // An open QIDO-RS that listed studies counts even when a later page failed (the studies were read).
      if (d?.protocol !== 'dicomweb' || d.access !== 'open' || (d.qido.outcome !== 'success' && d.qido.studies === 0)) return undefined;
      return (
        `A QIDO-RS studies query at ${d.root ?? 'the root'} without credentials listed ${countedPhrase(o.exposure.studies, 'study', 'studies')} of ` +
        `${countedPhrase(o.exposure.patients, 'patient')}; identifying attributes returned: ${identifyingKeywords(o)}.`
      );
    },
  },
  {
    id: 'EXP-WEB-002',
    title: 'Orthanc REST API open without credentials, holding patient data',
    severity: 'critical',
    protocols: ['orthanc'],
    rationale:
      'The Orthanc REST API gives full read (and usually write and delete) access to every stored study; without authentication anyone who reaches the port has it.',
    remediation:
      'Set "AuthenticationEnabled": true with strong, site-specific RegisteredUsers (or an authorization plugin), set "RemoteAccessAllowed" only where needed, put Orthanc behind an HTTPS reverse proxy and a firewall.',
    references: [ORTHANC_SECURITY, 'Orthanc Book, "Configuration of Orthanc": RemoteAccessAllowed, AuthenticationEnabled'],
    cwe: 'CWE-306',
    match(o) {
      const d = o.details;
      if (d?.protocol !== 'orthanc' || d.access !== 'open' || !d.statistics) return undefined;
      const s = d.statistics;
      if (s.patients + s.studies + s.instances === 0) return undefined;
      return `GET /system and /statistics answered without credentials: ${counted(s.patients, 'patient')}, ${counted(s.studies, 'study', 'studies')}, ${counted(s.series, 'series', 'series')}, ${counted(s.instances, 'instance')}.`;
    },
  },
  {
    id: 'EXP-WEB-003',
    title: 'Orthanc REST API open without credentials (no data counted)',
    severity: 'high',
    protocols: ['orthanc'],
    rationale: 'The REST API answers anyone. It held nothing countable now, but any study it receives will be open, and the API can change the server.',
    remediation: 'Enable authentication ("AuthenticationEnabled": true with strong RegisteredUsers) and restrict "RemoteAccessAllowed"; expose the port only where needed.',
    references: [ORTHANC_SECURITY],
    cwe: 'CWE-306',
    match(o) {
      const d = o.details;
      if (d?.protocol !== 'orthanc' || d.access !== 'open') return undefined;
      const s = d.statistics;
      if (s && s.patients + s.studies + s.instances > 0) return undefined;
      return s ? 'GET /system and /statistics answered without credentials; the server holds no studies.' : 'GET /system answered without credentials; /statistics could not be read.';
    },
  },
  {
    id: 'EXP-WEB-004',
    title: 'Login accepts a blank or vendor-default credential',
    severity: 'critical',
    protocols: ['portal', 'orthanc', 'dicomweb'],
    rationale:
      'The login in front of this imaging service opens with no password or with the password printed in the vendor documentation: it protects nothing, and everything behind it is exposed.',
    remediation:
      'Remove default and blank accounts, set a unique strong password for each user (Orthanc: replace RegisteredUsers; never leave the default "orthanc" user), and restrict who can reach the service.',
    references: [OWASP_DEFAULTS, ORTHANC_SECURITY],
    cwe: 'CWE-1392',
    match(o) {
      const l = loginOf(o);
      if (!l || (l.check !== 'blank-accepted' && l.check !== 'default-accepted')) return undefined;
      const what = l.check === 'blank-accepted' ? 'a blank user name and password' : `the vendor-default account "${l.defaultUser ?? '?'}"`;
      const counts = o.exposure.studies ? ` Behind it: ${countedPhrase(o.exposure.studies, 'study', 'studies')} of ${countedPhrase(o.exposure.patients, 'patient')}.` : '';
      return `HTTP ${l.kind === 'basic' ? 'Basic' : l.kind} login accepted ${what} after ${counted(l.attempts, 'attempt')}.${counts}`;
    },
  },
  {
    id: 'EXP-WEB-005',
    title: 'Login portal over plain HTTP',
    severity: 'medium',
    protocols: ['portal'],
    rationale: 'Passwords (HTTP Basic sends them in every request) and the patient data behind the login cross the network in clear text.',
    remediation: 'Serve the portal over HTTPS only (a TLS reverse proxy in front of it) and redirect or close the plain HTTP port.',
    references: ['RFC 7617 Section 4 (Basic: credentials in clear text unless TLS)', 'DICOM PS3.15 Annex B'],
    cwe: 'CWE-319',
    match(o) {
      const d = o.details;
      if (d?.protocol !== 'portal' || d.scheme !== 'http' || d.login.kind === 'none') return undefined;
      return `The ${o.product?.name ?? 'imaging'} portal asks for a ${d.login.kind} login over plain HTTP on port ${o.endpoint.port}.`;
    },
  },
  {
    id: 'EXP-WEB-007',
    title: 'Imaging web portal open without a login',
    severity: 'high',
    protocols: ['portal'],
    rationale:
      'The viewer or administration interface of an imaging product answers without asking who you are: whoever reaches it can browse what the archive holds through it.',
    remediation: 'Put the portal behind authentication (the product\'s own, or an authenticating reverse proxy), serve it over HTTPS, and restrict who can reach it.',
    references: [ORTHANC_SECURITY, 'DICOM PS3.15 Section 7 (access control, user identification)'],
    cwe: 'CWE-306',
    match(o) {
      const d = o.details;
      if (d?.protocol !== 'portal' || d.login.kind !== 'none' || d.rootStatus >= 400) return undefined;
      return `The ${o.product?.name ?? 'imaging'} web interface answered without a login (signature ${d.matches.map((m) => `${m.signature} on ${m.path}`).join(', ')}).`;
    },
  },
  {
    id: 'EXP-WEB-006',
    title: 'Product version with known vulnerabilities',
    severity: 'high',
    // The web faces only: a flaw reached through the DICOM port is EXP-DICOM-006.
    protocols: ['portal', 'orthanc', 'dicomweb'],
    rationale: 'The version this service reports has published vulnerabilities reached through its web interface; exposed services running it are a known target.',
    remediation: KNOWN_CVE_REMEDIATION,
    references: KNOWN_CVE_REFERENCES,
    cwe: 'CWE-1104',
    match: (o) => knownCveEvidence(o, 'web'),
  },
];
