/** Findings about transport security on services that carry patient data (EXP-TLS-*). */
import type { Observation } from '../../observation/observation.ts';
import type { Rule } from '../rule.ts';

const PS315_B = 'DICOM PS3.15 Annex B (Secure Transport Connection Profiles) and BCP 195 (RFC 9325)';
const PHI_PROTOCOLS = ['dicom-tls', 'portal', 'orthanc', 'dicomweb'] as const;

/** A service that answered at all (so its transport matters). */
function answered(o: Observation): boolean {
  return o.status === 'success' || o.status === 'rejected';
}

function certificate(o: Observation) {
  return o.tls && answered(o) ? o.tlsInfo?.certificate : undefined;
}

export const TLS_RULES: readonly Rule[] = [
  {
    id: 'EXP-TLS-001',
    title: 'Expired TLS certificate',
    severity: 'medium',
    protocols: PHI_PROTOCOLS,
    rationale: 'Clients that check certificates fail, and users learn to click through warnings, which makes interception easy to miss.',
    remediation: 'Renew the certificate and monitor expiry dates; use certificates from the site PKI or a public CA.',
    references: [PS315_B],
    cwe: 'CWE-298',
    match(o) {
      const c = certificate(o);
      if (!c?.expired) return undefined;
      return `The certificate on port ${o.endpoint.port} expired on ${c.validTo ?? 'an unknown date'}.`;
    },
  },
  {
    id: 'EXP-TLS-002',
    title: 'Self-signed TLS certificate',
    severity: 'low',
    protocols: PHI_PROTOCOLS,
    rationale: 'Peers cannot tell this certificate from an attacker\'s, so they either skip verification or pin it by hand; PS3.15 Annex B expects peers to authenticate each other.',
    remediation: 'Issue the certificate from the site PKI (or a public CA for public names) and configure peers to verify it.',
    references: [PS315_B],
    cwe: 'CWE-295',
    match(o) {
      const c = certificate(o);
      if (!c?.selfSigned) return undefined;
      return `The certificate on port ${o.endpoint.port} is self-signed (subject ${c.subject ?? 'empty'}).`;
    },
  },
  {
    id: 'EXP-TLS-003',
    title: 'Patient data API over plain HTTP',
    severity: 'medium',
    protocols: ['orthanc', 'dicomweb'],
    rationale: 'Queries, credentials and patient data cross the network in clear text and can be read or altered on the path.',
    remediation: 'Serve the API over HTTPS only (a TLS reverse proxy in front of Orthanc or the archive) and close the plain HTTP port to other hosts.',
    references: [PS315_B, 'DICOM PS3.18 Section 7 (security considerations)'],
    cwe: 'CWE-319',
    match(o) {
      if (o.tls || !answered(o)) return undefined;
      return `The ${o.protocol === 'orthanc' ? 'Orthanc REST' : 'DICOMweb'} API answered in clear text HTTP on port ${o.endpoint.port}.`;
    },
  },
  {
    id: 'EXP-TLS-004',
    title: 'Outdated TLS protocol version',
    severity: 'medium',
    protocols: PHI_PROTOCOLS,
    rationale: 'TLS 1.0 and 1.1 are deprecated (RFC 8996) and lack the protections patient data needs.',
    remediation: 'Allow TLS 1.2 and 1.3 only (BCP 195).',
    references: ['RFC 8996 (Deprecating TLS 1.0 and TLS 1.1)', PS315_B],
    cwe: 'CWE-327',
    match(o) {
      if (!o.tls || !o.tlsInfo || !answered(o)) return undefined;
      return /^(SSLv|TLSv1(\.1)?$)/.test(o.tlsInfo.version) ? `Negotiated ${o.tlsInfo.version} on port ${o.endpoint.port}.` : undefined;
    },
  },
  {
    id: 'EXP-TLS-005',
    title: 'Weak TLS key',
    severity: 'low',
    protocols: PHI_PROTOCOLS,
    rationale: 'An RSA key under 2048 bits can be broken with accessible means; recorded traffic protected by it is not safe.',
    remediation: 'Reissue the certificate with an RSA key of at least 2048 bits or an EC key (P-256 or stronger).',
    references: ['NIST SP 800-57 Part 1 Rev. 5, Table 2', PS315_B],
    cwe: 'CWE-326',
    match(o) {
      const c = certificate(o);
      if (!c || c.keyType !== 'rsa' || c.keyBits === undefined || c.keyBits >= 2048) return undefined;
      return `The certificate on port ${o.endpoint.port} has a ${c.keyBits}-bit RSA key.`;
    },
  },
];
