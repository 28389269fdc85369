/**
 * Target specs: single addresses, ranges and CIDR blocks, comma separated.
 * Parsed into ranges that stream as addresses: nothing is expanded into a list.
 */
import { cidrRange, formatIpv4, parseIpv4, rangeSize, type Ipv4Range } from './ipv4.ts';

export class TargetSpecError extends Error {
  override readonly name = 'TargetSpecError';
}

export function parseTargetSpec(spec: string, where = ''): Ipv4Range {
  const text = spec.trim();
  const at = where ? ` (${where})` : '';
  const cidr = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (cidr) {
    const base = parseIpv4(cidr[1]!);
    const prefix = Number(cidr[2]);
    if (base === undefined) throw new TargetSpecError(`"${text}" is not a CIDR block: "${cidr[1]}" is not an IPv4 address${at}`);
    if (prefix > 32) throw new TargetSpecError(`"${text}" is not a CIDR block: the prefix length must be 0 to 32${at}`);
    return cidrRange(base, prefix);
  }
  const dash = text.indexOf('-');
  if (dash > 0) {
    const a = text.slice(0, dash).trim();
    const b = text.slice(dash + 1).trim();
    const first = parseIpv4(a);
    const last = parseIpv4(b);
    if (first === undefined) throw new TargetSpecError(`"${text}" is not a range: "${a}" is not an IPv4 address${at}`);
    if (last === undefined) throw new TargetSpecError(`"${text}" is not a range: "${b}" is not an IPv4 address${at}`);
    if (last < first) throw new TargetSpecError(`${text} is not a range: the end is lower than the start${at}`);
    return { first, last };
  }
  const one = parseIpv4(text);
  if (one === undefined) throw new TargetSpecError(`"${text}" is not an IPv4 address, range (a-b) or CIDR block${at}`);
  return { first: one, last: one };
}

/** Parses every comma-separated spec of every argument. */
export function parseTargets(args: readonly string[]): Ipv4Range[] {
  const ranges: Ipv4Range[] = [];
  for (const arg of args) {
    for (const piece of arg.split(',')) {
      if (piece.trim() === '') continue;
      ranges.push(parseTargetSpec(piece));
    }
  }
  if (ranges.length === 0) throw new TargetSpecError('no targets given');
  return ranges;
}

export function countAddresses(ranges: readonly Ipv4Range[]): number {
  return ranges.reduce((n, r) => n + rangeSize(r), 0);
}

export function* addresses(ranges: readonly Ipv4Range[]): Generator<string> {
  for (const r of ranges) for (let n = r.first; n <= r.last; n++) yield formatIpv4(n);
}

export function parsePorts(text: string): number[] {
  const ports = new Set<number>();
  for (const piece of text.split(',')) {
    const t = piece.trim();
    if (t === '') continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(t);
    if (!m) throw new TargetSpecError(`"${t}" is not a port or port range`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo < 1 || hi > 65535 || hi < lo) throw new TargetSpecError(`"${t}" is not a port range within 1-65535`);
    for (let p = lo; p <= hi; p++) ports.add(p);
  }
  if (ports.size === 0) throw new TargetSpecError('no ports given');
  return [...ports].sort((a, b) => a - b);
}
