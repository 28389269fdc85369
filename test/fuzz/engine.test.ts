import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fuzz, minimise, execute } from './engine.ts';
import { Mutator, Rng } from './mutate.ts';
import { plantedTarget } from './planted.ts';
import { fuzzInWorker } from './supervise.ts';

const SEEDS = [Buffer.from('a sound seed of some length')];

describe('the fuzz engine', () => {
  it('finds an uncaught throw and cuts the input down to the trigger and what the read needs', () => {
    const r = fuzz(plantedTarget('throws'), { seeds: SEEDS, seed: 7, budget: { inputs: 20_000 }, maxFindings: 1 });
    const f = r.findings[0];
    assert.ok(f, 'not found');
    assert.equal(f.kind, 'uncaught');
    assert.match(f.summary, /^RangeError/);
    assert.match(f.summary, /planted\.ts:\d+/, 'names the line of the decoder that threw, though stacks are off while fuzzing');
    assert.equal(Error.stackTraceLimit, 10, 'the stack trace limit is given back');
    assert.ok(f.input.includes(0x42));
    assert.ok(f.input.length <= 4, `minimised to ${f.input.length} bytes`);
  });

  it('finds an output over a cap, and a value that does not survive re-encoding', () => {
    const overCap = fuzz(plantedTarget('over-cap'), { seeds: SEEDS, seed: 7, budget: { inputs: 50_000 }, maxFindings: 1 }).findings[0];
    assert.equal(overCap?.kind, 'cap');
    assert.equal(overCap.input.length, 64, 'minimised to the smallest input over the cap');
    const roundTrip = fuzz(plantedTarget('round-trip'), { seeds: SEEDS, seed: 7, budget: { inputs: 20_000 }, maxFindings: 1 }).findings[0];
    assert.equal(roundTrip?.kind, 'round-trip');
    assert.deepEqual([...roundTrip.input], [0x42]);
  });

  it('times every input: one over the bound is a hang, confirmed by a second run', () => {
    const r = fuzz(plantedTarget('slow'), { seeds: SEEDS, seed: 7, budget: { inputs: 20_000 }, hangMs: 10, maxFindings: 1 });
    assert.equal(r.findings[0]?.kind, 'hang');
    assert.deepEqual([...r.findings[0].input], [0x42]);
  });

  it('reports nothing for a sound decoder, and repeats itself exactly from the same seed', () => {
    const a = fuzz(plantedTarget('sound'), { seeds: SEEDS, seed: 11, budget: { inputs: 5_000 } });
    const b = fuzz(plantedTarget('sound'), { seeds: SEEDS, seed: 11, budget: { inputs: 5_000 } });
    assert.deepEqual(a.findings, []);
    assert.equal(a.inputs, 5_000);
    assert.deepEqual([a.corpus, a.outcomes], [b.corpus, b.outcomes]);
    assert.deepEqual(a.outcomes, 2);
  });

  it('minimises only while the input fails the same way', () => {
    const target = plantedTarget('throws');
    const input = Buffer.from('xxxxBxxxx');
    const failure = execute(target, input, 100);
    assert.ok(!failure.ok);
    const small = minimise(target, input, failure, 100);
    assert.ok(small.length < input.length && small.includes(0x42));
    assert.ok(!execute(target, small, 100).ok);
  });
});

describe('mutations', () => {
  it('stay within the size cap and never change their base', () => {
    const rng = new Rng(3);
    const m = new Mutator(rng, 64, [Buffer.from('TOKEN')]);
    const base = Buffer.alloc(60, 0x61);
    for (let i = 0; i < 5_000; i++) assert.ok(m.havoc(base, [base, Buffer.from('other')]).length <= 64);
    assert.ok(base.equals(Buffer.alloc(60, 0x61)));
  });

  it('draw integers in range from a seeded generator', () => {
    const a = new Rng(5);
    const b = new Rng(5);
    const seen = new Set<number>();
    for (let i = 0; i < 1_000; i++) {
      const n = a.below(10);
      assert.equal(n, b.below(10));
      assert.ok(n >= 0 && n < 10);
      seen.add(n);
    }
    assert.equal(seen.size, 10);
  });
});

describe('the watchdog', () => {
  it('stops an input that never returns and reports it', async () => {
    const r = await fuzzInWorker({
      targets: new URL('./planted.ts', import.meta.url),
      target: 'loops',
      maxInputBytes: 256,
      seed: 7,
      budget: { inputs: 100_000 },
      hangMs: 100,
      stuckMs: 1_000,
    });
    assert.equal(r.findings[0]?.kind, 'hang');
    assert.ok(r.findings[0].input.includes(0x42));
  });
});
