/**
 * One target fuzzed in a worker thread, so that the main thread can stop an
 * input that never returns: before each input runs, its bytes are copied into
 * memory shared with the main thread and a heartbeat is counted there.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { crashesOf, seedsOf } from './corpus.ts';
import { fuzz, type FuzzTarget } from './engine.ts';
import { SHARED_HEADER, type WorkerJob } from './job.ts';

const job = workerData as WorkerJob;
const { TARGETS } = (await import(job.targets)) as { TARGETS: readonly FuzzTarget[] };
const target = TARGETS.find((t) => t.name === job.target);
if (target === undefined) throw new Error(`no fuzz target ${job.target}`);
const counters = new Int32Array(job.shared, 0, 2);
const bytes = new Uint8Array(job.shared, SHARED_HEADER);

const report = fuzz(target, {
  seeds: seedsOf(target.name),
  replay: crashesOf(target.name),
  seed: job.seed,
  budget: job.budget,
  hangMs: job.hangMs,
  onInput: (input) => {
    const n = Math.min(input.length, bytes.length);
    bytes.set(input.subarray(0, n));
    Atomics.store(counters, 1, n);
    Atomics.add(counters, 0, 1);
  },
});
parentPort!.postMessage(report);
