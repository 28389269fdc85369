/**
 * The one result schema every probe returns and the store accepts.
 *
 * It is validated before insert (store/), and it is where the privacy model
 * is enforced by shape: there is no field that could carry the value of a
 * patient attribute. Inventories carry keywords and counts; identities of
 * patients exist only as a distinct count computed from keyed hashes in memory.
 */
import { z } from 'zod';
import { FtpDetails, NfsDetails, RsyncDetails, SmbDetails } from './file-share.ts';
import { splitModalities } from './modality.ts';
import { IDENTIFIER_CAP as CAP, peerIdentifier } from './peer-text.ts';
import { DicomBehaviour } from './honeypot.ts';

/**
 * ZGrab2-style closed set of outcomes: a probe returns one of these, never throws.
 * Unlike ZGrab2's set, an unreachable host or network, a reset and our own abort
 * keep their names: each is a different fact about a network, not a timeout.
 */
export const PROBE_STATUSES = [
  'success',
  'connection-refused',
  'connection-timeout',
  'host-unreachable',
  'network-unreachable',
  'connection-reset',
  'io-timeout',
  'aborted',
  'handshake-error',
  'not-this-protocol',
  'rejected',
  'protocol-error',
  'out-of-scope',
  'unknown-error',
] as const;
export const ProbeStatus = z.enum(PROBE_STATUSES);
export type ProbeStatus = z.infer<typeof ProbeStatus>;

/**
 * The dial got no answer: no connection was made, so there was no service to
 * observe. A reset, a timeout after connect or our own abort are results about
 * a service that was there; out-of-scope is no dial at all, and worth reporting.
 */
export function isUnanswered(status: ProbeStatus): boolean {
  switch (status) {
    case 'connection-refused':
    case 'connection-timeout':
    case 'host-unreachable':
    case 'network-unreachable':
      return true;
    case 'success':
    case 'connection-reset':
    case 'io-timeout':
    case 'aborted':
    case 'handshake-error':
    case 'not-this-protocol':
    case 'rejected':
    case 'protocol-error':
    case 'out-of-scope':
    case 'unknown-error':
      return false;
    default: {
      const never: never = status;
      return never;
    }
  }
}

export const PROTOCOL_IDS = ['dicom', 'dicom-tls', 'dicomweb', 'orthanc', 'portal', 'ftp', 'smb', 'rsync', 'nfs'] as const;
export const ProtocolId = z.enum(PROTOCOL_IDS);
export type ProtocolId = z.infer<typeof ProtocolId>;

export const Endpoint = z.object({
  ip: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  /** The name the target was given as, when it was a hostname. */
  hostname: z.string().optional(),
});
export type Endpoint = z.infer<typeof Endpoint>;

/** A count that may be a lower bound, when enumeration stopped at a cap ("at least N"). */
export const Count = z.object({
  n: z.number().int().nonnegative(),
  atLeast: z.boolean(),
});
export type Count = z.infer<typeof Count>;

export const ExposureCounts = z.object({
  patients: Count.optional(),
  studies: Count.optional(),
  series: Count.optional(),
  images: Count.optional(),
  files: Count.optional(),
  bytes: Count.optional(),
});
export type ExposureCounts = z.infer<typeof ExposureCounts>;

/** PS3.15 Annex E flavoured class of an identifying attribute (see privacy/identifying-attributes.ts). */
export const AttributeClass = z.enum(['direct-identifier', 'quasi-identifier', 'sensitive', 'context']);
export type AttributeClass = z.infer<typeof AttributeClass>;

/**
 * Which attributes came back non-empty, and in how many of the records read.
 * Keywords come from a fixed data table, never from the peer.
 */
export const AttributeInventory = z.object({
  records: z.number().int().nonnegative(),
  attributes: z.array(
    z.object({
      keyword: z.string().regex(/^[A-Za-z0-9]+$/),
      tag: z.string().regex(/^[0-9A-F]{8}$/),
      class: AttributeClass,
      present: z.number().int().nonnegative(),
    }),
  ),
});
export type AttributeInventory = z.infer<typeof AttributeInventory>;

/**
 * How a DICOM service's product was named: from the identifiers its A-ASSOCIATE-AC
 * carries (implementation class UID and version name), from how it behaved on the
 * association (probes/dicom/behaviour-fingerprints.ts), or from the REST API of the
 * same host naming that DICOM port. Absent for products other probes name.
 */
export const ProductIdentifiedBy = z.enum(['implementation-uid', 'dicom-behaviour', 'rest']);
export type ProductIdentifiedBy = z.infer<typeof ProductIdentifiedBy>;

/** Name from a fingerprint table; version and basis may hold what a peer sent, so all three are capped identifiers. */
export const Product = z.object({
  name: peerIdentifier(CAP.productName),
  version: peerIdentifier(CAP.productVersion).optional(),
  /** What the identification rests on, e.g. "implementation class UID 1.2.276.0.7230010.3.0.3.6.7". */
  basis: peerIdentifier(CAP.productBasis),
  confidence: z.enum(['certain', 'likely', 'guess']),
  identifiedBy: ProductIdentifiedBy.optional(),
  /**
   * The toolkit the product is built on, when it answers with the toolkit's identifiers
   * (Orthanc sends DCMTK's implementation class UID and version name): kept, since the
   * toolkit's own flaws may reach the product.
   */
  toolkit: z.object({ name: peerIdentifier(CAP.productName), version: peerIdentifier(CAP.productVersion).optional() }).optional(),
});
export type Product = z.infer<typeof Product>;

/** PS3.8 9.3.4 A-ASSOCIATE-RJ fields, with their meaning spelled out. */
export const AssociateReject = z.object({
  result: z.number().int(),
  source: z.number().int(),
  reason: z.number().int(),
  text: z.string(),
});

export const AssociationAttempt = z.object({
  calledAeTitle: z.string(),
  callingAeTitle: z.string(),
  /** Why this called AE title was tried. */
  origin: z.enum(['unlikely', 'user', 'guess-list']),
  outcome: z.enum(['accepted', 'rejected', 'aborted', 'closed', 'timeout', 'protocol-error']),
  reject: AssociateReject.optional(),
  abort: z.object({ source: z.number().int(), reason: z.number().int(), text: z.string() }).optional(),
});
export type AssociationAttempt = z.infer<typeof AssociationAttempt>;

/** How one DIMSE exchange ended; 'protocol-error': the peer answered with a message that does not answer it, and we aborted. */
export const DimseOutcome = z.enum(['success', 'failed', 'refused', 'not-negotiated', 'timeout', 'aborted', 'protocol-error', 'not-attempted']);
export type DimseOutcome = z.infer<typeof DimseOutcome>;

/**
 * A closed vocabulary, enforced here as well as in the probe: whatever reaches the store
 * (or is read back from an older one), a modality value that is not a term is only counted.
 */
function keepModalityTerms<T extends { modalities: string[]; otherModalities?: number | undefined }>({ modalities, otherModalities, ...rest }: T) {
  const split = splitModalities(modalities);
  const other = (otherModalities ?? 0) + split.other;
  // Typed as the input (string[]), so the schema's input and output types stay one type.
  const kept: string[] = split.modalities;
  return { ...rest, modalities: kept, ...(other > 0 ? { otherModalities: other } : {}) };
}

export const DicomDetails = z.object({
  protocol: z.literal('dicom'),
  /** Every A-ASSOCIATE-RQ sent, in order. */
  attempts: z.array(AssociationAttempt),
  /** The called AE title that was accepted, if any. */
  acceptedCalledAeTitle: z.string().optional(),
  /** True when an AE title no site would configure on purpose was accepted. */
  acceptsAnyCalledAeTitle: z.boolean(),
  /** What the A-ASSOCIATE-AC said about the peer (PS3.8 9.3.3): identifiers, capped (docs/peer-text.md). */
  peer: z
    .object({
      implementationClassUid: peerIdentifier(CAP.uid).optional(),
      implementationVersionName: peerIdentifier(CAP.implementationVersionName).optional(),
      maxPduLength: z.number().int().nonnegative().optional(),
      /** Responding AE title echoed in the A-ASSOCIATE-AC. */
      respondingAeTitle: peerIdentifier(CAP.aeTitle).optional(),
      /** Abstract syntaxes are ours (what we proposed); the transfer syntax is the peer's choice. */
      acceptedContexts: z.array(z.object({ abstractSyntax: z.string(), transferSyntax: peerIdentifier(CAP.uid) })),
      rejectedContexts: z.array(z.object({ abstractSyntax: z.string(), result: z.number().int() })),
    })
    .optional(),
  echo: z.object({ outcome: DimseOutcome, status: z.number().int().optional() }),
  find: z
    .object({
      outcome: DimseOutcome,
      level: z.literal('STUDY'),
      status: z.number().int().optional(),
      /** Pending responses (matches) received. */
      matches: z.number().int().nonnegative(),
      /** True when --max-records stopped enumeration and a C-CANCEL was sent. */
      capped: z.boolean(),
      /** Modality codes seen in ModalitiesInStudy or Modality: defined terms only (modality.ts), sorted. */
      modalities: z.array(z.string()),
      /** How many values seen there were not a defined term: counted, never stored. Absent when none. */
      otherModalities: z.number().int().nonnegative().optional(),
      /** The A-ABORT (PS3.8 9.3.8) that ended the query in place of a response, when one did. */
      abort: z.object({ source: z.number().int(), reason: z.number().int() }).optional(),
      /**
       * How the matches were shaped, which tells products apart (behaviour-fingerprints.ts):
       * of the matches read, how many carried Specific Character Set (0008,0005), which the
       * query does not ask for, and how many filled both study-related counts. Counts only.
       */
      answer: z
        .object({
          specificCharacterSet: z.number().int().nonnegative(),
          studyRelatedCounts: z.number().int().nonnegative(),
        })
        .optional(),
    })
    .transform(keepModalityTerms),
  /**
   * Modality Worklist - FIND (PS3.4 K.6.1) on the same association, one query for every
   * scheduled procedure step; "not-attempted" when the association ended before its turn.
   * Absent when no association was accepted, or (stores written before it) when the probe
   * did not ask.
   */
  mwl: z
    .object({
      outcome: DimseOutcome,
      status: z.number().int().optional(),
      /** Pending responses: worklist items (scheduled procedure steps) received. */
      matches: z.number().int().nonnegative(),
      /** True when --max-records stopped enumeration and a C-CANCEL was sent. */
      capped: z.boolean(),
      /** Distinct PatientID values among the items, counted through keyed hashes. */
      patients: Count.optional(),
      /** Modality codes of the scheduled steps: defined terms only (modality.ts), sorted. */
      modalities: z.array(z.string()),
      otherModalities: z.number().int().nonnegative().optional(),
      /** Identifying attributes that came back non-empty, top level and scheduled step alike: keywords and counts. */
      inventory: AttributeInventory.optional(),
    })
    .transform(keepModalityTerms)
    .optional(),
  release: z.enum(['released', 'aborted', 'not-attempted', 'timeout']),
  /** Timing, lure matches and dataset digests the honeypot assessment reads (observation/honeypot.ts). Absent in older stores. */
  behaviour: DicomBehaviour.optional(),
});
export type DicomDetails = z.infer<typeof DicomDetails>;

/**
 * What the TLS handshake showed (PS3.15 Annex B for DICOM, HTTPS for the web
 * probes). Certificates are recorded, never verified; names are server names.
 */
export const TlsInfo = z.object({
  /** Negotiated protocol, as OpenSSL names it: "TLSv1.3", "TLSv1.2" … */
  version: peerIdentifier(CAP.shortFact),
  certificate: z
    .object({
      subject: peerIdentifier(CAP.certificateName).optional(),
      issuer: peerIdentifier(CAP.certificateName).optional(),
      validFrom: peerIdentifier(CAP.shortFact).optional(),
      validTo: peerIdentifier(CAP.shortFact).optional(),
      selfSigned: z.boolean(),
      expired: z.boolean(),
      notYetValid: z.boolean(),
      /** "rsa", "ec", "ed25519" … and its size in bits where it has one. */
      keyType: peerIdentifier(CAP.shortFact).optional(),
      keyBits: z.number().int().positive().optional(),
      /** SHA-256 of the DER certificate, hex. */
      sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    })
    .optional(),
});
export type TlsInfo = z.infer<typeof TlsInfo>;

/** A login in front of a web service, and (only with --check-logins) what a blank or vendor-default credential got. */
export const WebLogin = z.object({
  /** none: the content answered without credentials; basic/digest: HTTP authentication (RFC 7617/7616); form: an HTML password form. */
  kind: z.enum(['none', 'basic', 'digest', 'bearer', 'form', 'other']),
  /** The Basic/Digest realm, cut to printable ASCII: server configuration, never patient data. */
  realm: peerIdentifier(CAP.realm).optional(),
  check: z.enum(['not-checked', 'blank-accepted', 'default-accepted', 'refused', 'not-applicable']),
  /** Credentials sent (blank first, then vendor defaults); never more than a handful. */
  attempts: z.number().int().nonnegative(),
  /** The vendor-default user name that worked; a password is never recorded. */
  defaultUser: peerIdentifier(CAP.shortFact).optional(),
});
export type WebLogin = z.infer<typeof WebLogin>;

const WebScheme = z.enum(['http', 'https']);

export const PortalDetails = z.object({
  protocol: z.literal('portal'),
  scheme: WebScheme,
  /** HTTP status of GET / after same-origin redirects. */
  rootStatus: z.number().int(),
  /** Signature ids (portal/signatures.ts) that matched, and on which of our paths. */
  matches: z.array(z.object({ signature: z.string(), path: z.string() })),
  login: WebLogin,
});
export type PortalDetails = z.infer<typeof PortalDetails>;

export const OrthancDetails = z.object({
  protocol: z.literal('orthanc'),
  scheme: WebScheme,
  /** How /system was reached: without credentials, with a blank or vendor-default one, or not at all. */
  access: z.enum(['open', 'blank-credentials', 'default-credentials', 'login-required']),
  login: WebLogin,
  system: z
    .object({
      /** Kept only when it looks like a version (orthanc/rest.ts); capped here as well. */
      version: peerIdentifier(CAP.productVersion).optional(),
      apiVersion: z.number().int().optional(),
      dicomAet: peerIdentifier(CAP.aeTitle).optional(),
      dicomPort: z.number().int().min(0).max(65535).optional(),
      pluginsEnabled: z.boolean().optional(),
    })
    .optional(),
  /** GET /statistics: counts only, never a listing. */
  statistics: z
    .object({
      patients: z.number().int().nonnegative(),
      studies: z.number().int().nonnegative(),
      series: z.number().int().nonnegative(),
      instances: z.number().int().nonnegative(),
      diskSizeBytes: z.number().nonnegative().optional(),
    })
    .optional(),
});
export type OrthancDetails = z.infer<typeof OrthancDetails>;

export const DicomwebDetails = z.object({
  protocol: z.literal('dicomweb'),
  scheme: WebScheme,
  /** Every QIDO-RS root tried (our paths; dcm4chee AE titles sanitised) and the HTTP status of its studies query. */
  roots: z.array(z.object({ root: peerIdentifier(CAP.webRoot), status: z.number().int() })),
  /** The root that answered a studies query. */
  root: peerIdentifier(CAP.webRoot).optional(),
  access: z.enum(['open', 'blank-credentials', 'default-credentials', 'login-required', 'none']),
  login: WebLogin,
  qido: z.object({
    outcome: z.enum(['success', 'refused', 'not-found', 'malformed', 'not-attempted']),
    /** Pages of `limit` studies read (PS3.18 8.3.4.4 limit/offset). */
    pages: z.number().int().nonnegative(),
    studies: z.number().int().nonnegative(),
    /** Stopped at --max-records. */
    capped: z.boolean(),
  }),
});
export type DicomwebDetails = z.infer<typeof DicomwebDetails>;

/** Other protocols add their own member to this union. */
export const ProtocolDetails = z.discriminatedUnion('protocol', [DicomDetails, PortalDetails, OrthancDetails, DicomwebDetails, FtpDetails, SmbDetails, RsyncDetails, NfsDetails]);
export type ProtocolDetails = z.infer<typeof ProtocolDetails>;
export type { FtpDetails, NfsDetails, RsyncDetails, SmbDetails };

export const ObservationError = z.object({
  /** A stable machine code, e.g. ECONNREFUSED, PDU_TOO_LARGE. */
  code: z.string(),
  /** Written by us, never echoes bytes from the peer. */
  message: z.string(),
  /** The phase that failed, e.g. "connect", "associate", "c-find". */
  phase: z.string().optional(),
});

export const Observation = z.object({
  protocol: ProtocolId,
  endpoint: Endpoint,
  status: ProbeStatus,
  startedAt: z.string(),
  durationMs: z.number().nonnegative(),
  tls: z.boolean(),
  /** Handshake facts when `tls` is true. */
  tlsInfo: TlsInfo.optional(),
  product: Product.optional(),
  exposure: ExposureCounts,
  inventory: AttributeInventory.optional(),
  details: ProtocolDetails.optional(),
  error: ObservationError.optional(),
});
export type Observation = z.infer<typeof Observation>;

/** The DICOM details of an observation (dicom or dicom-tls), if it has them. */
export function dicomDetails(o: Pick<Observation, 'details'>): DicomDetails | undefined {
  return o.details?.protocol === 'dicom' ? o.details : undefined;
}
