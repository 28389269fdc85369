/**
 * Checks every request passes before a handler sees it: the Host header
 * names this server (a page of another site whose name resolves to our
 * loopback address — DNS rebinding — is refused), and a request that changes
 * something comes from our own pages (Origin, else Sec-Fetch-Site).
 */
import { isIPv6 } from 'node:net';

export type Scheme = 'http' | 'https';

/** The Host header values this server answers to: its address (and "localhost" when bound to loopback), with its port. */
export function allowedHosts(host: string, port: number, loopback: boolean): Set<string> {
  const name = isIPv6(host) ? `[${host}]` : host.toLowerCase();
  const hosts = new Set([`${name}:${port}`]);
  if (loopback) hosts.add(`localhost:${port}`);
  return hosts;
}

export function hostAllowed(header: string | undefined, allowed: ReadonlySet<string>): boolean {
  return header !== undefined && allowed.has(header.toLowerCase());
}

/** Where a request says it comes from: this origin, a foreign one, or no word (a client that is no browser). */
export type Provenance = 'same-origin' | 'foreign' | 'unstated';

export function provenance(headers: { origin?: string | undefined; 'sec-fetch-site'?: string | string[] | undefined; host?: string | undefined }, scheme: Scheme): Provenance {
  const origin = headers.origin;
  if (origin !== undefined && origin !== 'null') return origin === `${scheme}://${(headers.host ?? '').toLowerCase()}` ? 'same-origin' : 'foreign';
  // Our pages send no referrer, and a browser then sends "Origin: null" with a form: it still says where the request started.
  const site = headers['sec-fetch-site'];
  if (site === undefined) return origin === 'null' ? 'foreign' : 'unstated';
  // "none" is the user typing or a bookmark.
  return site === 'same-origin' || site === 'none' ? 'same-origin' : 'foreign';
}
