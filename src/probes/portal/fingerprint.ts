/** Matches portal signatures against one parsed HTTP response. */
import { createHash } from 'node:crypto';
import type { HttpResponse } from '../../net/http.ts';
import { parseChallenge } from '../web/auth.ts';
import { htmlTitle } from '../web/html.ts';
import { PORTAL_SIGNATURES, type PortalSignature } from './signatures.ts';

export interface PortalMatch {
  readonly signature: PortalSignature;
  readonly version?: string;
}

/** The fields a matcher reads, parsed once per response. */
export interface ParsedResponse {
  readonly title?: string;
  readonly realm?: string;
  readonly headers: Readonly<Record<string, string>>;
  /** SHA-256 hex of the body, for favicon signatures (only of a /favicon.ico answer). */
  readonly bodySha256?: string;
}

export function parseResponse(res: HttpResponse, isFavicon = false): ParsedResponse {
  const type = res.headers['content-type'] ?? '';
  const title = res.status >= 200 && res.status < 300 && (type === '' || /html/i.test(type)) ? htmlTitle(res.body) : undefined;
  const realm = res.status === 401 ? parseChallenge(res.headers['www-authenticate'])?.realm : undefined;
  return {
    headers: res.headers,
    ...(title !== undefined ? { title } : {}),
    ...(realm !== undefined ? { realm } : {}),
    ...(isFavicon && res.status === 200 && !res.truncated ? { bodySha256: createHash('sha256').update(res.body).digest('hex') } : {}),
  };
}

function test(sig: PortalSignature, r: ParsedResponse): RegExpExecArray | true | undefined {
  const m = sig.matcher;
  switch (m.on) {
    case 'title':
      return r.title === undefined ? undefined : (m.pattern.exec(r.title) ?? undefined);
    case 'realm':
      return r.realm === undefined ? undefined : (m.pattern.exec(r.realm) ?? undefined);
    case 'header': {
      const v = r.headers[m.name.toLowerCase()];
      return v === undefined ? undefined : (m.pattern.exec(v) ?? undefined);
    }
    case 'favicon':
      return r.bodySha256 === m.sha256 ? true : undefined;
    default: {
      const never: never = m;
      return never;
    }
  }
}

/** Every signature that matches, in table order. */
export function matchSignatures(r: ParsedResponse, signatures: readonly PortalSignature[] = PORTAL_SIGNATURES): PortalMatch[] {
  const out: PortalMatch[] = [];
  for (const signature of signatures) {
    const hit = test(signature, r);
    if (hit === undefined) continue;
    const version = signature.versionInGroup && hit !== true ? hit[1] : undefined;
    out.push(version === undefined ? { signature } : { signature, version });
  }
  return out;
}
