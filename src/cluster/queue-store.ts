/**
 * What the cluster needs of a store: a scan store whose database also holds
 * the work queue (PostgreSQL), queries for claims and leases, and a
 * transaction in which a block's hosts and its done mark are written together.
 */
import type { Queryable } from '../store/postgres/queue.ts';
import type { HostBatch, ScanStore, StoreReader } from '../store/index.ts';

/** A transaction's connection, with the store's batch write on it. */
export interface QueueTx extends Queryable {
  recordHosts(runId: number, batch: HostBatch): Promise<void>;
}

/** `runs` to plan and show them; `honeypotTallies` for what `exposure status` says of a finished run's honeypots. */
export interface QueueStore extends ScanStore, Pick<StoreReader, 'runs' | 'honeypotTallies'> {
  /** Claims, leases and status: short statements outside any block's transaction. */
  readonly queue: Queryable;
  /** Commits when `fn` resolves, rolls back when it throws. */
  inTransaction<T>(fn: (tx: QueueTx) => Promise<T>): Promise<T>;
}
