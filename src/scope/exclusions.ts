/**
 * What is never touched: the user's exclusion files (ZMap blocklist format:
 * one CIDR, range or address a line, `#` comments) and, unless turned off,
 * the IANA special-purpose ranges of special-purpose.ts.
 *
 * Exclusions win over inclusions. A default range is not applied to a target
 * spec lying wholly inside it (explicit intent); user exclusions always apply.
 */
import { readFileSync } from 'node:fs';
import { parseIpv4, type Ipv4Range } from './ipv4.ts';
import { parseIpv6, inRange6, type Ipv6Range } from './ipv6.ts';
import { RangeList } from './range-list.ts';
import { SPECIAL_PURPOSE_V4, SPECIAL_PURPOSE_V6 } from './special-purpose.ts';
import { parseAddressSpec, TargetSpecError } from './spec.ts';

export interface ExclusionList {
  readonly v4: RangeList;
  readonly v6: readonly Ipv6Range[];
}

const SPECIAL_V4: readonly Ipv4Range[] = SPECIAL_PURPOSE_V4.map((s) => {
  const p = parseAddressSpec(s.cidr);
  if (p.kind !== 'ipv4') throw new Error(`special-purpose table: ${s.cidr} is not IPv4`);
  return p.range;
});
const SPECIAL_V6: readonly Ipv6Range[] = SPECIAL_PURPOSE_V6.map((s) => {
  const p = parseAddressSpec(s.cidr);
  if (p.kind !== 'ipv6') throw new Error(`special-purpose table: ${s.cidr} is not IPv6`);
  return p.range;
});
const SPECIAL_V4_LIST = RangeList.of(SPECIAL_V4);

export const NO_EXCLUSIONS: ExclusionList = { v4: RangeList.of([]), v6: [] };

/** Parses address specs given one a line with `#` comments; errors name the line and file. */
export function parseRangeLines(text: string, file: string): ExclusionList {
  const v4: Ipv4Range[] = [];
  const v6: Ipv6Range[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const spec = parseAddressSpec(line, `line ${i + 1} of ${file}`);
    if (spec.kind === 'ipv4') v4.push(spec.range);
    else v6.push(spec.range);
  });
  return { v4: RangeList.of(v4), v6 };
}

export function readRangeLines(path: string, option: string): ExclusionList {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new TargetSpecError(`${option}: cannot read ${path} (${code})`);
  }
  return parseRangeLines(text, path);
}

export function mergeLists(lists: readonly ExclusionList[]): ExclusionList {
  return {
    v4: RangeList.of(lists.flatMap((l) => [...l.v4.ranges()])),
    v6: lists.flatMap((l) => l.v6),
  };
}

/** Default ranges that apply to the IPv4 spec [first, last]: those not wholly containing it. */
export function specialsFor4(first: number, last: number): RangeList | undefined {
  const apply = SPECIAL_V4.filter((s) => !(s.first <= first && s.last >= last));
  if (apply.length === SPECIAL_V4.length) return SPECIAL_V4_LIST;
  return apply.length === 0 ? undefined : RangeList.of(apply);
}

export function specialsFor6(r: Ipv6Range): Ipv6Range[] {
  return SPECIAL_V6.filter((s) => !(s.first <= r.first && s.last >= r.last));
}

/** For streamed result files, where each line is one address: user list, then every default range. */
export function isExcluded(ip: string, user: ExclusionList, defaults: boolean): boolean {
  const v4 = parseIpv4(ip);
  if (v4 !== undefined) return user.v4.contains(v4) || (defaults && SPECIAL_V4_LIST.contains(v4));
  const v6 = parseIpv6(ip);
  if (v6 === undefined) return true;
  return user.v6.some((r) => inRange6(r, v6)) || (defaults && SPECIAL_V6.some((r) => inRange6(r, v6)));
}

/** Parts of an IPv6 range left after removing `minus` (all small: targets are at most 2^16 addresses). */
export function subtract6(r: Ipv6Range, minus: readonly Ipv6Range[]): Ipv6Range[] {
  let pieces: Ipv6Range[] = [r];
  for (const m of minus) {
    const next: Ipv6Range[] = [];
    for (const p of pieces) {
      if (m.last < p.first || m.first > p.last) {
        next.push(p);
        continue;
      }
      if (m.first > p.first) next.push({ first: p.first, last: m.first - 1n });
      if (m.last < p.last) next.push({ first: m.last + 1n, last: p.last });
    }
    pieces = next;
  }
  return pieces;
}
