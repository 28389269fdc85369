/** What the runner hands a worker thread (worker.ts), and the layout of the memory they share. */
import type { Budget } from './engine.ts';

export interface WorkerJob {
  /** A module exporting `TARGETS` (targets/index.ts, or a test's own). */
  readonly targets: string;
  readonly target: string;
  readonly seed: number;
  readonly budget: Budget;
  readonly hangMs: number;
  /** Int32 heartbeat (inputs started), Int32 length of the current input, then its bytes. */
  readonly shared: SharedArrayBuffer;
}

export const SHARED_HEADER = 8;
