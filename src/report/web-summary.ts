/**
 * Report text for the web and TLS side of a service: how it was reached
 * (open, a blank or vendor-default login, or behind a login), which login it
 * asks for, and what its certificate looks like. Composed from our fields
 * only; the realm and certificate names are server configuration, escaped by
 * each renderer like every other peer string.
 */
import type { Observation, WebLogin } from '../observation/observation.ts';
import { plural } from '../observation/count.ts';
import type { LoginUsed } from './model.ts';

export interface WebSummary {
  /** e.g. "open (no login)", "vendor-default login accepted (user orthanc)", "login required". */
  access?: string;
  /** e.g. 'HTTP Basic, realm "Orthanc Secure Area"'. */
  login?: string;
  /** e.g. "TLSv1.3 · self-signed · CN=lab · valid to 2026-12-23 · rsa 2048". */
  certificate?: string;
}

function loginText(l: WebLogin): string | undefined {
  switch (l.kind) {
    case 'none':
      return undefined;
    case 'basic':
    case 'digest':
      return `HTTP ${l.kind === 'basic' ? 'Basic' : 'Digest'}${l.realm ? `, realm "${l.realm}"` : ''}`;
    case 'bearer':
      return 'bearer token';
    case 'form':
      return 'login form';
    case 'other':
      return 'other login';
    default: {
      const never: never = l.kind;
      return never;
    }
  }
}

function accessText(l: WebLogin, reached: boolean): string {
  switch (l.check) {
    case 'blank-accepted':
      return 'blank login accepted';
    case 'default-accepted':
      return `vendor-default login accepted (user ${l.defaultUser ?? '?'})`;
    case 'refused':
      return `login required (blank and default credentials refused, ${l.attempts} ${plural(l.attempts, 'attempt')})`;
    case 'not-checked':
      return 'login required (not checked: --check-logins not given)';
    case 'not-applicable':
      return reached ? 'open (no login)' : l.kind === 'none' ? 'no login seen' : 'login required';
    default: {
      const never: never = l.check;
      return never;
    }
  }
}

function certificateText(o: Observation): string | undefined {
  if (!o.tls || !o.tlsInfo) return undefined;
  const c = o.tlsInfo.certificate;
  const parts = [o.tlsInfo.version];
  if (c) {
    if (c.expired) parts.push('EXPIRED');
    if (c.notYetValid) parts.push('NOT YET VALID');
    if (c.selfSigned) parts.push('self-signed');
    if (c.subject) parts.push(c.subject);
    const validity = validityText(c.validFrom, c.validTo);
    if (validity) parts.push(validity);
    if (c.keyType) parts.push(`${c.keyType}${c.keyBits ? ` ${c.keyBits}` : ''}`);
  }
  return parts.join(' · ');
}

/** "valid 2026-01-01 to 2027-01-01" (dates only: the times add nothing a reader acts on). */
function validityText(from: string | undefined, to: string | undefined): string | undefined {
  const day = (t: string): string => t.slice(0, 10);
  if (from && to) return `valid ${day(from)} to ${day(to)}`;
  if (to) return `valid to ${day(to)}`;
  return from ? `valid from ${day(from)}` : undefined;
}

/**
 * The blank or vendor-default login a web service opened to (only ever
 * tried with --check-logins): what separates "anyone" from "anyone with the
 * vendor's default password". Undefined when none was needed or none worked.
 */
export function loginUsed(o: Observation): LoginUsed | undefined {
  const d = o.details;
  if (d?.protocol !== 'portal' && d?.protocol !== 'orthanc' && d?.protocol !== 'dicomweb') return undefined;
  if (d.protocol !== 'portal' && d.access === 'open') return undefined;
  if (d.login.check === 'blank-accepted' || (d.protocol !== 'portal' && d.access === 'blank-credentials')) return 'blank';
  if (d.login.check === 'default-accepted' || (d.protocol !== 'portal' && d.access === 'default-credentials')) return 'vendor-default';
  return undefined;
}

export function webSummary(o: Observation): WebSummary {
  const d = o.details;
  const certificate = certificateText(o);
  const out: WebSummary = certificate ? { certificate } : {};
  if (d?.protocol !== 'portal' && d?.protocol !== 'orthanc' && d?.protocol !== 'dicomweb') return out;
  const reached = d.protocol === 'portal' ? d.login.kind === 'none' : d.access === 'open';
  const login = loginText(d.login);
  return { ...out, access: accessText(d.login, reached), ...(login ? { login } : {}) };
}
