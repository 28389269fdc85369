/**
 * Documented default credentials of imaging web products, tried only with
 * --check-logins and only against the product the service was recognised as,
 * after one blank user and password. This is a short list of vendor defaults
 * with their sources, never a dictionary: at most MAX_LOGIN_ATTEMPTS per service.
 *
 * The table itself lives in observation/default-credentials.ts, where the
 * report's proof commands read it too. Passwords are public vendor
 * documentation; they are never written to an observation or a log (only the
 * user name is).
 */
import { DEFAULT_CREDENTIALS } from '../../observation/default-credentials.ts';

export { DEFAULT_CREDENTIALS, type DefaultCredential } from '../../observation/default-credentials.ts';

/** Blank first, then at most two vendor defaults: a handful, never more. */
export const MAX_LOGIN_ATTEMPTS = 3;

export type CredentialClass = 'blank' | 'vendor-default';

export interface LoginCandidate {
  readonly credentialClass: CredentialClass;
  readonly user: string;
  readonly password: string;
}

export function loginCandidates(product: string | undefined): LoginCandidate[] {
  const defaults = DEFAULT_CREDENTIALS.filter((c) => product !== undefined && c.product === product).map(
    (c): LoginCandidate => ({ credentialClass: 'vendor-default', user: c.user, password: c.password }),
  );
  return [{ credentialClass: 'blank' as const, user: '', password: '' }, ...defaults].slice(0, MAX_LOGIN_ATTEMPTS);
}
