/**
 * A small mutation fuzzer for the decoders that read what a peer (or a user's
 * file) sends. Pure and in-process: a target is a function from bytes to an
 * outcome, the engine feeds it inputs and judges each one by three oracles:
 *
 * - uncaught: the decoder threw, where its contract says it returns an error
 *   value (or throws only its own typed error, which the target catches);
 * - cap: an output broke a limit the decoder declares (the target checks
 *   these with `cap`); where a decoder has an encoder, a decoded value must
 *   also survive encoding and decoding again (`roundTrip`);
 * - hang: one input took longer than the time bound (timed on every input;
 *   a slow one is timed again in thread CPU time, so that a collector's pause
 *   or a busy machine is not taken for a hang).
 *
 * Inputs come from the seeds (valid encodings), their truncations, and stacked
 * mutations of the corpus: bit flips, byte inserts and deletes, length-field
 * tweaks, splices of two entries, dictionary tokens; a target may add
 * structured inputs from a fast-check arbitrary. An input whose outcome
 * signature is new joins the corpus, so inputs that get further into a decoder
 * are mutated further. Everything follows from one seed: a run can be repeated.
 */
import fc from 'fast-check';
import { Mutator, Rng } from './mutate.ts';

/** An output the decoder's contract rules out: over a cap it declares, or not what re-encoding gives back. */
export class OracleFailure extends Error {
  override readonly name = 'OracleFailure';
  constructor(
    readonly kind: 'cap' | 'round-trip',
    message: string,
  ) {
    super(message);
  }
}

/** Fails the input unless `holds`: how a target states a cap (a length, a count, a range). */
export function cap(holds: boolean, what: string): void {
  if (!holds) throw new OracleFailure('cap', what);
}

/** Fails the input unless `holds`: a value re-encoded and decoded again must come back the same. */
export function roundTrip(holds: boolean, what: string): void {
  if (!holds) throw new OracleFailure('round-trip', what);
}

export interface FuzzTarget {
  readonly name: string;
  /** The decoders it drives, for the printout. */
  readonly covers: string;
  /** Inputs are cut to this length. */
  readonly maxInputBytes: number;
  /** Tokens worth inserting whole: delimiters, keywords, tags, magic numbers. */
  readonly dictionary?: readonly Buffer[];
  /** Structured inputs, drawn for one input in eight. */
  readonly generate?: fc.Arbitrary<Buffer>;
  /**
   * Decodes one input and checks its outputs (`cap`, `roundTrip`).
   * Returns a short structural outcome ("ok:…" when the main decoder accepted
   * the input, else the error code and field), never a decoded value.
   */
  run(input: Buffer): string;
}

export type FindingKind = 'uncaught' | 'cap' | 'round-trip' | 'hang';

export interface Finding {
  readonly kind: FindingKind;
  readonly target: string;
  /** What went wrong: the error's name, message and where it was thrown, or the time taken. */
  readonly summary: string;
  /** The input, minimised while it still fails the same way. */
  readonly input: Buffer;
}

export type Verdict =
  | { readonly ok: true; readonly signature: string; readonly ms: number }
  | { readonly ok: false; readonly kind: FindingKind; readonly summary: string; readonly key: string; readonly ms: number };

/**
 * The message's first line and the innermost frame of the project's code (a
 * RangeError from a Buffer read is thrown inside Node; the bug is where the
 * read was called): enough to tell two bugs apart.
 */
function describeThrow(e: unknown): { summary: string; key: string } {
  if (!(e instanceof Error)) return { summary: `threw a non-Error: ${typeof e}`, key: `non-error:${typeof e}` };
  const message = (e.message.split('\n')[0] ?? '').slice(0, 200);
  if (e instanceof OracleFailure) return { summary: message, key: message };
  const frames = (e.stack ?? '').split('\n').map((l) => l.trim()).filter((l) => l.startsWith('at '));
  const frame = frames.find((l) => !/\(node:|^at node:|<anonymous>/.test(l)) ?? frames[0] ?? '';
  // A stack overflow is thrown from wherever the stack ran out: one bug, whichever frame.
  const where = message === 'Maximum call stack size exceeded' ? 'stack' : frame.replace(/:\d+\)?$/, '');
  return { summary: `${e.name}: ${message}${frame ? ` (${frame})` : ''}`, key: `${e.name}|${where}` };
}

export type Clock = () => number;

/**
 * CPU time of this thread, in ms: what a slow input costs, whatever else the
 * machine runs. Wall time where Node lacks it (before 23.9).
 */
export const threadCpuMs: Clock =
  typeof process.threadCpuUsage === 'function'
    ? () => {
        const u = process.threadCpuUsage();
        return (u.user + u.system) / 1000;
      }
    : () => performance.now();

/** Runs one input through the target and its oracles; `hangMs` bounds the time, as `clock` measures it. */
export function execute(target: FuzzTarget, input: Buffer, hangMs: number, clock: Clock = () => performance.now()): Verdict {
  const started = clock();
  let signature: string;
  try {
    signature = target.run(input);
  } catch (e) {
    const ms = clock() - started;
    const kind = e instanceof OracleFailure ? e.kind : 'uncaught';
    const { summary, key } = describeThrow(kind === 'uncaught' && Error.stackTraceLimit === 0 ? (thrownWithStack(target, input) ?? e) : e);
    return { ok: false, kind, summary, key: `${kind}|${key}`, ms };
  }
  const ms = clock() - started;
  if (ms > hangMs) return { ok: false, kind: 'hang', summary: `took ${ms.toFixed(0)} ms (bound ${hangMs} ms)`, key: 'hang', ms };
  return { ok: true, signature, ms };
}

/** The same input once more with stack traces on, for where an uncaught error came from. */
function thrownWithStack(target: FuzzTarget, input: Buffer): unknown {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 16;
  try {
    target.run(input);
    return undefined;
  } catch (e) {
    return e;
  } finally {
    Error.stackTraceLimit = saved;
  }
}

export interface Budget {
  /** Stop after this many inputs. */
  readonly inputs?: number;
  /** Stop after this many milliseconds… */
  readonly ms?: number;
  /** …once at least this many inputs have run… */
  readonly minInputs?: number;
  /** …and in any case after this many milliseconds. */
  readonly maxMs?: number;
}

export interface FuzzOptions {
  /** Valid encodings: run as they are and cut short, then mutated. */
  readonly seeds: readonly Buffer[];
  /** Inputs once found failing: each run once, first (they are not mutated). */
  readonly replay?: readonly Buffer[];
  readonly seed: number;
  readonly budget: Budget;
  /** Time bound of one input. Default 100 ms. */
  readonly hangMs?: number;
  /** Stop the target after this many distinct findings. Default 5. */
  readonly maxFindings?: number;
  /** Called with every input before it runs (a watchdog keeps the last one). */
  readonly onInput?: (input: Buffer) => void;
}

export interface FuzzReport {
  readonly target: string;
  readonly inputs: number;
  readonly ms: number;
  readonly corpus: number;
  /** Distinct outcome signatures seen. */
  readonly outcomes: number;
  /** Inputs that failed like an earlier finding. */
  readonly repeats: number;
  /** Largest time one input took, in ms. */
  readonly slowestMs: number;
  readonly findings: readonly Finding[];
}

const CORPUS_LIMIT = 2048;
/** A larger input is judged but not mutated further: small inputs run fast and mutate to the point. */
const CORPUS_MAX_BYTES = 4096;
const GENERATED_BATCH = 64;
/** Truncations of a seed tried before mutation starts, at most this many per seed. */
const PREFIXES_PER_SEED = 128;

/** Numbers and hex runs stripped, so a signature names a kind of outcome rather than one input. */
function normalise(signature: string): string {
  return signature.replace(/[0-9A-Fa-f]{4,}|\d+/g, '#');
}

/**
 * Fuzzes one target within the budget; deterministic for a given seed, budget
 * in inputs and seed files. Errors are made without stack traces meanwhile
 * (capturing one costs more than most decodes); an uncaught one is thrown
 * again with its stack to say where it came from.
 */
export function fuzz(target: FuzzTarget, options: FuzzOptions): FuzzReport {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fuzzWithoutStacks(target, options);
  } finally {
    Error.stackTraceLimit = saved;
  }
}

function fuzzWithoutStacks(target: FuzzTarget, options: FuzzOptions): FuzzReport {
  const hangMs = options.hangMs ?? 100;
  const maxFindings = options.maxFindings ?? 5;
  const rng = new Rng(options.seed);
  const mutator = new Mutator(rng, target.maxInputBytes, target.dictionary ?? []);
  const seeds = options.seeds.length > 0 ? options.seeds.map((s) => s.subarray(0, target.maxInputBytes)) : [Buffer.alloc(0)];
  const corpus: Buffer[] = [...seeds];
  const outcomes = new Set<string>();
  const findings: Finding[] = [];
  const keys = new Set<string>();
  const started = performance.now();
  const maxInputs = options.budget.inputs ?? Number.POSITIVE_INFINITY;
  const ms = options.budget.ms ?? Number.POSITIVE_INFINITY;
  const minInputs = options.budget.minInputs ?? 0;
  const maxMs = options.budget.maxMs ?? Number.POSITIVE_INFINITY;
  let inputs = 0;
  let repeats = 0;
  let slowestMs = 0;
  let generated: Buffer[] = [];

  const outOfTime = (): boolean => {
    const elapsed = performance.now() - started;
    return (elapsed >= ms && inputs >= minInputs) || elapsed >= maxMs;
  };
  const exhausted = (): boolean => inputs >= maxInputs || findings.length >= maxFindings || ((inputs & 0xff) === 0 && outOfTime());

  const judge = (input: Buffer): void => {
    options.onInput?.(input);
    inputs++;
    let v = execute(target, input, hangMs);
    slowestMs = Math.max(slowestMs, v.ms);
    if (!v.ok && v.kind === 'hang') v = confirmHang(target, input, hangMs);
    if (v.ok) {
      const signature = normalise(v.signature);
      if (!outcomes.has(signature)) {
        outcomes.add(signature);
        if (input.length > CORPUS_MAX_BYTES) return;
        if (corpus.length < CORPUS_LIMIT) corpus.push(input);
        else corpus[seeds.length + rng.below(CORPUS_LIMIT - seeds.length)] = input;
      }
      return;
    }
    if (keys.has(v.key)) {
      repeats++;
      return;
    }
    keys.add(v.key);
    const minimal = minimise(target, input, v, hangMs, options.onInput);
    findings.push({ kind: v.kind, target: target.name, summary: v.summary, input: minimal });
  };

  const nextGenerated = (arb: fc.Arbitrary<Buffer>): Buffer => {
    if (generated.length === 0) generated = fc.sample(arb, { seed: rng.next() | 0, numRuns: GENERATED_BATCH });
    return generated.pop()!.subarray(0, target.maxInputBytes);
  };

  for (const r of options.replay ?? []) if (!exhausted()) judge(r.subarray(0, target.maxInputBytes));
  // Seeds as they are, then cut short: every decoder must handle a truncated message.
  for (const s of seeds) {
    if (exhausted()) break;
    judge(s);
    const step = Math.max(1, Math.ceil(s.length / PREFIXES_PER_SEED));
    for (let n = 0; n < s.length && !exhausted(); n += step) judge(s.subarray(0, n));
  }
  while (!exhausted()) {
    if (target.generate !== undefined && rng.below(8) === 0) {
      judge(nextGenerated(target.generate));
      continue;
    }
    const base = corpus[rng.below(corpus.length)]!;
    judge(mutator.havoc(base, corpus));
  }
  return {
    target: target.name,
    inputs,
    ms: performance.now() - started,
    corpus: corpus.length,
    outcomes: outcomes.size,
    repeats,
    slowestMs,
    findings,
  };
}

/** Times a slow input again: a hang only if it is slow every time. */
const HANG_CONFIRMATIONS = 3;

/**
 * Wall time flags a slow input cheaply; thread CPU time, three times over,
 * confirms it, so that neither a collector's pause nor a busy machine taking
 * the thread away for a moment passes for a hang.
 */
function confirmHang(target: FuzzTarget, input: Buffer, hangMs: number): Verdict {
  let v: Verdict = execute(target, input, hangMs, threadCpuMs);
  for (let i = 1; i < HANG_CONFIRMATIONS && !v.ok && v.kind === 'hang'; i++) v = execute(target, input, hangMs, threadCpuMs);
  return v;
}

const MINIMISE_RUNS = 4000;
const MINIMISE_MS = 10_000;

/**
 * Removes chunks of the input, halving the chunk size down to one byte, while
 * it still fails the same way (same kind and, for a throw, the same error
 * thrown from the same place). Bounded in runs and time.
 */
export function minimise(target: FuzzTarget, input: Buffer, failure: Verdict & { ok: false }, hangMs: number, onInput?: (input: Buffer) => void): Buffer {
  const started = performance.now();
  let runs = 0;
  const stillFails = (candidate: Buffer): boolean => {
    if (runs >= MINIMISE_RUNS || performance.now() - started > MINIMISE_MS) return false;
    runs++;
    onInput?.(candidate);
    const v = failure.kind === 'hang' ? confirmHang(target, candidate, hangMs) : execute(target, candidate, hangMs);
    return !v.ok && v.key === failure.key;
  };
  let current = input;
  for (let chunk = 2 ** Math.floor(Math.log2(Math.max(1, current.length))); chunk >= 1; chunk = Math.floor(chunk / 2)) {
    let at = 0;
    while (at < current.length) {
      const candidate = Buffer.concat([current.subarray(0, at), current.subarray(at + chunk)]);
      if (stillFails(candidate)) current = candidate;
      else at += chunk;
    }
  }
  return Buffer.from(current);
}
