/** How a Count reads wherever it is shown: a lower bound says so, and its noun agrees with it. */
import type { Count } from './observation.ts';

/**
 * "at least 5000" in a sentence, "≥ 5,000" in a table: `lowerBound` marks a
 * count that stopped at a cap, `digits` writes the number.
 */
export function countText(c: Count, lowerBound: 'at least ' | '≥ ', digits: (n: number) => string = String): string {
  return `${c.atLeast ? lowerBound : ''}${digits(c.n)}`;
}

/**
 * The noun a number takes in English: the singular for exactly one, the
 * plural otherwise (0 files, 1 file, 2 files, ≥ 1 file). `many` is for nouns
 * whose plural is not the singular and an s ("study", "studies"; "series").
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

/** "1 file", "2,000 files": the number written by `digits`, then its noun (see plural). */
export function counted(n: number, one: string, many?: string, digits: (n: number) => string = String): string {
  return `${digits(n)} ${plural(n, one, many)}`;
}
