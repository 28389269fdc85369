/**
 * What a worker hands the scan loop as its store while it probes a block:
 * nothing is written while the block is probed (decision 0053). The hosts
 * are kept here, bounded by the block's size, and written at the block's end
 * in one transaction with its done mark, or dropped if the block was lost.
 */
import type { HostBatch, HostResult, RunSummary, ScanCheckpoint, StoreSink } from '../store/index.ts';

export class BlockBuffer implements StoreSink {
  readonly hosts: HostResult[] = [];
  /** The scan loop's summary of the block: targets done and open ports. */
  summary: RunSummary | undefined;

  async startRun(): Promise<number> {
    throw new Error('a worker probes blocks of a recorded run; it never starts one');
  }

  async recordHosts(_runId: number, batch: HostBatch): Promise<void> {
    this.hosts.push(...batch.hosts);
  }

  async recordHost(_runId: number, host: HostResult): Promise<void> {
    this.hosts.push(host);
  }

  async finishRun(_runId: number, summary: RunSummary): Promise<void> {
    this.summary = summary;
  }

  /** A block is probed from its first step: the loop starts fresh every time. */
  async loadCheckpoint(): Promise<ScanCheckpoint | undefined> {
    return undefined;
  }

  async reopenRun(): Promise<void> {}

  async isHostDone(): Promise<boolean> {
    return false;
  }

  async setHostGeo(): Promise<void> {
    throw new Error('a worker stores geo with each host');
  }

  async close(): Promise<void> {}

  get services(): number {
    return this.hosts.reduce((n, h) => n + h.services.length, 0);
  }
}
