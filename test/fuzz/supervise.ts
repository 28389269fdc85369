/**
 * Runs one target in a worker thread (worker.ts) under a watchdog: the time
 * bound of one input is checked inside the worker after the input returns,
 * but an input that never returns can only be stopped from outside. The
 * watchdog reads the worker's heartbeat; when no new input has started for
 * `stuckMs`, it ends the worker and reports the input it was running.
 */
import { Worker } from 'node:worker_threads';
import type { Budget, Finding, FuzzReport } from './engine.ts';
import { SHARED_HEADER, type WorkerJob } from './job.ts';

export interface SuperviseOptions {
  /** Module exporting TARGETS; the project's table by default. */
  readonly targets?: URL;
  readonly target: string;
  readonly maxInputBytes: number;
  readonly seed: number;
  readonly budget: Budget;
  readonly hangMs: number;
  /** No new input started for this long: one never returned. */
  readonly stuckMs: number;
}

export function fuzzInWorker(o: SuperviseOptions): Promise<FuzzReport> {
  const shared = new SharedArrayBuffer(SHARED_HEADER + o.maxInputBytes);
  const counters = new Int32Array(shared, 0, 2);
  const targets = (o.targets ?? new URL('./targets/index.ts', import.meta.url)).href;
  const job: WorkerJob = { targets, target: o.target, seed: o.seed, budget: o.budget, hangMs: o.hangMs, shared };
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { workerData: job });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let last = -1;
    let lastChange = performance.now();
    const watchdog = setInterval(() => {
      const beat = Atomics.load(counters, 0);
      if (beat !== last) {
        last = beat;
        lastChange = performance.now();
        return;
      }
      if (performance.now() - lastChange < o.stuckMs) return;
      clearInterval(watchdog);
      const input = Buffer.from(new Uint8Array(shared, SHARED_HEADER, Atomics.load(counters, 1)));
      void worker.terminate();
      const finding: Finding = { kind: 'hang', target: o.target, summary: `an input ran for over ${o.stuckMs} ms and was stopped`, input };
      resolve({ target: o.target, inputs: beat, ms: performance.now() - started, corpus: 0, outcomes: 0, repeats: 0, slowestMs: o.stuckMs, findings: [finding] });
    }, Math.min(500, o.stuckMs / 4));
    worker.once('message', (report: FuzzReport) => {
      clearInterval(watchdog);
      // Buffers cross the thread boundary as plain Uint8Arrays.
      resolve({ ...report, findings: report.findings.map((f) => ({ ...f, input: Buffer.from(f.input) })) });
    });
    worker.once('error', (e) => {
      clearInterval(watchdog);
      reject(e);
    });
  });
}
