/**
 * Product versions with published vulnerabilities, as a small reviewed table:
 * a version below `fixedIn` (compared numerically, dot by dot) matches. Only
 * entries with an advisory to cite; the product name is the fingerprint's.
 * `reachedThrough` says which face of the product the flaw is reached through,
 * so a finding lands on the service that exposes it: an Orthanc REST flaw on
 * its HTTP port, not on its DICOM port.
 */
import type { Observation } from '../observation/observation.ts';
import { productLabel, toolkitLabel } from '../observation/product.ts';

export type Surface = 'web' | 'dicom';

/** What the known-CVE rules (EXP-WEB-006, EXP-DICOM-006) advise and cite. */
export const KNOWN_CVE_REMEDIATION = 'Upgrade to a version that fixes the listed CVEs (see the advisories), and limit who can reach the service meanwhile.';
export const KNOWN_CVE_REFERENCES: readonly string[] = ['CISA ICS Medical Advisories (ICSMA)', 'NVD, https://nvd.nist.gov/'];

export interface KnownCve {
  readonly product: string;
  readonly reachedThrough: Surface;
  /** First version without the flaw. */
  readonly fixedIn: string;
  readonly cves: readonly string[];
  readonly summary: string;
  readonly source: string;
}

export const KNOWN_CVES: readonly KnownCve[] = [
  {
    product: 'Orthanc',
    reachedThrough: 'web',
    fixedIn: '1.5.8',
    cves: ['CVE-2025-0896'],
    summary: 'HTTP authentication not enabled by default when remote access is enabled',
    source: 'CISA ICS Medical Advisory ICSMA-25-044-01 (Orthanc Server)',
  },
  {
    product: 'Orthanc',
    reachedThrough: 'web',
    fixedIn: '1.12.0',
    cves: ['CVE-2023-33466'],
    summary: 'an authenticated REST API user can overwrite arbitrary files, up to remote code execution in some deployments',
    source: 'NVD CVE-2023-33466; Orthanc 1.12.0 release notes',
  },
  {
    product: 'DCMTK',
    reachedThrough: 'dicom',
    fixedIn: '3.6.7',
    cves: ['CVE-2022-2119', 'CVE-2022-2120', 'CVE-2022-2121'],
    summary: 'path traversal in received file names (storescp, C-GET) and a NULL pointer dereference',
    source: 'CISA ICS Medical Advisory ICSMA-22-174-01 (OFFIS DCMTK)',
  },
];

/** -1, 0, 1 comparing dotted numeric versions; undefined when either is not dotted numbers. */
export function compareVersions(a: string, b: string): number | undefined {
  const pa = /^\d+(\.\d+)*$/.test(a) ? a.split('.').map(Number) : undefined;
  const pb = /^\d+(\.\d+)*$/.test(b) ? b.split('.').map(Number) : undefined;
  if (!pa || !pb) return undefined;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export function knownCves(product: string, version: string, surface?: Surface): KnownCve[] {
  return KNOWN_CVES.filter((k) => k.product === product && (surface === undefined || k.reachedThrough === surface) && compareVersions(version, k.fixedIn) === -1);
}

function cveList(hits: readonly KnownCve[]): string {
  return hits.map((h) => `${h.cves.join(', ')} (fixed in ${h.fixedIn}: ${h.summary}; ${h.source})`).join('; ');
}

/**
 * The evidence of a known-CVE finding on this service, if its product and version have flaws
 * reached through `surface`, or the toolkit it is built on has (Orthanc answering with DCMTK's
 * identifiers). A toolkit's flaws are said to be the toolkit's: whether the product reaches
 * them depends on which of the toolkit's parts it uses, and the evidence says so.
 */
export function knownCveEvidence(o: Observation, surface: Surface): string | undefined {
  const p = o.product;
  if (!p) return undefined;
  const own = p.version ? knownCves(p.name, p.version, surface) : [];
  const toolkit = p.toolkit?.version !== undefined && p.toolkit.name !== p.name ? p.toolkit : undefined;
  const inherited = toolkit?.version ? knownCves(toolkit.name, toolkit.version, surface) : [];
  const parts = [
    ...(own.length > 0 ? [`${productLabel(p)}: ${cveList(own)}.`] : []),
    ...(toolkit && inherited.length > 0
      ? [
          `${productLabel(p)} is built on ${toolkitLabel(p)}, whose identifiers it answers with: ${cveList(inherited)}. ` +
            `These are ${toolkit.name}'s flaws; whether ${p.name} reaches them depends on which parts of ${toolkit.name} it uses.`,
        ]
      : []),
  ];
  return parts.length > 0 ? parts.join(' ') : undefined;
}
