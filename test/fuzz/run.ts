/**
 * `make fuzz`: every target in turn, each in its own worker thread for a fixed
 * time, then a line per target (inputs, inputs per second, corpus, outcomes,
 * slowest input) and the totals. A finding is saved under fuzz/crashes/ and
 * printed as hex; the exit code is then 1.
 *
 *   node --import tsx test/fuzz/run.ts [--budget small|full] [--seconds N] [--inputs N]
 *                                      [--target a,b] [--seed N] [--replay FILE…]
 *
 * The full budget is 55 s a target (about 13 minutes), which gives each one
 * well over a million inputs on a 2-core machine; a target still short of a
 * million then goes on until it has them (150 s at most). Small (3 s a
 * target) checks the set-up. --replay runs saved inputs once and prints what
 * each does.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { hexDump, saveFinding } from './corpus.ts';
import { execute, type Budget, type Finding, type FuzzReport } from './engine.ts';
import { fuzzInWorker } from './supervise.ts';
import { TARGETS, targetNamed } from './targets/index.ts';

/** Time a target; the full budget goes on past it to a million inputs, on a slow or busy machine, up to maxMs. */
const BUDGETS: Readonly<Record<'small' | 'full', Budget>> = {
  small: { ms: 3_000 },
  full: { ms: 55_000, minInputs: 1_000_000, maxMs: 150_000 },
};
const HANG_MS = 100;
/** No new input started for this long: one never returned. */
const STUCK_MS = 5_000;

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function line(r: FuzzReport): string {
  const perSecond = r.inputs / (r.ms / 1000);
  return [
    r.target.padEnd(15),
    `${formatCount(r.inputs).padStart(11)} inputs`,
    `${(r.ms / 1000).toFixed(1).padStart(6)} s`,
    `${formatCount(Math.round(perSecond)).padStart(9)}/s`,
    `corpus ${String(r.corpus).padStart(4)}`,
    `outcomes ${String(r.outcomes).padStart(4)}`,
    `slowest ${r.slowestMs.toFixed(1).padStart(5)} ms`,
    `findings ${r.findings.length}`,
  ].join('  ');
}

function printFinding(f: Finding): void {
  const file = saveFinding(f);
  console.log(`\n  ${f.kind.toUpperCase()} in ${f.target}: ${f.summary}`);
  console.log(`  ${f.input.length} bytes, saved as ${file}`);
  console.log(hexDump(f.input));
}

function replay(files: readonly string[], only: string | undefined): number {
  let failed = 0;
  for (const file of files) {
    const name = only ?? basename(dirname(file));
    const target = targetNamed(name);
    if (target === undefined) throw new Error(`${file}: no fuzz target ${name} (name one with --target)`);
    const v = execute(target, readFileSync(file), HANG_MS);
    console.log(`${file}: ${v.ok ? `${v.signature} (${v.ms.toFixed(1)} ms)` : `${v.kind.toUpperCase()} ${v.summary}`}`);
    if (!v.ok) failed++;
  }
  return failed === 0 ? 0 : 1;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      budget: { type: 'string', default: 'full' },
      seconds: { type: 'string' },
      inputs: { type: 'string' },
      target: { type: 'string' },
      seed: { type: 'string' },
      replay: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (values.replay) return replay(positionals, values.target);
  if (values.budget !== 'small' && values.budget !== 'full') throw new Error(`--budget is small or full, not ${values.budget}`);
  const budget: Budget = {
    ...BUDGETS[values.budget],
    ...(values.seconds !== undefined && { ms: Number(values.seconds) * 1000, minInputs: 0 }),
    ...(values.inputs !== undefined && { inputs: Number(values.inputs) }),
  };
  const names = values.target?.split(',');
  const targets = names === undefined ? TARGETS : names.map((n) => targetNamed(n) ?? raise(`no fuzz target ${n}; there are ${TARGETS.map((t) => t.name).join(', ')}`));
  const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 0x7fffffff;
  const each = `${budget.ms! / 1000} s${budget.minInputs ? ` and ${formatCount(budget.minInputs)} inputs (at most ${budget.maxMs! / 1000} s)` : ''}${budget.inputs ? `, at most ${formatCount(budget.inputs)} inputs` : ''}`;
  console.log(`fuzzing ${targets.length} targets, ${each} each, seed ${seed} (repeat with --seed ${seed})\n`);
  let inputs = 0;
  let findings = 0;
  const started = performance.now();
  for (const target of targets) {
    const r = await fuzzInWorker({ target: target.name, maxInputBytes: target.maxInputBytes, seed, budget, hangMs: HANG_MS, stuckMs: STUCK_MS });
    console.log(line(r));
    r.findings.forEach(printFinding);
    inputs += r.inputs;
    findings += r.findings.length;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`\ntotal: ${formatCount(inputs)} inputs in ${seconds.toFixed(0)} s (${formatCount(Math.round(inputs / seconds))}/s), ${findings} findings`);
  return findings === 0 ? 0 : 1;
}

function raise(message: string): never {
  throw new Error(message);
}

process.exitCode = await main();
