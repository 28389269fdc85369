/**
 * Finished hosts on their way to the store, written in batches.
 *
 * A transaction costs more than the rows of one host, so hosts are queued and
 * written many at a time: a batch is taken when it holds `maxHosts` hosts or
 * `maxDelayMs` after its first host, and at the end of the run. Taking a batch
 * marks its steps finished in the checkpoint tracker and snapshots the
 * counters in the same synchronous stretch as the queue swap, and the batch is
 * written with that checkpoint in one transaction (StoreSink.recordHosts). So
 * the stored checkpoint never covers a host whose results are not stored:
 * after a kill, a queued host is simply probed again and stored once.
 *
 * Batches are written one after the other, in the order they were taken (a
 * later checkpoint must never be overwritten by an earlier one). When more
 * than `maxUnwritten` hosts wait for a slow store, `add` waits too: the pool
 * stops pulling targets and memory stays flat.
 */
import type { HostBatch, HostResult, ScanCounters, StoreSink } from '../store/index.ts';
import type { CheckpointTracker } from './checkpoint.ts';

export interface HostWriterOptions {
  readonly store: Pick<StoreSink, 'recordHosts'>;
  readonly runId: number;
  readonly tracker: CheckpointTracker;
  /** The run's counters: counted when a host is added, saved with each batch. */
  readonly counters: ScanCounters;
  /** Add services to hosts already recorded (result files may name one address on several lines). */
  readonly merge: boolean;
  /** Hosts per transaction. */
  readonly maxHosts?: number;
  /** How long the first host of a batch waits for others before the batch is written. */
  readonly maxDelayMs?: number;
  /** Hosts queued or being written beyond which `add` waits for the store. */
  readonly maxUnwritten?: number;
}

/** A host the probes are done with: its step, what it holds, and how many ports were open. */
export interface FinishedHost {
  readonly step: number;
  readonly result: HostResult;
  readonly openPorts: number;
}

const HOST_BATCH = { maxHosts: 256, maxDelayMs: 200, maxUnwritten: 1024 } as const;

export class HostWriter {
  private queue: FinishedHost[] = [];
  private unwritten = 0;
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failure: { error: unknown } | undefined;
  private closed = false;
  private readonly maxHosts: number;
  private readonly maxDelayMs: number;
  private readonly maxUnwritten: number;

  constructor(private readonly options: HostWriterOptions) {
    this.maxHosts = options.maxHosts ?? HOST_BATCH.maxHosts;
    this.maxDelayMs = options.maxDelayMs ?? HOST_BATCH.maxDelayMs;
    this.maxUnwritten = Math.max(options.maxUnwritten ?? HOST_BATCH.maxUnwritten, this.maxHosts);
  }

  /** Counts the host and queues it; waits only while too many hosts wait for the store. Rejects once a write failed. */
  async add(host: FinishedHost): Promise<void> {
    this.throwIfFailed();
    // A host added after the last batch would never be written: a bug in the caller, not a scan outcome.
    if (this.closed) throw new Error('the host writer is closed');
    const c = this.options.counters;
    c.hostsDone += 1;
    c.openPorts += host.openPorts;
    if (host.openPorts === 0) c.unreachable += 1;
    c.services += host.result.services.length;
    for (const s of host.result.services) c.findings += s.findings.length;
    this.queue.push(host);
    this.unwritten += 1;
    if (this.queue.length >= this.maxHosts) this.takeBatch();
    // Unref'd: nothing waits on the timer itself (close takes the last batch at once), so it must not keep a process alive.
    else this.timer ??= setTimeout(() => this.takeBatch(), this.maxDelayMs).unref();
    if (this.unwritten >= this.maxUnwritten) {
      await this.writing;
      this.throwIfFailed();
    }
  }

  /** Writes what is queued and waits for every batch taken so far; rejects if any write failed. */
  async flush(): Promise<void> {
    if (this.queue.length > 0) this.takeBatch();
    await this.writing;
    this.throwIfFailed();
  }

  /** The last batch: flushes, then refuses more hosts. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private takeBatch(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0 || this.failure) return;
    const hosts = this.queue;
    this.queue = [];
    for (const h of hosts) this.options.tracker.finish(h.step);
    // Hosts are counted when added and every added host is in this batch or an earlier one,
    // so the counters snapshot here match the stored results exactly.
    const checkpoint = this.options.tracker.delta();
    const results = hosts.filter((h) => h.result.services.length > 0).map((h) => h.result);
    const batch: HostBatch = { hosts: results, merge: this.options.merge, checkpoint };
    this.writing = this.writing.then(() => this.write(batch, hosts.length));
  }

  private async write(batch: HostBatch, size: number): Promise<void> {
    try {
      // After a failed batch no later one is written: its checkpoint would cover the failed hosts.
      if (!this.failure) await this.options.store.recordHosts(this.options.runId, batch);
    } catch (error) {
      // Kept, not thrown here: a timer may have taken this batch and nobody awaits it.
      // The next add, flush or close rejects with it.
      this.failure = { error };
    } finally {
      this.unwritten -= size;
    }
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
