/** IPv4 addresses as unsigned 32-bit numbers, so ranges stream as arithmetic. */

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const octet = Number(p);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

export function formatIpv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export interface Ipv4Range {
  /** First address, inclusive. */
  readonly first: number;
  /** Last address, inclusive. */
  readonly last: number;
}

export function inRange(r: Ipv4Range, n: number): boolean {
  return n >= r.first && n <= r.last;
}

export function cidrRange(base: number, prefix: number): Ipv4Range {
  const size = 2 ** (32 - prefix);
  const first = Math.floor(base / size) * size;
  return { first, last: first + size - 1 };
}
