/**
 * Sorted, merged IPv4 ranges in typed arrays: 16 bytes per range whatever its
 * size, so a /8 is one entry and a million scattered addresses stay compact.
 * Lookups are binary searches; the index space (0 … size-1) maps to addresses
 * by arithmetic, never by expanding a list.
 */
import type { Ipv4Range } from './ipv4.ts';

export class RangeBuilder {
  private firsts = new Uint32Array(16);
  private lasts = new Uint32Array(16);
  private n = 0;

  add(first: number, last: number): void {
    if (this.n === this.firsts.length) {
      const f = new Uint32Array(this.n * 2);
      const l = new Uint32Array(this.n * 2);
      f.set(this.firsts);
      l.set(this.lasts);
      this.firsts = f;
      this.lasts = l;
    }
    this.firsts[this.n] = first;
    this.lasts[this.n] = last;
    this.n++;
  }

  get length(): number {
    return this.n;
  }

  /** Sorts and merges overlapping or adjacent ranges. */
  build(): RangeList {
    const order = new Uint32Array(this.n);
    for (let i = 0; i < this.n; i++) order[i] = i;
    const firsts = this.firsts;
    order.sort((a, b) => firsts[a]! - firsts[b]!);
    const outF = new Uint32Array(this.n);
    const outL = new Uint32Array(this.n);
    let m = 0;
    for (let k = 0; k < this.n; k++) {
      const i = order[k]!;
      const f = this.firsts[i]!;
      const l = this.lasts[i]!;
      if (m > 0 && f <= outL[m - 1]! + 1) {
        if (l > outL[m - 1]!) outL[m - 1] = l;
      } else {
        outF[m] = f;
        outL[m] = l;
        m++;
      }
    }
    // Copy out when merging shrank the list a lot, so the spare capacity is freed.
    return m < this.n / 2 ? new RangeList(outF.slice(0, m), outL.slice(0, m)) : new RangeList(outF.subarray(0, m), outL.subarray(0, m));
  }
}

export class RangeList {
  /** starts[i]: index of firsts[i] in the index space. */
  private readonly starts: Float64Array;
  readonly size: number;

  constructor(
    private readonly firsts: Uint32Array,
    private readonly lasts: Uint32Array,
  ) {
    this.starts = new Float64Array(firsts.length);
    let total = 0;
    for (let i = 0; i < firsts.length; i++) {
      this.starts[i] = total;
      total += lasts[i]! - firsts[i]! + 1;
    }
    this.size = total;
  }

  static of(ranges: Iterable<Ipv4Range>): RangeList {
    const b = new RangeBuilder();
    for (const r of ranges) b.add(r.first, r.last);
    return b.build();
  }

  /** Addresses of [first, last] that these ranges cover. */
  overlap(first: number, last: number): number {
    let uncovered = 0;
    this.subtractFrom(first, last, (f, l) => (uncovered += l - f + 1));
    return last - first + 1 - uncovered;
  }

  get count(): number {
    return this.firsts.length;
  }

  range(i: number): Ipv4Range {
    return { first: this.firsts[i]!, last: this.lasts[i]! };
  }

  *ranges(): Generator<Ipv4Range> {
    for (let i = 0; i < this.firsts.length; i++) yield this.range(i);
  }

  /** The i-th address of the index space (0 ≤ index < size). */
  at(index: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return this.firsts[lo]! + (index - this.starts[lo]!);
  }

  /** Index of the first range whose last address is ≥ n (count when none). */
  private firstEndingAtOrAfter(n: number): number {
    let lo = 0;
    let hi = this.lasts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.lasts[mid]! < n) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  contains(n: number): boolean {
    const i = this.firstEndingAtOrAfter(n);
    return i < this.firsts.length && this.firsts[i]! <= n;
  }

  /** Calls `out` with the parts of [first, last] that none of these ranges cover. */
  subtractFrom(first: number, last: number, out: (first: number, last: number) => void): void {
    let cursor = first;
    for (let i = this.firstEndingAtOrAfter(first); i < this.firsts.length && this.firsts[i]! <= last; i++) {
      if (this.firsts[i]! > cursor) out(cursor, this.firsts[i]! - 1);
      cursor = this.lasts[i]! + 1;
      if (cursor > last) return;
    }
    if (cursor <= last) out(cursor, last);
  }
}
