/**
 * A short run of every fuzz target (`make fuzz` runs the long one): 2,000
 * inputs each from a fixed seed, after the seeds kept in the repository and
 * every input a run once found failing (fuzz/crashes/), which must now pass.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crashesOf, hexDump, seedsOf } from './corpus.ts';
import { execute, fuzz, threadCpuMs, type Verdict } from './engine.ts';
import { TARGETS } from './targets/index.ts';

const SMOKE_INPUTS = 2_000;
const HANG_MS = 100;

/**
 * One input, timed as the fuzzer times it: this thread's CPU time (not wall time, which
 * a busy machine stretches), a hang confirmed by a second run (a GC or JIT pause is not).
 */
function verdict(target: (typeof TARGETS)[number], input: Buffer): Verdict {
  const first = execute(target, input, HANG_MS, threadCpuMs);
  return !first.ok && first.kind === 'hang' ? execute(target, input, HANG_MS, threadCpuMs) : first;
}

describe('fuzz smoke: every decoder, 2,000 inputs each', () => {
  it('has one target per decoder family, names unique', () => {
    const names = TARGETS.map((t) => t.name);
    assert.equal(new Set(names).size, names.length);
    assert.ok(names.length >= 14, names.join(', '));
  });

  for (const target of TARGETS) {
    describe(target.name, () => {
      const seeds = seedsOf(target.name);

      it('starts from seeds that the decoder accepts', () => {
        assert.ok(seeds.length > 0, `no seeds in fuzz/seeds/${target.name}/`);
        const outcomes = seeds.map((s) => verdict(target, s));
        for (const v of outcomes) assert.ok(v.ok, v.ok ? '' : `a seed fails: ${v.summary}`);
        assert.ok(outcomes.some((v) => v.ok && /\bok\b/.test(v.signature)), 'no seed decodes: the fuzzer would start from garbage');
      });

      it('passes every input once found failing', () => {
        for (const input of crashesOf(target.name)) {
          const v = verdict(target, input);
          assert.ok(v.ok, v.ok ? '' : `${v.kind}: ${v.summary}\n${hexDump(input, 128)}`);
        }
      });

      it(`survives ${SMOKE_INPUTS} mutated inputs`, () => {
        const report = fuzz(target, { seeds, replay: crashesOf(target.name), seed: 0x5eed, budget: { inputs: SMOKE_INPUTS }, hangMs: HANG_MS, maxFindings: 1 });
        const f = report.findings[0];
        assert.equal(f, undefined, f && `${f.kind}: ${f.summary}\n${hexDump(f.input, 128)}`);
        assert.equal(report.inputs, SMOKE_INPUTS);
      });
    });
  }
});
