/**
 * The open-files limit a scan needs. Every connection in flight is a file
 * descriptor, and the usual soft limit (1024) is below what a scan of
 * thousands of hosts at once holds: past it, connects fail with EMFILE and
 * open ports look closed. Node cannot call setrlimit, so bin/exposure.js asks
 * this module what to do before anything else loads, and when the hard limit
 * allows more it runs itself once again under `/bin/sh -c 'ulimit -n N; exec node …'`.
 *
 * Pure but for reading /proc: the decision is a function of the limits and the
 * command line, tested as such.
 */
import { readFileSync } from 'node:fs';

export interface OpenFileLimits {
  /** `ulimit -n`; Infinity for "unlimited". */
  readonly soft: number;
  /** `ulimit -Hn`: what an unprivileged process may raise its soft limit to. */
  readonly hard: number;
}

/** Descriptors beyond the connections: the store, the log, stdio, the event loop's own, Node's internals. */
const OPEN_FILES_SPARE = 64;

/** The scan's defaults for the two options that decide the count, as main.ts defines them (a test holds them equal). */
export const DEFAULT_PACE = { concurrency: 64, perHost: 4 } as const;

/** Set in the environment of the re-executed process, so that it never re-executes again. */
export const RAISED_MARKER = 'EXPOSURE_OPEN_FILES_RAISED';

export interface Pace {
  readonly concurrency: number;
  readonly perHost: number;
}

export type OpenFilesDecision =
  | { readonly kind: 'enough' }
  /** Run again with the soft limit raised to `to` (within the hard limit). */
  | { readonly kind: 'raise'; readonly to: number }
  /** The limit cannot cover `needed`: say so, and how many hosts in flight fit under `limit`. */
  | { readonly kind: 'too-low'; readonly limit: number; readonly needed: number; readonly fits: number };

/** Files a scan may hold open: each host in flight holds up to --per-host connections. */
export function openFilesNeeded(pace: Pace): number {
  return pace.concurrency * pace.perHost + OPEN_FILES_SPARE;
}

/** The --concurrency that fits under `limit` open files with `perHost` connections per host. */
function concurrencyFitting(limit: number, perHost: number): number {
  return Math.max(0, Math.floor((limit - OPEN_FILES_SPARE) / perHost));
}

/**
 * What to do before a scan starts. `raised` is true in the process already
 * run again: it never asks for another run, only reports what it got.
 */
export function openFilesDecision(limits: OpenFileLimits, pace: Pace, raised: boolean): OpenFilesDecision {
  const needed = openFilesNeeded(pace);
  if (limits.soft >= needed) return { kind: 'enough' };
  if (!raised && limits.hard > limits.soft) {
    // Up to the hard limit, or just what is needed when there is none (Linux caps "unlimited" at fs.nr_open anyway).
    return { kind: 'raise', to: Number.isFinite(limits.hard) ? limits.hard : needed };
  }
  return { kind: 'too-low', limit: limits.soft, needed, fits: concurrencyFitting(limits.soft, pace.perHost) };
}

/** The one line printed when the limit is too low. */
export function tooLowLine(d: Extract<OpenFilesDecision, { kind: 'too-low' }>, pace: Pace): string {
  const n = (x: number): string => x.toLocaleString('en');
  return (
    `exposure: warning: --concurrency ${n(pace.concurrency)} with --per-host ${pace.perHost} may hold ${n(d.needed)} files open, ` +
    `but this process may open only ${n(d.limit)} (ulimit -n, and the hard limit allows no more): ` +
    (d.fits > 0 ? `--concurrency ${n(d.fits)} fits, ` : '') +
    `or raise the hard limit (ulimit -Hn as root, LimitNOFILE in systemd); beyond it connects fail and open ports look closed\n`
  );
}

function optionValue(args: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (a === name) value = args[i + 1];
    else if (a.startsWith(`${name}=`)) value = a.slice(name.length + 1);
  }
  return value;
}

function wholeNumber(text: string | undefined, fallback: number): number {
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text) : fallback;
}

/**
 * The pace of the scan `args` (process.argv after node and the script) would
 * run, or undefined when they run no scan that sends: another command, a dry
 * run, help. A resumed run's stored pace is not read here (that needs the
 * store); its command line's, or the defaults, are used. Malformed values are
 * left to the option parsers, which report them.
 */
export function scanPace(args: readonly string[]): Pace | undefined {
  if (args[0] !== 'scan') return undefined;
  const options = args.slice(1);
  const end = options.indexOf('--');
  const before = end < 0 ? options : options.slice(0, end);
  if (before.some((a) => a === '--dry-run' || a === '--help' || a === '-h')) return undefined;
  return {
    concurrency: wholeNumber(optionValue(options, '--concurrency'), DEFAULT_PACE.concurrency),
    perHost: Math.max(1, wholeNumber(optionValue(options, '--per-host'), DEFAULT_PACE.perHost)),
  };
}

/** The limits from a /proc/<pid>/limits text. */
export function parseOpenFileLimits(text: string): OpenFileLimits | undefined {
  const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(text);
  if (!m) return undefined;
  const n = (s: string): number => (s === 'unlimited' ? Infinity : Number(s));
  return { soft: n(m[1]!), hard: n(m[2]!) };
}

/** This process's open-files limits (Linux); undefined elsewhere or when unreadable. */
export function openFileLimits(): OpenFileLimits | undefined {
  try {
    return parseOpenFileLimits(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return undefined;
  }
}

/** The whole decision for bin/exposure.js: undefined when the command is no scan or the limits are unknown. */
export function openFilesPlan(args: readonly string[], env: NodeJS.ProcessEnv): { decision: OpenFilesDecision; pace: Pace } | undefined {
  const pace = scanPace(args);
  if (pace === undefined) return undefined;
  const limits = openFileLimits();
  if (limits === undefined) return undefined;
  return { decision: openFilesDecision(limits, pace, env[RAISED_MARKER] === '1'), pace };
}
