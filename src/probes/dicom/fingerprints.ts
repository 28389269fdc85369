/**
 * Product fingerprints from what a peer says about itself in the A-ASSOCIATE-AC
 * user information (PS3.7 Annex D.3.3.2: Implementation Class UID and
 * Implementation Version Name). Matched on the parsed fields, anchored:
 * a UID by exact value or registered root prefix, a version name by pattern.
 *
 * Note: many products embed a toolkit and keep its identity (Orthanc 1.10, for
 * one, answers with DCMTK's UID and version name), so an entry names the
 * toolkit unless the product sets its own. How the peer behaves on the same
 * association refines it (behaviour-fingerprints.ts), and the REST API of the
 * same host confirms it (scan/correlate.ts).
 */
import type { Product } from '../../observation/observation.ts';

export interface DicomFingerprint {
  readonly product: string;
  /** Exact UID, or a root that the UID must start with followed by a dot. */
  readonly uid?: { readonly exact?: string; readonly root?: string };
  /** Anchored pattern on the implementation version name; group 1, if any, is the version. */
  readonly versionName?: RegExp;
  /** Turns the captured version into a readable one (e.g. "367" → "3.6.7"). */
  readonly formatVersion?: (captured: string) => string;
  readonly source: string;
}

const dotted = (digits: string): string => digits.split('').join('.');

export const DICOM_FINGERPRINTS: readonly DicomFingerprint[] = [
  {
    product: 'DCMTK',
    uid: { root: '1.2.276.0.7230010.3' },
    versionName: /^OFFIS_DCMTK_(\d{3})$/,
    formatVersion: dotted,
    source: 'DCMTK dcmnet/libsrc/dul.cc defaults; seen from Orthanc 1.10.1, dcmqrscp and storescp 3.6.7 (Debian 12)',
  },
  {
    product: 'dcm4che',
    uid: { exact: '1.2.40.0.13.1.3' },
    versionName: /^dcm4che-(\d+\.\d+\.\d+)/,
    source: 'dcm4che3 Implementation class (public source)',
  },
  {
    product: 'Conquest DICOM',
    uid: { exact: '1.2.826.0.1.3680043.2.135.1066.101' },
    versionName: /^(\d+\.\d+\.\d+\w*)\//,
    source: 'Conquest dgate association logs, e.g. version name "1.5.0/WIN32" (public issue reports)',
  },
  {
    product: 'ClearCanvas',
    uid: { exact: '1.3.6.1.4.1.25403.1.1.1' },
    source: 'ClearCanvas.Dicom DicomImplementation (public source)',
  },
  {
    product: 'fo-dicom',
    uid: { exact: '1.3.6.1.4.1.30071.8' },
    versionName: /^fo-dicom (\d+\.\d+\.\d+)/,
    source: 'fo-dicom DicomImplementation (public source)',
  },
  {
    product: 'pynetdicom',
    uid: { root: '1.2.826.0.1.3680043.9.3811' },
    versionName: /^PYNETDICOM_(\d+)$/,
    formatVersion: dotted,
    source: 'pynetdicom PYNETDICOM_IMPLEMENTATION_UID root (public source)',
  },
  {
    product: 'Go DICOM (suyashkumar/dicom)',
    uid: { root: '1.2.826.0.1.3680043.9.7133' },
    source: 'suyashkumar/dicom constants (public source)',
  },
  {
    product: 'MicroDicom',
    uid: { root: '1.2.826.0.1.3680043.2.1545' },
    source: 'MicroDicom implementation UID root listed in public scanner fingerprint tables',
  },
  {
    product: 'Merge DICOM Toolkit',
    uid: { root: '1.2.826.0.1.3680043.2.46' },
    source: 'Merge DICOM Toolkit implementation UID root listed in public scanner fingerprint tables',
  },
  {
    product: 'OsiriX / Horos',
    versionName: /^(?:OSIRIX|HOROS)/i,
    source: 'OsiriX and Horos send their own implementation version name over a DCMTK UID',
  },
];

function uidMatches(fp: DicomFingerprint, uid: string | undefined): boolean {
  if (!fp.uid) return true;
  if (!uid) return false;
  if (fp.uid.exact !== undefined) return uid === fp.uid.exact;
  return fp.uid.root !== undefined && (uid === fp.uid.root || uid.startsWith(`${fp.uid.root}.`));
}

/** The most specific fingerprint that fits, or undefined when the peer is unknown to the table. */
export function fingerprintDicom(implementationClassUid?: string, implementationVersionName?: string): Product | undefined {
  let best: { product: Product; score: number } | undefined;
  for (const fp of DICOM_FINGERPRINTS) {
    if (!fp.uid && !fp.versionName) continue;
    if (!uidMatches(fp, implementationClassUid)) continue;
    const m = fp.versionName && implementationVersionName ? fp.versionName.exec(implementationVersionName) : null;
    if (fp.versionName && !m && !fp.uid) continue;
    const score = (fp.uid ? 2 : 0) + (m ? 1 : 0) + (fp.versionName && !fp.uid ? 2 : 0);
    const captured = m?.[1];
    const version = captured ? (fp.formatVersion ? fp.formatVersion(captured) : captured) : undefined;
    const basis = [
      implementationClassUid ? `implementation class UID ${implementationClassUid}` : undefined,
      implementationVersionName ? `version name ${implementationVersionName}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    const product: Product = { name: fp.product, basis, confidence: score >= 3 ? 'certain' : 'likely', identifiedBy: 'implementation-uid', ...(version ? { version } : {}) };
    if (!best || score > best.score) best = { product, score };
  }
  return best?.product;
}
