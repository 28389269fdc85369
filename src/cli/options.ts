/** Parsers for option values: each failure says which option and why. */
import { readFileSync } from 'node:fs';
import { validateAeTitle } from '../probes/dicom/ae-titles.ts';
import type { Ipv4Range } from '../scope/ipv4.ts';
import { parseTargetSpec } from '../scope/targets.ts';
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

/** A file of target specs, one a line, # comments: used for allow-lists and exclusions. */
export function readRangeFile(path: string, option: string): Ipv4Range[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`${option}: cannot read ${path} (${code})`);
  }
  const ranges: Ipv4Range[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line !== '') ranges.push(parseTargetSpec(line, `line ${i + 1} of ${path}`));
  });
  return ranges;
}
