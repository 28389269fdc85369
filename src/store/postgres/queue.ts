/**
 * The work queue of a distributed run (docs/decisions/0053-work-queue.md):
 * blocks of the run's permutation steps in a table, claimed with
 * `FOR UPDATE SKIP LOCKED` under a lease. A claim carries a fencing token (the
 * block's claim count at the time): a block's results and its done mark are
 * written in one transaction that first locks the block row and checks the
 * token, so a worker whose lease expired and was taken over stores nothing.
 */
import type pg from 'pg';

/** A block a worker holds: permutation steps [firstStep, endStep) of a run. */
export interface BlockClaim {
  readonly runId: number;
  readonly block: number;
  readonly firstStep: number;
  readonly endStep: number;
  /** The fencing token: the block's claim count when this claim was made. */
  readonly token: number;
  readonly worker: string;
}

export interface BlockCounts {
  readonly hosts: number;
  readonly services: number;
}

export interface WorkerStatus {
  readonly worker: string;
  readonly blocksDone: number;
  readonly hostsDone: number;
  readonly claimed: number;
  /** Hosts per second over this worker's done blocks (first claim to last done); undefined before its first block. */
  readonly hostsPerSecond: number | undefined;
  readonly lastDoneAt: string | undefined;
}

export interface QueueStatus {
  readonly runId: number;
  readonly blocks: number;
  readonly done: number;
  /** Claimed under a live lease. */
  readonly claimed: number;
  /** Claimed, lease expired: the next claim takes them over. */
  readonly expired: number;
  readonly ready: number;
  readonly steps: number;
  readonly stepsDone: number;
  readonly workers: readonly WorkerStatus[];
  /** Seconds left at the rate of the last minutes' done blocks; undefined when nothing is done yet or all is. */
  readonly etaSeconds: number | undefined;
}

/** The queue's tables: part of the PostgreSQL schema (postgres/schema.ts). */
export const QUEUE_DDL = `
  CREATE TABLE work_blocks (
    run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    block INTEGER NOT NULL,
    first_step BIGINT NOT NULL,
    end_step BIGINT NOT NULL CHECK (end_step > first_step),
    state TEXT NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'claimed', 'done')),
    worker TEXT,
    claims INTEGER NOT NULL DEFAULT 0,
    lease_until TIMESTAMPTZ,
    claimed_at TIMESTAMPTZ,
    done_at TIMESTAMPTZ,
    hosts INTEGER,
    services INTEGER,
    PRIMARY KEY (run_id, block)
  );
  CREATE INDEX work_blocks_open ON work_blocks (run_id, block) WHERE state <> 'done';
`;

type Db = Pick<pg.PoolClient, 'query'>;

/** Splits steps [0, totalSteps) into blocks of blockSize and enqueues them, in one statement. */
export async function enqueueBlocks(db: Db, runId: number, totalSteps: number, blockSize: number): Promise<number> {
  if (!Number.isSafeInteger(totalSteps) || totalSteps < 1) throw new RangeError('a distributed run needs at least one step');
  if (!Number.isSafeInteger(blockSize) || blockSize < 1) throw new RangeError('the block size must be a positive whole number');
  const blocks = Math.ceil(totalSteps / blockSize);
  await db.query(
    `INSERT INTO work_blocks (run_id, block, first_step, end_step)
     SELECT $1, b, b::bigint * $2, least((b::bigint + 1) * $2, $3::bigint)
     FROM generate_series(0, $4 - 1) AS b`,
    [runId, blockSize, totalSteps, blocks],
  );
  return blocks;
}

interface BlockRow {
  run_id: number;
  block: number;
  first_step: number;
  end_step: number;
  claims: number;
  worker: string;
}

const claimFrom = (r: BlockRow): BlockClaim => ({
  runId: r.run_id,
  block: r.block,
  firstStep: r.first_step,
  endStep: r.end_step,
  token: r.claims,
  worker: r.worker,
});

/**
 * Claims the lowest ready block (or one whose lease expired) of a running
 * run, `runId` or the oldest; undefined when there is none. Concurrent
 * claimers skip each other's locked rows instead of waiting.
 */
export async function claimBlock(db: Db, worker: string, leaseMs: number, runId?: number): Promise<BlockClaim | undefined> {
  const res = await db.query<BlockRow>(
    `UPDATE work_blocks w SET state = 'claimed', worker = $1, claims = w.claims + 1,
            lease_until = now() + make_interval(secs => $2::double precision / 1000), claimed_at = now()
     FROM (SELECT b.run_id, b.block FROM work_blocks b JOIN runs r ON r.id = b.run_id
           WHERE r.status = 'running' AND ($3::bigint IS NULL OR b.run_id = $3)
             AND (b.state = 'ready' OR (b.state = 'claimed' AND b.lease_until < now()))
           ORDER BY b.run_id, b.block
           LIMIT 1 FOR UPDATE OF b SKIP LOCKED) pick
     WHERE w.run_id = pick.run_id AND w.block = pick.block
     RETURNING w.run_id, w.block, w.first_step, w.end_step, w.claims, w.worker`,
    [worker, leaseMs, runId ?? null],
  );
  const row = res.rows[0];
  return row ? claimFrom(row) : undefined;
}

/** Extends the lease of a block still held under this claim; false when it was lost (expired and taken over, or done). */
export async function renewLease(db: Db, claim: BlockClaim, leaseMs: number): Promise<boolean> {
  const res = await db.query(
    `UPDATE work_blocks SET lease_until = now() + make_interval(secs => $4::double precision / 1000)
     WHERE run_id = $1 AND block = $2 AND claims = $3 AND state = 'claimed'`,
    [claim.runId, claim.block, claim.token, leaseMs],
  );
  return res.rowCount === 1;
}

/**
 * Inside the transaction that writes the block's results: locks the block
 * row and checks the claim still holds. False: another worker took the block
 * over (or finished it); the caller rolls back and stores nothing.
 */
export async function holdForCompletion(db: Db, claim: BlockClaim): Promise<boolean> {
  const res = await db.query(
    `SELECT 1 FROM work_blocks WHERE run_id = $1 AND block = $2 AND claims = $3 AND state = 'claimed' FOR UPDATE`,
    [claim.runId, claim.block, claim.token],
  );
  return res.rowCount === 1;
}

/** In the same transaction, after the results: the block is done. True when it was the run's last open block. */
export async function markBlockDone(db: Db, claim: BlockClaim, counts: BlockCounts): Promise<boolean> {
  await db.query(
    `UPDATE work_blocks SET state = 'done', done_at = now(), lease_until = NULL, hosts = $4, services = $5
     WHERE run_id = $1 AND block = $2 AND claims = $3`,
    [claim.runId, claim.block, claim.token, counts.hosts, counts.services],
  );
  const left = await db.query<{ n: number }>(`SELECT count(*) AS n FROM work_blocks WHERE run_id = $1 AND state <> 'done'`, [claim.runId]);
  return (left.rows[0]?.n ?? 0) === 0;
}

/** Gives a block back at once (a worker stopping cleanly), so no one waits for its lease to expire. */
export async function releaseBlock(db: Db, claim: BlockClaim): Promise<void> {
  await db.query(
    `UPDATE work_blocks SET state = 'ready', lease_until = NULL WHERE run_id = $1 AND block = $2 AND claims = $3 AND state = 'claimed'`,
    [claim.runId, claim.block, claim.token],
  );
}

/** Blocks done, claimed, expired and left, per worker figures and an ETA. */
export async function queueStatus(db: Db, runId: number): Promise<QueueStatus> {
  const totals = await db.query<{
    blocks: number;
    done: number;
    claimed: number;
    expired: number;
    steps: number | null;
    steps_done: number | null;
    recent_steps: number | null;
    recent_seconds: number | null;
  }>(
    `SELECT count(*) AS blocks,
            count(*) FILTER (WHERE state = 'done') AS done,
            count(*) FILTER (WHERE state = 'claimed' AND lease_until >= now()) AS claimed,
            count(*) FILTER (WHERE state = 'claimed' AND lease_until < now()) AS expired,
            sum(end_step - first_step) AS steps,
            sum(end_step - first_step) FILTER (WHERE state = 'done') AS steps_done,
            sum(end_step - first_step) FILTER (WHERE state = 'done' AND done_at > now() - interval '5 minutes') AS recent_steps,
            extract(epoch FROM now() - min(done_at) FILTER (WHERE done_at > now() - interval '5 minutes'))::double precision AS recent_seconds
     FROM work_blocks WHERE run_id = $1`,
    [runId],
  );
  const t = totals.rows[0]!;
  const perWorker = await db.query<{
    worker: string;
    blocks_done: number;
    hosts_done: number | null;
    claimed: number;
    seconds: number | null;
    last_done: Date | null;
  }>(
    `SELECT worker,
            count(*) FILTER (WHERE state = 'done') AS blocks_done,
            sum(end_step - first_step) FILTER (WHERE state = 'done') AS hosts_done,
            count(*) FILTER (WHERE state = 'claimed' AND lease_until >= now()) AS claimed,
            extract(epoch FROM max(done_at) - min(claimed_at) FILTER (WHERE state = 'done'))::double precision AS seconds,
            max(done_at) AS last_done
     FROM work_blocks WHERE run_id = $1 AND worker IS NOT NULL
     GROUP BY worker ORDER BY worker`,
    [runId],
  );
  const steps = t.steps ?? 0;
  const stepsDone = t.steps_done ?? 0;
  const rate = t.recent_steps && t.recent_seconds && t.recent_seconds > 0 ? t.recent_steps / t.recent_seconds : undefined;
  return {
    runId,
    blocks: t.blocks,
    done: t.done,
    claimed: t.claimed,
    expired: t.expired,
    ready: t.blocks - t.done - t.claimed - t.expired,
    steps,
    stepsDone,
    workers: perWorker.rows.map((w) => ({
      worker: w.worker,
      blocksDone: w.blocks_done,
      hostsDone: w.hosts_done ?? 0,
      claimed: w.claimed,
      hostsPerSecond: w.seconds && w.seconds > 0 && w.hosts_done ? w.hosts_done / w.seconds : undefined,
      lastDoneAt: w.last_done?.toISOString(),
    })),
    etaSeconds: rate && stepsDone < steps ? (steps - stepsDone) / rate : undefined,
  };
}
