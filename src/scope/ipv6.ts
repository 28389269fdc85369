/**
 * IPv6 addresses as 128-bit bigints (RFC 4291 2.2 text forms, RFC 5952 output).
 * IPv6 space cannot be swept: only prefixes small enough to enumerate are targets.
 */
import { parseIpv4 } from './ipv4.ts';

const MAX = (1n << 128n) - 1n;

export function parseIpv6(text: string): bigint | undefined {
  if (!text.includes(':') || /[^0-9a-fA-F:.]/.test(text)) return undefined;
  let head = text;
  let tailV4: number | undefined;
  // RFC 4291 2.2 form 3: the last 32 bits may be written as an IPv4 address.
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseIpv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] | undefined => {
    if (s === '') return [];
    const g = s.split(':');
    return g.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x)) ? g : undefined;
  };
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  if (!left || !right) return undefined;
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...left, ...Array<string>(missing).fill('0'), ...right];
  let n = 0n;
  for (const g of all) n = (n << 16n) | BigInt(parseInt(g, 16));
  if (tailV4 !== undefined) n = (n & ~0xffffffffn) | BigInt(tailV4);
  return n;
}

/** RFC 5952: lower case, leading zeros dropped, the longest run of zero groups as "::". */
export function formatIpv6(n: bigint): string {
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export interface Ipv6Range {
  readonly first: bigint;
  readonly last: bigint;
}

export function cidr6(base: bigint, prefix: number): Ipv6Range {
  const hostBits = BigInt(128 - prefix);
  const mask = ((1n << hostBits) - 1n) & MAX;
  const first = base & ~mask & MAX;
  return { first, last: first | mask };
}

export function inRange6(r: Ipv6Range, n: bigint): boolean {
  return n >= r.first && n <= r.last;
}
