/** Findings about DICOM DIMSE services (EXP-DICOM-*). */
import type { DicomDetails, Observation } from '../../observation/observation.ts';
import { countedPhrase, identifyingKeywords, inventoryKeywords } from '../evidence.ts';
import { KNOWN_CVE_REFERENCES, KNOWN_CVE_REMEDIATION, knownCveEvidence } from '../known-cves.ts';
import type { Rule } from '../rule.ts';

const PS315 = 'DICOM PS3.15 Annex B (Secure Transport Connection Profiles) and Annex E (Attribute Confidentiality Profiles)';
const PS315_SECURITY = 'DICOM PS3.15 Section 7 (access control, audit trails, confidentiality, user identification)';
const PS38_AE = 'DICOM PS3.8 Section 9.3.4 (A-ASSOCIATE-RJ: called AE title not recognised)';
const PS34_MWL = 'DICOM PS3.4 Annex K (Basic Worklist Management Service: Modality Worklist Information Model - FIND)';

function dicom(o: Observation): DicomDetails | undefined {
  return o.details?.protocol === 'dicom' ? o.details : undefined;
}

/** Did the peer speak the DICOM upper layer at all (an AC, an RJ or an A-ABORT to our request)? */
function spokeDicom(d: DicomDetails): boolean {
  return d.attempts.some((a) => a.outcome === 'accepted' || a.outcome === 'rejected' || a.outcome === 'aborted');
}

export const DICOM_RULES: readonly Rule[] = [
  {
    id: 'EXP-DICOM-001',
    title: 'C-FIND returns patient records to an unknown calling AE',
    severity: 'critical',
    protocols: ['dicom', 'dicom-tls'],
    rationale:
      'Anyone who can reach the port can list the studies of this archive with the identifying attributes of each patient, with no credentials and no record of who they are.',
    remediation:
      'Restrict the DICOM service to known peers: configure an allow-list of calling AE titles bound to their IP addresses (and turn off options such as Orthanc "DicomAlwaysAllowFind"), check the called AE title, and put the service behind a firewall or VPN so that it is not reachable from untrusted networks. Prefer DICOM TLS with client certificates.',
    references: [PS315_SECURITY, PS315, 'https://www.orthanc-server.com/static.php?page=security'],
    cwe: 'CWE-306',
    match(o) {
      const d = dicom(o);
      // Any match counts, however the exchange ended: the records were read (observation/exposed.ts).
      if (!d || d.find.matches === 0) return undefined;
      return (
        `C-FIND at STUDY level as an unknown calling AE returned ${countedPhrase(o.exposure.studies, 'study', 'studies')} of ` +
        `${countedPhrase(o.exposure.patients, 'patient')} (${countedPhrase(o.exposure.images, 'image')}); identifying attributes returned: ${identifyingKeywords(o)}.`
      );
    },
  },
  {
    id: 'EXP-DICOM-002',
    title: 'Association and C-ECHO accepted for any called AE title',
    severity: 'high',
    protocols: ['dicom', 'dicom-tls'],
    rationale:
      'The service does not check which AE title it is called by, so it answers anyone who finds the port: the first of the access controls the DICOM standard assumes is missing.',
    remediation:
      'Enable called AE title checking (Orthanc "DicomCheckCalledAet": true; most PACS have an equivalent) and accept associations only from configured peers.',
    references: [PS38_AE, PS315_SECURITY],
    cwe: 'CWE-284',
    match(o) {
      const d = dicom(o);
      if (!d || !d.acceptsAnyCalledAeTitle || d.echo.outcome !== 'success') return undefined;
      const first = d.attempts[0];
      return `An association called "${first?.calledAeTitle ?? '?'}" (a title no site configures) was accepted and answered C-ECHO with success.`;
    },
  },
  {
    id: 'EXP-DICOM-003',
    title: 'AE title guessable from the product default list',
    severity: 'high',
    protocols: ['dicom', 'dicom-tls'],
    rationale:
      'The only barrier in front of the service is an AE title that ships as a product default; a scanner finds it within a handful of attempts.',
    remediation:
      'Change the AE title to a site-specific one and, more importantly, accept associations only from configured peers (calling AE title and address); an AE title is a name, not a password.',
    references: [PS38_AE, PS315_SECURITY],
    cwe: 'CWE-1393',
    match(o) {
      const d = dicom(o);
      if (!d || d.acceptsAnyCalledAeTitle) return undefined;
      const hit = d.attempts.find((a) => a.outcome === 'accepted' && a.origin === 'guess-list');
      if (!hit) return undefined;
      const tries = d.attempts.indexOf(hit) + 1;
      return `Called AE title "${hit.calledAeTitle}", a product default, was accepted after ${tries} association attempts.`;
    },
  },
  {
    id: 'EXP-DICOM-004',
    title: 'DICOM service without TLS',
    severity: 'medium',
    protocols: ['dicom'],
    rationale:
      'Associations, queries and images cross the network in clear text: patient data can be read or altered by anyone on the path.',
    remediation:
      'Offer DICOM over TLS (PS3.15 Annex B, port 2762) and retire the plain-text port, or confine the plain-text port to a protected network segment.',
    references: [PS315],
    cwe: 'CWE-319',
    match(o) {
      const d = dicom(o);
      if (!d || o.tls || !spokeDicom(d)) return undefined;
      return `The DICOM upper layer answered in clear text on port ${o.endpoint.port}.`;
    },
  },
  {
    id: 'EXP-DICOM-005',
    title: 'C-FIND permitted to an unknown calling AE (no records returned)',
    severity: 'medium',
    protocols: ['dicom', 'dicom-tls'],
    rationale:
      'The service lets anyone query it. It returned nothing now, but any study it stores later will be listed to anyone.',
    remediation:
      'Refuse queries from unknown calling AE titles (Orthanc: set "DicomAlwaysAllowFind" to false and list known modalities) and restrict who can reach the port.',
    references: [PS315_SECURITY],
    cwe: 'CWE-306',
    match(o) {
      const d = dicom(o);
      if (!d || d.find.outcome !== 'success' || d.find.matches > 0) return undefined;
      return 'C-FIND at STUDY level as an unknown calling AE completed with success and no matches.';
    },
  },
  {
    id: 'EXP-DICOM-006',
    title: 'DICOM implementation version with known vulnerabilities',
    severity: 'high',
    protocols: ['dicom', 'dicom-tls'],
    rationale:
      'The implementation this DICOM service identifies itself as has published vulnerabilities reached through the DICOM port; exposed services running it are a known target.',
    remediation: KNOWN_CVE_REMEDIATION,
    references: KNOWN_CVE_REFERENCES,
    cwe: 'CWE-1104',
    match: (o) => knownCveEvidence(o, 'dicom'),
  },
  {
    id: 'EXP-DICOM-007',
    title: 'Modality worklist lists scheduled patients to an unknown calling AE',
    severity: 'critical',
    protocols: ['dicom', 'dicom-tls'],
    rationale:
      'The worklist tells modalities who is coming in and for what: anyone who can reach the port reads the names, birth dates and IDs of the patients scheduled, the procedures asked for and who performs them, ahead of time and with no record of who asked.',
    remediation:
      'Answer worklist queries only from the site\'s modalities: accept associations from configured calling AE titles bound to their addresses and refuse the rest (DCMTK wlmscpfs checks only the called AE title, so put it behind a host allow-list such as its tcp-wrapper option +ac or a firewall; with the Orthanc worklist plugin, set "DicomAlwaysAllowFind" to false and list the modalities in "DicomModalities"; on a RIS or broker, its AE allow-list). Keep the worklist service off networks that modalities are not on.',
    references: [PS34_MWL, PS315_SECURITY, 'https://support.dcmtk.org/docs/wlmscpfs.html', 'https://orthanc.uclouvain.be/book/faq/worklist.html'],
    cwe: 'CWE-306',
    match(o) {
      const d = dicom(o);
      // Any item counts, however the exchange ended: the entries were read (observation/exposed.ts).
      if (!d?.mwl || d.mwl.matches === 0) return undefined;
      const items = countedPhrase({ n: d.mwl.matches, atLeast: d.mwl.capped || d.mwl.outcome !== 'success' }, 'scheduled procedure step');
      return (
        `Modality Worklist C-FIND as an unknown calling AE returned ${items} of ` +
        `${countedPhrase(d.mwl.patients, 'patient')}; identifying attributes returned: ${inventoryKeywords(d.mwl.inventory)}.`
      );
    },
  },
];
