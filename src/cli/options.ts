/** Parsers for option values: each failure says which option and why. */
import { Option } from 'commander';
import type { ProtocolId } from '../observation/observation.ts';
import { PROBE_CATALOGUE, validateAeTitle } from '../probes/catalogue.ts';
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

/** --probes: probe ids, comma separated, each known; or "help" alone, to list them. */
export function probeList(value: string): ProtocolId[] | 'help' {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length === 1 && names[0] === 'help') return 'help';
  const known = PROBE_CATALOGUE.map((p) => p.id);
  if (names.length === 0) throw new UsageError(`--probes needs at least one probe: ${known.join(', ')} (or "help")`);
  const ids: ProtocolId[] = [];
  for (const name of names) {
    const probe = PROBE_CATALOGUE.find((p) => p.id === name);
    if (!probe) throw new UsageError(`--probes: there is no probe "${name}"; the probes are ${known.join(', ')} (--probes help describes them)`);
    if (!ids.includes(probe.id)) ids.push(probe.id);
  }
  return ids;
}

/** What `--probes help` prints: each probe's id, default ports and what it does. */
export function probeListing(): string {
  const width = Math.max(...PROBE_CATALOGUE.map((p) => p.id.length));
  const portsWidth = Math.max(...PROBE_CATALOGUE.map((p) => p.defaultPorts.join(',').length));
  const lines = PROBE_CATALOGUE.map((p) => `${p.id.padEnd(width)}  ${p.defaultPorts.join(',').padEnd(portsWidth)}  ${p.summary}`);
  return `${lines.join('\n')}\n\nOn a port no selected probe claims, the scan identifies what answers and runs only the matching probe.\n`;
}

/**
 * --db: an SQLite file or a postgres://USER@HOST:PORT/DATABASE URL. EXPOSURE_DB
 * in the environment is its default (the flag wins over it): a URL with a
 * password need not appear on a command line, and help never prints its value.
 */
export function dbOption(what: string): Option {
  return new Option('--db <file|url>', `${what}: an SQLite file or a postgres:// URL`).env('EXPOSURE_DB').default('exposure.db');
}
