/**
 * HTTP authentication challenges (RFC 9110 11.6.1 WWW-Authenticate; RFC 7617
 * Basic, RFC 7616 Digest): which scheme a server asks for, and its realm.
 */
import { IDENTIFIER_CAP, optionalIdentifier } from '../../observation/peer-text.ts';

export type ChallengeScheme = 'basic' | 'digest' | 'bearer' | 'other';

export interface Challenge {
  readonly scheme: ChallengeScheme;
  readonly realm?: string;
}

/** The first challenge of a WWW-Authenticate value; undefined when the header is absent or empty. */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*([A-Za-z][A-Za-z0-9._~+/-]*)(?:\s+(.*))?$/s.exec(header);
  if (!m) return undefined;
  const name = m[1]!.toLowerCase();
  const scheme: ChallengeScheme = name === 'basic' || name === 'digest' || name === 'bearer' ? name : 'other';
  const realm = /(?:^|[\s,])realm\s*=\s*(?:"((?:[^"\\]|\\.){0,200})"|([^\s,]{1,200}))/i.exec(m[2] ?? '');
  // The realm names a protection space (RFC 9110 11.5): kept as a capped printable identifier (docs/peer-text.md).
  const value = realm ? optionalIdentifier((realm[1] ?? realm[2] ?? '').replace(/\\(.)/g, '$1'), IDENTIFIER_CAP.realm) : undefined;
  return value === undefined ? { scheme } : { scheme, realm: value };
}

/** RFC 7617 2: "Basic " + base64(user ":" password). */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}
