/**
 * IP → autonomous system, from the `@ip-location-db/asn` CSV files
 * ("start,end,asn,organisation", inclusive numeric ranges, sorted by start,
 * one file per family). Loaded into typed arrays on first use and searched by
 * bisection: about 412,000 IPv4 and 103,000 IPv6 ranges, organisation names
 * stored once each.
 */
import { readFileSync } from 'node:fs';

export interface AsnRecord {
  asn: number;
  org: string;
}

export class AsnTableError extends Error {
  override readonly name = 'AsnTableError';
}

/** One quoted-or-bare CSV field starting at `i`; returns the value and the index after its comma. */
function field(line: string, i: number): [string, number] {
  if (line[i] !== '"') {
    const end = line.indexOf(',', i);
    return end < 0 ? [line.slice(i), line.length] : [line.slice(i, end), end + 1];
  }
  let out = '';
  let j = i + 1;
  for (;;) {
    const q = line.indexOf('"', j);
    if (q < 0) return [out + line.slice(j), line.length];
    out += line.slice(j, q);
    if (line[q + 1] === '"') {
      out += '"';
      j = q + 2;
      continue;
    }
    return [out, q + 2];
  }
}

export function parseAsnLine(line: string): [string, string, number, string] | undefined {
  const [start, a] = field(line, 0);
  const [end, b] = field(line, a);
  const [asn, c] = field(line, b);
  const [org] = field(line, c);
  const n = Number(asn);
  if (!/^\d+$/.test(start) || !/^\d+$/.test(end) || !/^\d+$/.test(asn) || !Number.isSafeInteger(n)) return undefined;
  return [start, end, n, org];
}

interface Columns<N> {
  starts: N[];
  ends: N[];
  asns: number[];
  orgIndex: number[];
  orgs: string[];
}

function load<N>(path: string, toN: (s: string) => N): Columns<N> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AsnTableError(`cannot read the ASN table ${path} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  const cols: Columns<N> = { starts: [], ends: [], asns: [], orgIndex: [], orgs: [] };
  const orgIds = new Map<string, number>();
  let bad = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const row = parseAsnLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (!row) {
      bad += 1;
      continue;
    }
    const [start, end, asn, org] = row;
    let id = orgIds.get(org);
    if (id === undefined) {
      id = cols.orgs.length;
      cols.orgs.push(org);
      orgIds.set(org, id);
    }
    cols.starts.push(toN(start));
    cols.ends.push(toN(end));
    cols.asns.push(asn);
    cols.orgIndex.push(id);
  }
  if (cols.starts.length === 0) throw new AsnTableError(`the ASN table ${path} holds no ranges (${bad} unreadable lines)`);
  return cols;
}

/** A sorted, non-overlapping range table for one address family. */
export class RangeTable<N extends number | bigint> {
  private constructor(private readonly cols: Columns<N>) {}

  static ipv4(path: string): RangeTable<number> {
    return new RangeTable(load(path, Number));
  }

  static ipv6(path: string): RangeTable<bigint> {
    return new RangeTable(load(path, BigInt));
  }

  get size(): number {
    return this.cols.starts.length;
  }

  find(n: N): AsnRecord | undefined {
    const { starts, ends } = this.cols;
    // Last range whose start is <= n.
    let lo = 0;
    let hi = starts.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((starts[mid] as N) <= n) {
        at = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (at < 0 || (ends[at] as N) < n) return undefined;
    const asn = this.cols.asns[at] ?? 0;
    const org = this.cols.orgs[this.cols.orgIndex[at] ?? 0] ?? '';
    return { asn, org };
  }
}
