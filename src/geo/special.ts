/**
 * Special-purpose address space: labelled, never looked up. A geolocation
 * database has nothing true to say about 10.0.0.5 or ::1, and a report that
 * puts them in a country misleads whoever reads it.
 *
 * Source: IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and
 * the RFCs named per entry), as listed at
 * https://www.iana.org/assignments/iana-ipv4-special-registry and
 * https://www.iana.org/assignments/iana-ipv6-special-registry
 */
import { mappedIpv4, parseAddress } from './address.ts';

export const SPECIAL_SPACES = [
  'private',
  'loopback',
  'link-local',
  'shared',
  'documentation',
  'benchmarking',
  'multicast',
  'unspecified',
  'reserved',
] as const;
export type SpecialSpace = (typeof SPECIAL_SPACES)[number];

interface V4Block {
  base: string;
  prefix: number;
  space: SpecialSpace;
  source: string;
}

interface V6Block {
  base: bigint;
  prefix: number;
  space: SpecialSpace;
  source: string;
}

// Most specific first where blocks nest (255.255.255.255 inside 240.0.0.0/4 has the same label anyway).
const V4_BLOCKS: readonly V4Block[] = [
  { base: '0.0.0.0', prefix: 8, space: 'unspecified', source: 'RFC 791 ("this network")' },
  { base: '10.0.0.0', prefix: 8, space: 'private', source: 'RFC 1918' },
  { base: '100.64.0.0', prefix: 10, space: 'shared', source: 'RFC 6598 (carrier-grade NAT)' },
  { base: '127.0.0.0', prefix: 8, space: 'loopback', source: 'RFC 1122 3.2.1.3' },
  { base: '169.254.0.0', prefix: 16, space: 'link-local', source: 'RFC 3927' },
  { base: '172.16.0.0', prefix: 12, space: 'private', source: 'RFC 1918' },
  { base: '192.0.0.0', prefix: 24, space: 'reserved', source: 'RFC 6890 (IETF protocol assignments)' },
  { base: '192.0.2.0', prefix: 24, space: 'documentation', source: 'RFC 5737 (TEST-NET-1)' },
  { base: '192.88.99.0', prefix: 24, space: 'reserved', source: 'RFC 7526 (deprecated 6to4 relay anycast)' },
  { base: '192.168.0.0', prefix: 16, space: 'private', source: 'RFC 1918' },
  { base: '198.18.0.0', prefix: 15, space: 'benchmarking', source: 'RFC 2544' },
  { base: '198.51.100.0', prefix: 24, space: 'documentation', source: 'RFC 5737 (TEST-NET-2)' },
  { base: '203.0.113.0', prefix: 24, space: 'documentation', source: 'RFC 5737 (TEST-NET-3)' },
  { base: '224.0.0.0', prefix: 4, space: 'multicast', source: 'RFC 5771' },
  { base: '240.0.0.0', prefix: 4, space: 'reserved', source: 'RFC 1112 4 (and 255.255.255.255, RFC 919 limited broadcast)' },
];

const V6_BLOCKS: readonly V6Block[] = [
  { base: 0n, prefix: 128, space: 'unspecified', source: 'RFC 4291 2.5.2' },
  { base: 1n, prefix: 128, space: 'loopback', source: 'RFC 4291 2.5.3' },
  { base: 0x0064ff9b0001n << 80n, prefix: 48, space: 'private', source: 'RFC 8215 (local-use IPv4/IPv6 translation)' },
  { base: 0x0100n << 112n, prefix: 64, space: 'reserved', source: 'RFC 6666 (discard-only)' },
  { base: 0x20010db8n << 96n, prefix: 32, space: 'documentation', source: 'RFC 3849' },
  { base: 0x3fffn << 112n, prefix: 20, space: 'documentation', source: 'RFC 9637' },
  { base: 0x20010000n << 96n, prefix: 23, space: 'reserved', source: 'RFC 2928 (IETF protocol assignments)' },
  { base: 0xfc00n << 112n, prefix: 7, space: 'private', source: 'RFC 4193 (unique local)' },
  { base: 0xfe80n << 112n, prefix: 10, space: 'link-local', source: 'RFC 4291 2.5.6' },
  { base: 0xff00n << 112n, prefix: 8, space: 'multicast', source: 'RFC 4291 2.7' },
];

function v4Number(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

const V4_RANGES = V4_BLOCKS.map((b) => {
  const start = v4Number(b.base);
  return { start, end: start + 2 ** (32 - b.prefix) - 1, space: b.space };
});

const V6_RANGES = V6_BLOCKS.map((b) => ({
  start: b.base,
  end: b.base + (1n << BigInt(128 - b.prefix)) - 1n,
  space: b.space,
}));

export function specialSpaceV4(n: number): SpecialSpace | undefined {
  return V4_RANGES.find((r) => n >= r.start && n <= r.end)?.space;
}

export function specialSpaceV6(n: bigint): SpecialSpace | undefined {
  const v4 = mappedIpv4(n);
  if (v4 !== undefined) return specialSpaceV4(v4);
  return V6_RANGES.find((r) => n >= r.start && n <= r.end)?.space;
}

/** The special-purpose label of an address, undefined for public (global) space or text that is no address. */
export function specialSpace(ip: string): SpecialSpace | undefined {
  const a = parseAddress(ip);
  if (!a) return undefined;
  return a.family === 4 ? specialSpaceV4(a.n) : specialSpaceV6(a.n);
}
