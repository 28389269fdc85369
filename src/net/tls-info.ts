/**
 * What a TLS handshake says about a service, read from the socket after it:
 * protocol version, certificate subject/issuer, validity, self-signed, key size.
 *
 * Certificates are recorded, never verified (the dialer sets rejectUnauthorized
 * false): a scanner must see the self-signed and expired ones to report them.
 * Names in a server certificate identify the server, not a patient; they are
 * still cut to printable ASCII and a fixed length before they leave.
 */
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { TlsInfo } from '../observation/observation.ts';
import { IDENTIFIER_CAP, printableIdentifier } from '../observation/peer-text.ts';

/** "CN=orthanc.example, O=Hospital" from Node's parsed name object (values may be arrays). */
export function distinguishedName(name: Readonly<Record<string, string | string[] | undefined>> | undefined): string | undefined {
  if (!name) return undefined;
  const parts: string[] = [];
  for (const key of ['CN', 'O', 'OU', 'L', 'ST', 'C']) {
    const v = name[key];
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) parts.push(`${key}=${one}`);
  }
  return parts.length > 0 ? printableIdentifier(parts.join(', '), IDENTIFIER_CAP.certificateName) : undefined;
}

/** Key type and size from the DER certificate; undefined when Node cannot parse it. */
function publicKey(raw: Buffer | undefined): { keyType?: string; keyBits?: number } {
  if (!raw || raw.length === 0) return {};
  try {
    const key = new X509Certificate(raw).publicKey;
    const details = key.asymmetricKeyDetails;
    const keyType = key.asymmetricKeyType;
    const bits = details?.modulusLength ?? (details?.namedCurve === 'prime256v1' ? 256 : details?.namedCurve === 'secp384r1' ? 384 : undefined);
    return { ...(keyType ? { keyType } : {}), ...(bits ? { keyBits: bits } : {}) };
  } catch {
    return {};
  }
}

function isoDate(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** TLS facts from a certificate Node parsed, a negotiated protocol name and the time of the handshake. */
export function tlsInfoFromCertificate(cert: PeerCertificate | undefined, protocol: string | null | undefined, now: Date = new Date()): TlsInfo {
  const info: TlsInfo = { version: protocol ? printableIdentifier(protocol, IDENTIFIER_CAP.shortFact) : 'unknown' };
  if (!cert || Object.keys(cert).length === 0) return info;
  const subject = distinguishedName(cert.subject as unknown as Record<string, string | string[]>);
  const issuer = distinguishedName(cert.issuer as unknown as Record<string, string | string[]>);
  const validFrom = isoDate(cert.valid_from);
  const validTo = isoDate(cert.valid_to);
  // Self-signed: the issuer is the certificate itself (Node links a self-issued chain to itself).
  const detailed = cert as PeerCertificate & { issuerCertificate?: PeerCertificate };
  const selfSigned =
    (detailed.issuerCertificate !== undefined && detailed.issuerCertificate.fingerprint256 === cert.fingerprint256) ||
    (subject !== undefined && subject === issuer);
  const certificate: NonNullable<TlsInfo['certificate']> = {
    ...(subject ? { subject } : {}),
    ...(issuer ? { issuer } : {}),
    ...(validFrom ? { validFrom } : {}),
    ...(validTo ? { validTo } : {}),
    selfSigned,
    expired: validTo !== undefined && Date.parse(validTo) < now.getTime(),
    notYetValid: validFrom !== undefined && Date.parse(validFrom) > now.getTime(),
    ...publicKey(cert.raw),
    ...(cert.fingerprint256 ? { sha256: cert.fingerprint256.replace(/:/g, '').toLowerCase().slice(0, 64) } : {}),
  };
  return { ...info, certificate };
}

export function tlsInfoOf(socket: TLSSocket): TlsInfo {
  return tlsInfoFromCertificate(socket.getPeerCertificate(true), socket.getProtocol());
}
