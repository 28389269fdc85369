/**
 * Opening the store a distributed run lives in: PostgreSQL only (the queue
 * is tables of it), as the cluster's QueueStore. Claims, renewals and status
 * queries each run in a short transaction of their own; a block's write is
 * one transaction with its lock and done mark.
 */
import { isPostgresUrl, openPostgresStore, storeLabel } from '../store/index.ts';
import { ClusterError } from './errors.ts';
import type { QueueStore } from './queue-store.ts';

export interface OpenedQueue {
  readonly queueStore: QueueStore;
  /** The store as it may be shown (no password). */
  readonly where: string;
  close(): Promise<void>;
}

export async function openQueueStore(db: string, applicationName: string): Promise<OpenedQueue> {
  if (!isPostgresUrl(db)) {
    throw new ClusterError('NEEDS_POSTGRES', `${storeLabel(db)} is not a PostgreSQL database: distributed runs, workers and their status live in PostgreSQL (--db postgres://USER@HOST:PORT/DB)`);
  }
  const store = openPostgresStore(db, { applicationName });
  return { queueStore: store, where: storeLabel(db), close: () => store.close() };
}
