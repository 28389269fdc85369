/** How a Count reads wherever it is shown: a lower bound says so. */
import type { Count } from './observation.ts';

/**
 * "at least 5000" in a sentence, "≥ 5,000" in a table: `lowerBound` marks a
 * count that stopped at a cap, `digits` writes the number.
 */
export function countText(c: Count, lowerBound: 'at least ' | '≥ ', digits: (n: number) => string = String): string {
  return `${c.atLeast ? lowerBound : ''}${digits(c.n)}`;
}
