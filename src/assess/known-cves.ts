/**
 * Product versions with published vulnerabilities, as a small reviewed table:
 * a version below `fixedIn` (compared numerically, dot by dot) matches. Only
 * entries with an advisory to cite; the product name is the fingerprint's.
 */
export interface KnownCve {
  readonly product: string;
  /** First version without the flaw. */
  readonly fixedIn: string;
  readonly cves: readonly string[];
  readonly summary: string;
  readonly source: string;
}

export const KNOWN_CVES: readonly KnownCve[] = [
  {
    product: 'Orthanc',
    fixedIn: '1.5.8',
    cves: ['CVE-2025-0896'],
    summary: 'HTTP authentication not enabled by default when remote access is enabled',
    source: 'CISA ICS Medical Advisory ICSMA-25-044-01 (Orthanc Server)',
  },
  {
    product: 'Orthanc',
    fixedIn: '1.12.0',
    cves: ['CVE-2023-33466'],
    summary: 'an authenticated REST API user can overwrite arbitrary files, up to remote code execution in some deployments',
    source: 'NVD CVE-2023-33466; Orthanc 1.12.0 release notes',
  },
  {
    product: 'DCMTK',
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

export function knownCves(product: string, version: string): KnownCve[] {
  return KNOWN_CVES.filter((k) => k.product === product && compareVersions(version, k.fixedIn) === -1);
}
