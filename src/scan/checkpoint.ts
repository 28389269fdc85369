/**
 * The resume checkpoint of a run, kept in memory; scan/host-writer.ts writes
 * it with each batch of results.
 *
 * Targets are issued in increasing step order and finish out of order. The
 * watermark is the lowest step still in flight: everything below it is done.
 * Steps done above it are remembered until the watermark passes them. Memory
 * is bounded by what can finish while the slowest host in flight is still
 * running (rate × probe timeout), not by the size of the scan.
 *
 * A host counts as finished only when its batch is taken for writing, so the
 * checkpoint never runs ahead of the stored results: a kill loses no result,
 * and may only probe again the hosts of the batch that was not yet written.
 */
import type { ScanCheckpoint, ScanCounters } from '../store/index.ts';

export class CheckpointTracker {
  /** Steps issued and not yet below the watermark, in issue order. */
  private issued: number[] = [];
  private head = 0;
  private readonly doneAbove = new Set<number>();
  private readonly unsaved: number[] = [];
  private lastIssued = -1;

  constructor(
    private watermarkStep: number,
    /** The run's counters, copied into each delta. */
    private readonly counters: Readonly<ScanCounters>,
    previouslyDone: readonly number[] = [],
  ) {
    // Steps a previous process finished above its watermark: kept until the watermark passes them.
    for (const s of previouslyDone) this.doneAbove.add(s);
  }

  issue(step: number): void {
    if (step <= this.lastIssued) throw new RangeError(`steps must be issued in increasing order (${step} after ${this.lastIssued})`);
    this.lastIssued = step;
    this.issued.push(step);
  }

  finish(step: number): void {
    this.doneAbove.add(step);
    this.unsaved.push(step);
    while (this.head < this.issued.length && this.doneAbove.has(this.issued[this.head]!)) {
      this.doneAbove.delete(this.issued[this.head]!);
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > this.issued.length) {
      this.issued = this.issued.slice(this.head);
      this.head = 0;
    }
  }

  /** Lowest step not known to be done. */
  get watermark(): number {
    return this.head < this.issued.length ? this.issued[this.head]! : Math.max(this.watermarkStep, this.lastIssued + 1);
  }

  /**
   * What changed since the last write: the watermark, the steps finished since
   * (above the watermark) and the counters. Written inside a batch's result
   * transaction, it keeps the stored checkpoint exact at the cost of a few rows.
   */
  delta(): ScanCheckpoint {
    const watermark = this.watermark;
    const done = this.unsaved.filter((s) => s >= watermark);
    this.unsaved.length = 0;
    this.watermarkStep = watermark;
    return { watermark, done, counters: { ...this.counters } };
  }
}
