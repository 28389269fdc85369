/**
 * The identities public DICOM honeypots claim in their A-ASSOCIATE-AC, and
 * what each real product's own DICOM layer sends instead: a claim the
 * behaviour contradicts is a spoof. Every entry names where it comes from.
 *
 * A persona that copies a real product exactly (DICOMHawk's default DCMTK
 * 3.6.2 identity) is listed for the record but is not a signal by itself:
 * real DCMTK 3.6.2 servers send the same two values. What gives it away is
 * the behaviour (contradictions below).
 */

export interface HoneypotPersona {
  readonly id: string;
  readonly honeypot: 'DICOMHawk' | 'dicompot';
  /** Exact values in the A-ASSOCIATE-AC user information (PS3.7 D.3.3.2). */
  readonly implementationClassUid: string;
  readonly implementationVersionName: string;
  /** True when only the honeypot sends this pair; false when a real product sends it as well. */
  readonly exclusive: boolean;
  readonly source: string;
}

export const HONEYPOT_PERSONAS: readonly HoneypotPersona[] = [
  {
    id: 'dicomhawk-ge-ct',
    honeypot: 'DICOMHawk',
    implementationClassUid: '1.2.840.113619.6.96',
    implementationVersionName: 'GE_PACS_REV_24',
    exclusive: true,
    source: 'honeynet/DICOMHawk dicom_server/core/vendor_personas.py ("ge_ct")',
  },
  {
    id: 'dicomhawk-siemens-ct',
    honeypot: 'DICOMHawk',
    implementationClassUid: '1.3.12.2.1107.5.2',
    implementationVersionName: 'syngo CT VA48A',
    exclusive: true,
    source: 'honeynet/DICOMHawk dicom_server/core/vendor_personas.py ("siemens_ct")',
  },
  {
    id: 'dicomhawk-philips-mr',
    honeypot: 'DICOMHawk',
    implementationClassUid: '1.3.46.670589.11',
    implementationVersionName: 'PHILIPS_MR_56.1',
    exclusive: true,
    source: 'honeynet/DICOMHawk dicom_server/core/vendor_personas.py ("philips_mr")',
  },
  {
    id: 'dicomhawk-orthanc-name',
    honeypot: 'DICOMHawk',
    implementationClassUid: '1.2.826.0.1.3680043.9.3811.2.0.1',
    implementationVersionName: 'ORTHANC',
    exclusive: true,
    source: 'honeynet/DICOMHawk dicom_server/config.py (DICOM_IMPLEMENTATION_NAME / DICOM_IMPLEMENTATION_UID defaults)',
  },
  {
    id: 'dicomhawk-dcmtk-362',
    honeypot: 'DICOMHawk',
    implementationClassUid: '1.2.276.0.7230010.3.0.3.6.2',
    implementationVersionName: 'OFFIS_DCMTK_362',
    exclusive: false,
    source: 'honeynet/DICOMHawk dicom_server/core/dicom_application.py (initialize_application_entity); the values of real DCMTK 3.6.2',
  },
];

/** DCMTK's registered root (dcmnet's OFFIS_UID_ROOT): dcmqrscp, storescp and Orthanc 1.10 answer under it. */
const DCMTK_UID_ROOT = '1.2.276.0.7230010.3';

/** pynetdicom's root (pydicom/pynetdicom pynetdicom/__init__.py PYNETDICOM_IMPLEMENTATION_UID). */
const PYNETDICOM_UID_ROOT = '1.2.826.0.1.3680043.9.3811';

/**
 * pynetdicom's default maximum PDU length, which a pynetdicom SCP announces unless
 * configured otherwise (pydicom/pynetdicom pynetdicom/_globals.py DEFAULT_MAX_LENGTH);
 * DCMTK's default is 16384 (dcmnet ASC_DEFAULTMAXPDU), as are dcmqrscp's and Orthanc's.
 */
const PYNETDICOM_DEFAULT_MAX_PDU = 16382;

export interface PeerIdentity {
  readonly implementationClassUid?: string | undefined;
  readonly implementationVersionName?: string | undefined;
  readonly maxPduLength?: number | undefined;
}

/** The exclusive persona this identity is, if any. */
export function honeypotPersona(peer: PeerIdentity): HoneypotPersona | undefined {
  return HONEYPOT_PERSONAS.find(
    (p) => p.exclusive && p.implementationClassUid === peer.implementationClassUid && p.implementationVersionName === peer.implementationVersionName,
  );
}

function underRoot(uid: string | undefined, root: string): boolean {
  return uid !== undefined && (uid === root || uid.startsWith(`${root}.`));
}

/**
 * Behaviour the claimed product never shows, each with its source:
 * - DCMTK's identity with pynetdicom's default maximum PDU (16382): DICOMHawk's
 *   default persona is pynetdicom under DCMTK's name (dicom_application.py).
 * - Orthanc's name over pynetdicom's root: Orthanc is C++ over DCMTK and answers
 *   under DCMTK's root or its own (1.2.826.0.1.3680043.2.1143), never pynetdicom's;
 *   DICOMHawk's defaults are exactly that pair (config.py).
 */
export function identityContradiction(peer: PeerIdentity): string | undefined {
  if (underRoot(peer.implementationClassUid, DCMTK_UID_ROOT) && peer.maxPduLength === PYNETDICOM_DEFAULT_MAX_PDU) {
    return "DCMTK's implementation class UID with pynetdicom's default maximum PDU length";
  }
  if (/^ORTHANC/i.test(peer.implementationVersionName ?? '') && underRoot(peer.implementationClassUid, PYNETDICOM_UID_ROOT)) {
    return "Orthanc's name over pynetdicom's implementation class UID";
  }
  return undefined;
}
