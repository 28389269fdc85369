/**
 * Documented default credentials of imaging web products, tried only with
 * --check-logins and only against the product the service was recognised as,
 * after one blank user and password. This is a short list of vendor defaults
 * with their sources, never a dictionary: at most MAX_LOGIN_ATTEMPTS per service.
 *
 * Passwords live here because they are public vendor documentation; they are
 * never written to an observation, a log or a report (only the user name is).
 */
export interface DefaultCredential {
  /** Product name as the fingerprints give it. */
  readonly product: string;
  readonly user: string;
  readonly password: string;
  readonly source: string;
}

export const DEFAULT_CREDENTIALS: readonly DefaultCredential[] = [
  {
    product: 'Orthanc',
    user: 'orthanc',
    password: 'orthanc',
    source:
      'Orthanc Book, users/docker.rst ("The default username is orthanc and its password is orthanc"); Orthanc NEWS after 1.12.8: versions before it create a default user "orthanc" when RegisteredUsers is empty',
  },
  {
    product: 'Orthanc',
    user: 'alice',
    password: 'alicePassword',
    source: 'Orthanc Resources/Configuration.json, the RegisteredUsers example shipped in the default configuration',
  },
];

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
