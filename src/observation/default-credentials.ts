/**
 * Documented default credentials of imaging web products: public vendor
 * documentation, each entry with its source. Two layers read it: the login
 * check tries them (probes/web, only with --check-logins), and the owner's
 * proof of a default-login finding names the one that opened (report/proof.ts).
 * An observation records the user name only; the password comes from here,
 * never from what a user typed or a peer sent.
 *
 * Imports nothing: like the rest of observation/, it sits below every layer.
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

/**
 * The documented default credential for a user name that a login check found
 * open: of `product` when it is known, else the one entry with that user name.
 * Undefined when the table does not tell it unambiguously.
 */
export function documentedDefault(user: string, product?: string): DefaultCredential | undefined {
  const same = DEFAULT_CREDENTIALS.filter((c) => c.user === user);
  const ofProduct = product === undefined ? same : same.filter((c) => c.product === product);
  const candidates = ofProduct.length > 0 ? ofProduct : same;
  return candidates.length === 1 ? candidates[0] : undefined;
}
