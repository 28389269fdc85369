/**
 * The work queue of a distributed run (docs/decisions/0053-work-queue.md):
 * blocks of the run's permutation steps in a table, claimed with
 * `FOR UPDATE SKIP LOCKED` under a lease the worker renews. A claim carries a
 * fencing token (the block's attempt count when it was claimed): a block's
 * results and its done mark are written in one transaction that first locks
 * the block row and checks the token, so a worker whose lease ran out and
 * whose block was taken over stores nothing.
 */
import type pg from 'pg';

/** After this many claims a block is set aside as failed: a target that kills every worker must not loop for ever. */
export const MAX_ATTEMPTS = 5;

/** A block a worker holds: permutation steps [firstStep, endStep) of a run. */
export interface BlockClaim {
  readonly runId: number;
  readonly block: number;
  readonly firstStep: number;
  readonly endStep: number;
  /** The fencing token: the block's attempt count when this claim was made. */
  readonly token: number;
  readonly worker: string;
}

export interface BlockCounts {
  readonly hosts: number;
  readonly services: number;
  readonly openPorts: number;
}

export interface WorkerStatus {
  readonly worker: string;
  readonly blocksDone: number;
  readonly stepsDone: number;
  /** Blocks held under a live lease now. */
  readonly holding: number;
  /** Targets a second over its done blocks (first claim to last done); undefined before its first block. */
  readonly stepsPerSecond: number | undefined;
  readonly lastDoneAt: string | undefined;
}

export interface Refusal {
  readonly block: number;
  readonly worker: string;
  readonly reason: string;
}

export interface QueueStatus {
  readonly runId: number;
  readonly blocks: number;
  readonly done: number;
  /** Claimed under a live lease. */
  readonly claimed: number;
  /** Claimed, lease run out: the next claim takes them over. */
  readonly expired: number;
  readonly left: number;
  readonly failed: number;
  readonly steps: number;
  readonly stepsDone: number;
  readonly workers: readonly WorkerStatus[];
  readonly refusals: readonly Refusal[];
  /** Seconds left at the rate of the last five minutes' done blocks; undefined when nothing is done recently or all is. */
  readonly etaSeconds: number | undefined;
}

/** The queue's tables: part of the PostgreSQL schema. */
export const QUEUE_DDL = `
  CREATE TABLE blocks (
    run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    block_no INTEGER NOT NULL,
    first_step BIGINT NOT NULL,
    end_step BIGINT NOT NULL CHECK (end_step > first_step),
    state TEXT NOT NULL DEFAULT 'left' CHECK (state IN ('left', 'claimed', 'done', 'failed')),
    worker TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_until TIMESTAMPTZ,
    claimed_at TIMESTAMPTZ,
    done_at TIMESTAMPTZ,
    hosts INTEGER,
    services INTEGER,
    open_ports INTEGER,
    PRIMARY KEY (run_id, block_no)
  );
  CREATE INDEX blocks_open ON blocks (run_id, block_no) WHERE state IN ('left', 'claimed');
  CREATE TABLE block_refusals (
    run_id BIGINT NOT NULL,
    block_no INTEGER NOT NULL,
    worker TEXT NOT NULL,
    reason TEXT NOT NULL,
    refused_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, block_no, worker),
    FOREIGN KEY (run_id, block_no) REFERENCES blocks (run_id, block_no) ON DELETE CASCADE
  );
`;

/** A connection, a pool or a transaction's client: anything that runs a query with parameters. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** Splits steps [0, totalSteps) into blocks of blockSize and enqueues them, in one statement. */
export async function enqueueBlocks(db: Queryable, runId: number, totalSteps: number, blockSize: number): Promise<number> {
  if (!Number.isSafeInteger(totalSteps) || totalSteps < 1) throw new RangeError('a distributed run needs at least one target');
  if (!Number.isSafeInteger(blockSize) || blockSize < 1) throw new RangeError('the block size must be a positive whole number');
  const blocks = Math.ceil(totalSteps / blockSize);
  await db.query(
    `INSERT INTO blocks (run_id, block_no, first_step, end_step)
     SELECT $1, b, b::bigint * $2, least((b::bigint + 1) * $2, $3::bigint)
     FROM generate_series(0, $4::integer - 1) AS b`,
    [runId, blockSize, totalSteps, blocks],
  );
  return blocks;
}

interface BlockRow {
  run_id: number;
  block_no: number;
  first_step: number;
  end_step: number;
  attempts: number;
  worker: string;
}

/**
 * Claims the lowest open block (never claimed, or its lease run out) of a
 * running run — `runId`, or the oldest — that this worker has not refused;
 * undefined when there is none. Concurrent claimers skip each other's locked
 * rows instead of waiting. A block claimed MAX_ATTEMPTS times is set aside as
 * failed instead of being handed out again.
 */
export async function claimBlock(db: Queryable, worker: string, leaseMs: number, runId?: number): Promise<BlockClaim | undefined> {
  await db.query(
    `UPDATE blocks SET state = 'failed', lease_until = NULL
     WHERE state = 'claimed' AND lease_until < now() AND attempts >= $1 AND ($2::bigint IS NULL OR run_id = $2)`,
    [MAX_ATTEMPTS, runId ?? null],
  );
  const res = await db.query<BlockRow>(
    `UPDATE blocks b SET state = 'claimed', worker = $1, attempts = b.attempts + 1,
            lease_until = now() + make_interval(secs => $2::double precision / 1000), claimed_at = now()
     FROM (SELECT o.run_id, o.block_no FROM blocks o JOIN runs r ON r.id = o.run_id
           WHERE r.status = 'running' AND ($3::bigint IS NULL OR o.run_id = $3)
             AND (o.state = 'left' OR (o.state = 'claimed' AND o.lease_until < now()))
             AND NOT EXISTS (SELECT 1 FROM block_refusals x
                             WHERE x.run_id = o.run_id AND x.block_no = o.block_no AND x.worker = $1)
           ORDER BY o.run_id, o.block_no
           LIMIT 1 FOR UPDATE OF o SKIP LOCKED) next
     WHERE b.run_id = next.run_id AND b.block_no = next.block_no
     RETURNING b.run_id, b.block_no, b.first_step, b.end_step, b.attempts, b.worker`,
    [worker, leaseMs, runId ?? null],
  );
  const r = res.rows[0];
  return r && { runId: r.run_id, block: r.block_no, firstStep: r.first_step, endStep: r.end_step, token: r.attempts, worker: r.worker };
}

/** Extends the lease of a block still held under this claim; false when it was lost (run out and taken over, or done). */
export async function renewLease(db: Queryable, claim: BlockClaim, leaseMs: number): Promise<boolean> {
  const res = await db.query(
    `UPDATE blocks SET lease_until = now() + make_interval(secs => $4::double precision / 1000)
     WHERE run_id = $1 AND block_no = $2 AND attempts = $3 AND state = 'claimed'`,
    [claim.runId, claim.block, claim.token, leaseMs],
  );
  return res.rowCount === 1;
}

/**
 * Inside the transaction that writes the block's results, first: locks the
 * block row and checks the claim still holds. False: another worker took the
 * block over (or finished it); the caller rolls back and stores nothing.
 */
export async function holdForCompletion(db: Queryable, claim: BlockClaim): Promise<boolean> {
  const res = await db.query(`SELECT 1 FROM blocks WHERE run_id = $1 AND block_no = $2 AND attempts = $3 AND state = 'claimed' FOR UPDATE`, [
    claim.runId,
    claim.block,
    claim.token,
  ]);
  return res.rowCount === 1;
}

/**
 * In the same transaction, after the results: the block is done. Locks the
 * run row, so of two workers finishing the last two blocks exactly one sees
 * none left: true for that one, which then completes the run.
 */
export async function markBlockDone(db: Queryable, claim: BlockClaim, counts: BlockCounts): Promise<boolean> {
  await db.query(
    `UPDATE blocks SET state = 'done', done_at = now(), lease_until = NULL, hosts = $4, services = $5, open_ports = $6
     WHERE run_id = $1 AND block_no = $2 AND attempts = $3`,
    [claim.runId, claim.block, claim.token, counts.hosts, counts.services, counts.openPorts],
  );
  // NO KEY UPDATE, not UPDATE: the hosts just written hold KEY SHARE on the run row (their
  // foreign key), which UPDATE would wait on in two transactions at once: a deadlock.
  await db.query('SELECT 1 FROM runs WHERE id = $1 FOR NO KEY UPDATE', [claim.runId]);
  const left = await db.query<{ n: number }>(`SELECT count(*) AS n FROM blocks WHERE run_id = $1 AND state <> 'done'`, [claim.runId]);
  return (left.rows[0]?.n ?? 0) === 0;
}

/** What the blocks of a run add up to: the run's summary when its last block is done. */
export async function blockTotals(db: Queryable, runId: number): Promise<{ steps: number; hosts: number; openPorts: number }> {
  const res = await db.query<{ steps: number | null; hosts: number | null; open_ports: number | null }>(
    `SELECT sum(end_step - first_step) AS steps, sum(hosts) AS hosts, sum(open_ports) AS open_ports FROM blocks WHERE run_id = $1`,
    [runId],
  );
  const r = res.rows[0];
  return { steps: r?.steps ?? 0, hosts: r?.hosts ?? 0, openPorts: r?.open_ports ?? 0 };
}

/** Gives a block back at once (a worker stopping cleanly), so no one waits for its lease to run out. */
export async function releaseBlock(db: Queryable, claim: BlockClaim): Promise<void> {
  await db.query(`UPDATE blocks SET state = 'left', lease_until = NULL WHERE run_id = $1 AND block_no = $2 AND attempts = $3 AND state = 'claimed'`, [
    claim.runId,
    claim.block,
    claim.token,
  ]);
}

/**
 * This worker will not probe this block (an address outside its own
 * allow-list or the run's scope): recorded with the reason, the claim given
 * back, and never claimed again by this worker; another may take it.
 */
export async function refuseBlock(db: Queryable, claim: BlockClaim, reason: string): Promise<void> {
  await db.query(
    `INSERT INTO block_refusals (run_id, block_no, worker, reason) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [claim.runId, claim.block, claim.worker, reason.slice(0, 500)],
  );
  await releaseBlock(db, claim);
}

/** Workers that held a lease of the run within the last lease period: the run's rate is shared among them. */
export async function liveWorkers(db: Queryable, runId: number): Promise<number> {
  const res = await db.query<{ n: number }>(
    `SELECT count(DISTINCT worker) AS n FROM blocks WHERE run_id = $1 AND state = 'claimed' AND lease_until >= now()`,
    [runId],
  );
  return res.rows[0]?.n ?? 0;
}

/** The runs that have blocks in the queue (distributed runs), in one query. */
export async function distributedRuns(db: Queryable): Promise<Set<number>> {
  const res = await db.query<{ run_id: number }>('SELECT DISTINCT run_id FROM blocks');
  return new Set(res.rows.map((r) => r.run_id));
}

/** Blocks done, claimed, run out, left and failed; per worker figures; refusals; an ETA. */
export async function queueStatus(db: Queryable, runId: number): Promise<QueueStatus> {
  const totals = await db.query<{
    blocks: number;
    done: number;
    claimed: number;
    expired: number;
    failed: number;
    steps: number | null;
    steps_done: number | null;
    recent_steps: number | null;
    recent_seconds: number | null;
  }>(
    `SELECT count(*) AS blocks,
            count(*) FILTER (WHERE state = 'done') AS done,
            count(*) FILTER (WHERE state = 'claimed' AND lease_until >= now()) AS claimed,
            count(*) FILTER (WHERE state = 'claimed' AND lease_until < now()) AS expired,
            count(*) FILTER (WHERE state = 'failed') AS failed,
            sum(end_step - first_step) AS steps,
            sum(end_step - first_step) FILTER (WHERE state = 'done') AS steps_done,
            sum(end_step - first_step) FILTER (WHERE state = 'done' AND done_at > now() - interval '5 minutes') AS recent_steps,
            extract(epoch FROM now() - min(claimed_at) FILTER (WHERE state = 'done' AND done_at > now() - interval '5 minutes'))::double precision AS recent_seconds
     FROM blocks WHERE run_id = $1`,
    [runId],
  );
  const t = totals.rows[0]!;
  const perWorker = await db.query<{
    worker: string;
    blocks_done: number;
    steps_done: number | null;
    holding: number;
    seconds: number | null;
    last_done: Date | null;
  }>(
    `SELECT worker,
            count(*) FILTER (WHERE state = 'done') AS blocks_done,
            sum(end_step - first_step) FILTER (WHERE state = 'done') AS steps_done,
            count(*) FILTER (WHERE state = 'claimed' AND lease_until >= now()) AS holding,
            extract(epoch FROM max(done_at) - min(claimed_at) FILTER (WHERE state = 'done'))::double precision AS seconds,
            max(done_at) AS last_done
     FROM blocks WHERE run_id = $1 AND worker IS NOT NULL
     GROUP BY worker ORDER BY worker`,
    [runId],
  );
  const refusals = await db.query<{ block_no: number; worker: string; reason: string }>(
    'SELECT block_no, worker, reason FROM block_refusals WHERE run_id = $1 ORDER BY block_no, worker LIMIT 100',
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
    failed: t.failed,
    left: t.blocks - t.done - t.claimed - t.expired - t.failed,
    steps,
    stepsDone,
    workers: perWorker.rows.map((w) => ({
      worker: w.worker,
      blocksDone: w.blocks_done,
      stepsDone: w.steps_done ?? 0,
      holding: w.holding,
      stepsPerSecond: w.seconds && w.seconds > 0 && w.steps_done ? w.steps_done / w.seconds : undefined,
      lastDoneAt: w.last_done?.toISOString(),
    })),
    refusals: refusals.rows.map((r) => ({ block: r.block_no, worker: r.worker, reason: r.reason })),
    etaSeconds: rate && stepsDone < steps ? (steps - stepsDone) / rate : undefined,
  };
}

/** In the transaction of the run's last block: the run is completed, with the summary its blocks add up to. */
export async function completeRun(db: Queryable, runId: number, summary: { targetsTotal: number; hostsDone: number; openPorts: number; excluded: number }): Promise<void> {
  await db.query(
    `UPDATE runs SET status = 'completed', finished_at = $2, targets_total = $3, hosts_done = $4, open_ports = $5, excluded = $6 WHERE id = $1`,
    [runId, new Date().toISOString(), summary.targetsTotal, summary.hostsDone, summary.openPorts, summary.excluded],
  );
}

/** True while a running run (`runId`, or any) has blocks claimed: a worker with nothing to claim waits for them, as they may be given back. */
export async function blocksHeld(db: Queryable, runId?: number): Promise<boolean> {
  const res = await db.query(
    `SELECT 1 FROM blocks b JOIN runs r ON r.id = b.run_id
     WHERE r.status = 'running' AND b.state = 'claimed' AND ($1::bigint IS NULL OR b.run_id = $1) LIMIT 1`,
    [runId ?? null],
  );
  return res.rowCount === 1;
}
