/**
 * One target spec: an IPv4 or IPv6 address, CIDR block or range, or a hostname.
 * Errors say what is wrong and where (`where` names the line and file).
 */
import { cidrRange, parseIpv4, type Ipv4Range } from './ipv4.ts';
import { cidr6, parseIpv6, type Ipv6Range } from './ipv6.ts';

/** A target, exclusion or port list the user wrote that cannot be read: the message says what and where. */
export class TargetSpecError extends Error {
  override readonly name = 'TargetSpecError';
}

/** The largest IPv6 block accepted as a target: 2^16 addresses. A /64 cannot be enumerated. */
const MAX_IPV6_PREFIX_BITS = 16;
const SMALLEST_IPV6_PREFIX = 128 - MAX_IPV6_PREFIX_BITS;

export type TargetSpec =
  | { readonly kind: 'ipv4'; readonly text: string; readonly range: Ipv4Range }
  | { readonly kind: 'ipv6'; readonly text: string; readonly range: Ipv6Range }
  | { readonly kind: 'hostname'; readonly text: string; readonly name: string };

const HOSTNAME = /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

function suffix(where: string): string {
  return where ? ` (${where})` : '';
}

/** Parses an address-only spec (no hostname): what allow-lists and exclusion files hold. */
export function parseAddressSpec(spec: string, where = ''): Exclude<TargetSpec, { kind: 'hostname' }> {
  const parsed = parseSpec(spec, where);
  if (parsed.kind === 'hostname') {
    throw new TargetSpecError(`"${parsed.text}" is not an IPv4 or IPv6 address, range or CIDR block${suffix(where)}`);
  }
  return parsed;
}

export function parseSpec(spec: string, where = ''): TargetSpec {
  const text = spec.trim();
  const at = suffix(where);
  if (text === '') throw new TargetSpecError(`empty target spec${at}`);
  const slash = text.indexOf('/');
  if (slash >= 0) return parseCidr(text, slash, at);
  const dash = text.indexOf('-');
  if (dash > 0 && (parseIpv4(text.slice(0, dash).trim()) !== undefined || text.includes(':'))) return parseRange(text, dash, at);
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { kind: 'ipv4', text, range: { first: v4, last: v4 } };
  const v6 = parseIpv6(text);
  if (v6 !== undefined) return { kind: 'ipv6', text, range: { first: v6, last: v6 } };
  if (/^[\d.]+$/.test(text)) throw new TargetSpecError(`"${text}" is not an IPv4 address${at}`);
  if (text.includes(':')) throw new TargetSpecError(`"${text}" is not an IPv6 address${at}`);
  const labels = text.replace(/\.$/, '').split('.');
  if (HOSTNAME.test(text) && !/^\d+$/.test(labels[labels.length - 1]!)) return { kind: 'hostname', text, name: text.toLowerCase() };
  throw new TargetSpecError(`"${text}" is not an IPv4 or IPv6 address, range (a-b), CIDR block or hostname${at}`);
}

function parseCidr(text: string, slash: number, at: string): TargetSpec {
  const base = text.slice(0, slash).trim();
  const bits = text.slice(slash + 1).trim();
  if (!/^\d{1,3}$/.test(bits)) throw new TargetSpecError(`"${text}" is not a CIDR block: "${bits}" is not a prefix length${at}`);
  const prefix = Number(bits);
  const v4 = parseIpv4(base);
  if (v4 !== undefined) {
    if (prefix > 32) throw new TargetSpecError(`"${text}" is not a CIDR block: the prefix length must be 0 to 32${at}`);
    return { kind: 'ipv4', text, range: cidrRange(v4, prefix) };
  }
  const v6 = parseIpv6(base);
  if (v6 !== undefined) {
    if (prefix > 128) throw new TargetSpecError(`"${text}" is not a CIDR block: the prefix length must be 0 to 128${at}`);
    return { kind: 'ipv6', text, range: cidr6(v6, prefix) };
  }
  throw new TargetSpecError(`"${text}" is not a CIDR block: "${base}" is not an IPv4 or IPv6 address${at}`);
}

function parseRange(text: string, dash: number, at: string): TargetSpec {
  const a = text.slice(0, dash).trim();
  const b = text.slice(dash + 1).trim();
  const a4 = parseIpv4(a);
  if (a4 !== undefined) {
    const b4 = parseIpv4(b);
    if (b4 === undefined) throw new TargetSpecError(`"${text}" is not a range: "${b}" is not an IPv4 address${at}`);
    if (b4 < a4) throw new TargetSpecError(`${text} is not a range: the end is lower than the start${at}`);
    return { kind: 'ipv4', text, range: { first: a4, last: b4 } };
  }
  const a6 = parseIpv6(a);
  if (a6 === undefined) throw new TargetSpecError(`"${text}" is not a range: "${a}" is not an IP address${at}`);
  const b6 = parseIpv6(b);
  if (b6 === undefined) throw new TargetSpecError(`"${text}" is not a range: "${b}" is not an IPv6 address${at}`);
  if (b6 < a6) throw new TargetSpecError(`${text} is not a range: the end is lower than the start${at}`);
  return { kind: 'ipv6', text, range: { first: a6, last: b6 } };
}

/** A built-in table of ranges (local space, say), split by family. A table is code: a bad entry throws at load. */
export function rangeTable(specs: readonly string[]): { readonly v4: Ipv4Range[]; readonly v6: Ipv6Range[] } {
  const v4: Ipv4Range[] = [];
  const v6: Ipv6Range[] = [];
  for (const s of specs) {
    const p = parseAddressSpec(s);
    if (p.kind === 'ipv4') v4.push(p.range);
    else v6.push(p.range);
  }
  return { v4, v6 };
}

/** IPv6 targets must be enumerable: refuse a block of more than 2^16 addresses, saying why. */
export function checkEnumerable(spec: TargetSpec, where = ''): void {
  if (spec.kind !== 'ipv6') return;
  const size = spec.range.last - spec.range.first + 1n;
  if (size > 1n << BigInt(MAX_IPV6_PREFIX_BITS)) {
    throw new TargetSpecError(
      `${spec.text} holds ${size > 1n << 64n ? 'more than 2^64' : size.toString()} addresses: IPv6 space cannot be swept address by address; ` +
        `give a prefix of /${SMALLEST_IPV6_PREFIX} or longer, a range of at most ${2 ** MAX_IPV6_PREFIX_BITS} addresses, or a list of known hosts${suffix(where)}`,
    );
  }
}
