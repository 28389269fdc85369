/**
 * Addresses as numbers, for range tables: IPv4 as a 32-bit number, IPv6 as a
 * 128-bit bigint. Pure; undefined for anything that is not an address.
 */
// Syntax checks on a string, no socket: the only names the layering allows from node:net outside net/ and lab/ (decision 0004).
import { isIPv4, isIPv6 } from 'node:net';

export type ParsedAddress = { family: 4; n: number } | { family: 6; n: bigint };

function ipv4ToNumber(ip: string): number | undefined {
  if (!isIPv4(ip)) return undefined;
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

/** RFC 4291 2.2 text forms: "::" compression and a trailing dotted IPv4 (RFC 4291 2.2 form 3). */
export function ipv6ToBigint(ip: string): bigint | undefined {
  if (!isIPv6(ip)) return undefined;
  let text = ip.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4ToNumber(dotted[1] ?? '');
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, dotted.index)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function parseAddress(ip: string): ParsedAddress | undefined {
  const v4 = ipv4ToNumber(ip);
  if (v4 !== undefined) return { family: 4, n: v4 };
  const v6 = ipv6ToBigint(ip);
  if (v6 !== undefined) return { family: 6, n: v6 };
  return undefined;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:0:0/96, RFC 4291 2.5.5.2), if it is one. */
export function mappedIpv4(n: bigint): number | undefined {
  return n >> 32n === 0xffffn ? Number(n & 0xffffffffn) : undefined;
}
