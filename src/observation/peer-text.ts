/**
 * Text a peer wrote, as the result schema keeps it (docs/peer-text.md).
 *
 * Peer text is never data unless it is a closed vocabulary (modality.ts). The
 * few structural identifiers that are kept (AE titles, UIDs, implementation
 * version names, certificate names, NetBIOS names, share names, realms) are
 * cut to printable ASCII and a fixed length by one function: the probe that
 * reads them applies it, and the schema applies it again on the way into and
 * out of the store. A peer can therefore neither make a store write fail (a
 * rejected observation would roll back its whole batch) nor put control
 * characters, bidi marks or unbounded text into a finding or a report.
 * Escaping for each output format stays the renderer's job (report/escape.ts):
 * printable ASCII still holds `<`, `|`, `=` and backticks.
 */
import { z } from 'zod';

// Printable ASCII is U+0020 to U+007E. Anything else (C0 and C1 controls, DEL, ESC,
// bidi and zero-width marks, any other script) becomes "?", one per UTF-16 code unit,
// so a cleaned name keeps its length and shows that something was there.
const NOT_PRINTABLE = /[^\x20-\x7e]/g;

/**
 * A peer's identifier as it may be stored: printable ASCII, no leading or
 * trailing blanks, at most `max` characters. Idempotent, so the schema can
 * apply it to values a probe already cleaned, and to rows read back.
 */
export function printableIdentifier(text: string, max: number): string {
  // Cut before replacing: the work is bounded by `max`, whatever the peer sent.
  return text.trimStart().slice(0, max).replace(NOT_PRINTABLE, '?').trimEnd();
}

/** The cleaned identifier, or undefined when nothing printable is left: optional fields are then omitted. */
export function optionalIdentifier(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  const s = printableIdentifier(text, max);
  return s === '' ? undefined : s;
}

/**
 * The schema of a peer identifier field: any string in, the capped printable
 * identifier out. A transform rather than a refinement: a peer's odd name is
 * cleaned, never a reason to refuse the observation that carries it.
 */
export function peerIdentifier(max: number) {
  return z.string().transform((s) => printableIdentifier(s, max));
}

/**
 * Caps of the identifier fields: the protocol's own limit where it has a
 * small one, so nothing a conforming peer sends is cut; otherwise a length
 * that holds every default a product ships with.
 */
export const IDENTIFIER_CAP = {
  /** PS3.5 Table 6.2-1: AE is at most 16 characters. */
  aeTitle: 16,
  /** PS3.5 9.1: a UID is at most 64 characters. */
  uid: 64,
  /** PS3.7 D.3.3.2.2: Implementation Version Name is 1 to 16 characters. */
  implementationVersionName: 16,
  /** Product names come from our fingerprint tables; the longest is well under this. */
  productName: 64,
  /** A version as fingerprints capture it ("1.12.1", "3.6.7"); Orthanc's /system check allows 32. */
  productVersion: 32,
  /** Our words plus, at most, a UID and a version name (dicom/fingerprints.ts). */
  productBasis: 200,
  /** A distinguished name as net/tls-info.ts writes it (CN, O, OU, L, ST, C). */
  certificateName: 200,
  /** An ISO 8601 instant, or the few words OpenSSL and Node use for protocol and key names. */
  shortFact: 40,
  /** RFC 9110 11.6.1 puts no bound on a realm; 80 holds every product's default. */
  realm: 80,
  /** Windows NNLEN (lmcons.h): a share name is at most 80 characters. */
  shareName: 80,
  /** rsyncd.conf puts no bound on a module name; its list pads names to 15, and 80 holds any a site would type. */
  rsyncModule: 80,
  /** RFC 1813 I.5 allows export paths of 1024 bytes (MNTPATHLEN); 160 holds the folders a site exports. */
  nfsExportPath: 160,
  /** MS-NBTE 2.2.1: a NetBIOS name is 15 characters and a suffix byte. */
  netbiosName: 16,
  /** RFC 1035 2.3.4: a domain name is at most 255 octets. */
  dnsName: 255,
  /** A QIDO-RS root: ours, or dcm4chee's "/dcm4chee-arc/aets/{AE}/rs" with an AE-syntax title. */
  webRoot: 80,
} as const;
