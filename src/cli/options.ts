/** Parsers for option values: each failure says which option and why. */
import { validateAeTitle } from '../probes/dicom/index.ts';
import { UsageError } from './errors.ts';

export function positiveInt(name: string, min = 1, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new UsageError(`${name} must be a whole number from ${min} to ${max}, not "${value}"`);
    }
    return n;
  };
}

export function aeTitle(name: string) {
  return (value: string): string => {
    const problem = validateAeTitle(value);
    if (problem) throw new UsageError(`${name}: ${problem}`);
    return value;
  };
}

export function aeTitleList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(aeTitle('--ae-titles'));
}

/** Collects a repeatable option's values in order. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
