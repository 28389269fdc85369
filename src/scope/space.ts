/**
 * The target space of a run: every address the specs name, minus exclusions,
 * as an index space 0 … size-1 (IPv4 ranges, then IPv6 ranges, then addresses
 * resolved from hostnames). Addresses are computed from an index, never listed:
 * a /8 is one range entry.
 */
import { promises as dns } from 'node:dns';
import { formatIpv4, parseIpv4 } from './ipv4.ts';
import { formatIpv6, inRange6, parseIpv6, type Ipv6Range } from './ipv6.ts';
import { RangeBuilder, type RangeList } from './range-list.ts';
import { specialsFor4, specialsFor6, subtract6, type ExclusionList } from './exclusions.ts';
import { checkEnumerable, TargetSpecError, type TargetSpec } from './spec.ts';

export interface HostTarget {
  readonly ip: string;
  /** The name the user gave, when the address came from resolving it. */
  readonly hostname?: string;
}

export interface ResolvedName {
  readonly name: string;
  readonly addresses: readonly string[];
}

export interface TargetSpace {
  readonly size: number;
  /** Addresses named by the specs but removed by an exclusion. */
  readonly excluded: number;
  readonly v4: RangeList;
  readonly v6: readonly Ipv6Range[];
  readonly named: readonly HostTarget[];
  /** Hostnames as resolved at start: recorded in the run. */
  readonly resolved: readonly ResolvedName[];
  at(index: number): HostTarget;
  contains(ip: string): boolean;
}

export type Resolver = (name: string) => Promise<string[]>;

const RESOLVE_TIMEOUT_MS = 10_000;

const systemResolver: Resolver = async (name) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TargetSpecError(`${name}: no answer from the resolver within ${RESOLVE_TIMEOUT_MS / 1000} s`)), RESOLVE_TIMEOUT_MS);
  });
  try {
    const found = await Promise.race([dns.lookup(name, { all: true, verbatim: true }), timeout]);
    return found.map((a) => a.address);
  } catch (err) {
    if (err instanceof TargetSpecError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new TargetSpecError(`${name} does not resolve (${code})`);
  } finally {
    clearTimeout(timer);
  }
};

export interface SpaceOptions {
  readonly exclude: ExclusionList;
  /** Apply the IANA special-purpose ranges (default true). */
  readonly defaultExclusions: boolean;
  readonly resolve?: Resolver;
}

/** Specs go in one at a time (a file of a million lines is never held as objects). */
export class TargetSpaceBuilder {
  /** Parts of specs removed by an exclusion; usually few ranges, whatever the spec count. */
  private readonly removed4 = new RangeBuilder();
  private readonly kept4 = new RangeBuilder();
  private readonly raw6: Ipv6Range[] = [];
  private readonly kept6: Ipv6Range[] = [];
  private readonly names: string[] = [];

  constructor(private readonly options: SpaceOptions) {}

  add(spec: TargetSpec, where = ''): void {
    switch (spec.kind) {
      case 'ipv4':
        this.add4(spec.range.first, spec.range.last);
        return;
      case 'ipv6': {
        checkEnumerable(spec, where);
        this.raw6.push(spec.range);
        const minus = [...this.options.exclude.v6, ...(this.options.defaultExclusions ? specialsFor6(spec.range) : [])];
        this.kept6.push(...subtract6(spec.range, minus));
        return;
      }
      case 'hostname':
        if (!this.names.includes(spec.name)) this.names.push(spec.name);
        return;
      default: {
        const never: never = spec;
        return never;
      }
    }
  }

  private add4(first: number, last: number): void {
    const specials = this.options.defaultExclusions && first !== last ? specialsFor4(first, last) : undefined;
    const user = this.options.exclude.v4;
    if (!specials && user.count === 0) {
      this.kept4.add(first, last);
      return;
    }
    // Kept parts are added as found; the gaps between them are what was excluded.
    let cursor = first;
    const keep = (f: number, l: number): void => {
      this.kept4.add(f, l);
      if (f > cursor) this.removed4.add(cursor, f - 1);
      cursor = l + 1;
    };
    if (!specials) user.subtractFrom(first, last, keep);
    else specials.subtractFrom(first, last, (f, l) => user.subtractFrom(f, l, keep));
    if (cursor <= last) this.removed4.add(cursor, last);
  }

  async build(): Promise<TargetSpace> {
    const resolve = this.options.resolve ?? systemResolver;
    const resolved: ResolvedName[] = [];
    for (const name of this.names) resolved.push({ name, addresses: await resolve(name) });
    const v4 = this.kept4.build();
    // Excluded: removed addresses that no other spec kept.
    let excluded4 = 0;
    for (const r of this.removed4.build().ranges()) excluded4 += r.last - r.first + 1 - v4.overlap(r.first, r.last);
    const v6 = merge6(this.kept6);
    const raw6Size = size6(merge6(this.raw6));
    const v6Size = size6(v6);
    const named: HostTarget[] = [];
    const seen = new Set<string>();
    let namedExcluded = 0;
    for (const r of resolved) {
      for (const ip of r.addresses) {
        if (seen.has(ip)) continue;
        seen.add(ip);
        const v4n = parseIpv4(ip);
        // A resolved address is one address: only the user's exclusions apply to it.
        const excluded = v4n !== undefined ? this.options.exclude.v4.contains(v4n) : this.options.exclude.v6.some((x) => inRange6(x, parseIpv6(ip) ?? -1n));
        if (excluded) {
          namedExcluded++;
          continue;
        }
        if (v4n !== undefined ? v4.contains(v4n) : v6.some((x) => inRange6(x, parseIpv6(ip) ?? -1n))) continue;
        named.push({ ip, hostname: r.name });
      }
    }
    const n4 = v4.size;
    const v6Starts: number[] = [];
    let acc = 0;
    for (const r of v6) {
      v6Starts.push(acc);
      acc += Number(r.last - r.first) + 1;
    }
    const size = n4 + v6Size + named.length;
    const namedIps = new Set(named.map((h) => h.ip));
    return {
      size,
      excluded: excluded4 + (raw6Size - v6Size) + namedExcluded,
      v4,
      v6,
      named,
      resolved,
      at(index) {
        if (index < n4) return { ip: formatIpv4(v4.at(index)) };
        const i = index - n4;
        if (i < v6Size) {
          // Binary search over the cumulative starts: many single IPv6 addresses stay O(log n) per index.
          let lo = 0;
          let hi = v6Starts.length - 1;
          while (lo < hi) {
            const mid = (lo + hi + 1) >>> 1;
            if (v6Starts[mid]! <= i) lo = mid;
            else hi = mid - 1;
          }
          return { ip: formatIpv6(v6[lo]!.first + BigInt(i - v6Starts[lo]!)) };
        }
        const h = named[i - v6Size];
        if (!h) throw new RangeError(`target index ${index} is outside a space of ${size}`);
        return h;
      },
      contains(ip) {
        const a = parseIpv4(ip);
        if (a !== undefined) return v4.contains(a) || namedIps.has(ip);
        const b = parseIpv6(ip);
        if (b === undefined) return false;
        // v6 is sorted and merged: binary search for the last range starting at or below b.
        let lo = 0;
        let hi = v6.length - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >>> 1;
          const r = v6[mid]!;
          if (b < r.first) hi = mid - 1;
          else if (b > r.last) lo = mid + 1;
          else return true;
        }
        return namedIps.has(formatIpv6(b));
      },
    };
  }
}

function merge6(ranges: readonly Ipv6Range[]): Ipv6Range[] {
  const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const out: Ipv6Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.first <= last.last + 1n) {
      if (r.last > last.last) out[out.length - 1] = { first: last.first, last: r.last };
    } else out.push(r);
  }
  return out;
}

function size6(ranges: readonly Ipv6Range[]): number {
  return ranges.reduce((n, r) => n + Number(r.last - r.first) + 1, 0);
}
