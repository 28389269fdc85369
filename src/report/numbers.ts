/** Numbers as the human-readable reports print them. */
import { countText } from '../observation/count.ts';
import type { Count } from '../observation/observation.ts';
import type { CountSum } from '../store/index.ts';
import type { ReportCount } from './model.ts';

/** 1500000 → "1,500,000" (fixed, not locale-dependent, so golden files are stable). */
export function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "≥ 1,500,000", "12", or a dash when nothing was counted. */
export function sumText(c: CountSum | ReportCount | undefined): string {
  return c ? countText(c, '≥ ', grouped) : '—';
}

/** Country, AS or special-space key as a reader sees it: "AS64500 Example Net", "private space". */
export function placeText(key: string, label?: string): string {
  if (/^AS\d+$/.test(key)) return label ? `${key} ${label}` : key;
  if (/^[A-Z]{2}$/.test(key) || key === 'unknown') return key;
  return `${key} space`;
}

/** A count as the report shows it: the number, whether it is a lower bound, and its text ("≥ 1000"). */
export function reportCount(c: Count): ReportCount {
  return { n: c.n, atLeast: c.atLeast, text: countText(c, '≥ ') };
}
