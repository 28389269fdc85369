/** Why shards cannot be merged, with a stable code: one line a user can act on, exit status 2. */
export type MergeErrorCode =
  /** A file holds no run. */
  | 'NO_RUN'
  /** Two shards were not cut from one run: their recorded parameters differ. */
  | 'DIFFERENT_RUNS'
  /** Two shards claim the same index of the order. */
  | 'SAME_SHARD'
  /** The target store is one of the shards. */
  | 'INTO_IS_A_SHARD';

export class MergeError extends Error {
  override readonly name = 'MergeError';
  constructor(
    readonly code: MergeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Why a run cannot be distributed or worked on: one line, exit status 2. */
export type ClusterErrorCode =
  /** --distribute with a result file, a shard or no targets. */
  | 'NOT_DISTRIBUTABLE'
  /** The store is not PostgreSQL: the queue lives in PostgreSQL only. */
  | 'NEEDS_POSTGRES'
  /** A run asked for is not a distributed one, or does not exist. */
  | 'NOT_A_DISTRIBUTED_RUN';

export class ClusterError extends Error {
  override readonly name = 'ClusterError';
  constructor(
    readonly code: ClusterErrorCode,
    message: string,
  ) {
    super(message);
  }
}
