/**
 * A block of a run's order as a work source: the steps [first, end) of the
 * permutation the run's plan walks, so a worker probes what one machine
 * would have probed at those steps, in the same order.
 */
import type { WorkItem, WorkSource } from '../scan/sources.ts';

export function blockSource(whole: WorkSource, first: number, end: number): WorkSource {
  return {
    total: undefined,
    approximate: true,
    mergeHosts: whole.mergeHosts,
    async *items() {
      for await (const item of whole.items({ watermark: first, done: new Set() })) {
        if (item.step >= end) return;
        yield item;
      }
    },
  };
}

/** Every target of the block, without probing: what the worker's own scope check reads. */
export async function* blockTargets(whole: WorkSource, first: number, end: number): AsyncGenerator<WorkItem> {
  yield* blockSource(whole, first, end).items({ watermark: first, done: new Set() });
}
