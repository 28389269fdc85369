/**
 * `exposure worker`: claims blocks of distributed runs from the queue, probes
 * each under the run's recorded parameters and this worker's own limits, and
 * writes its hosts with the block's done mark in one transaction
 * (docs/decisions/0053-work-queue.md).
 *
 * The scope guard is the worker's: before a block's first packet, every
 * target of the block is checked against the run's plan and the worker's own
 * allow-list (loopback and private space need none, as for `scan`), and the
 * files the run names must be the same on this machine. A block that fails
 * is refused (recorded, given back, never claimed again by this worker).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isAuthorisedAddress } from '../scope/guard.ts';
import type { ExclusionList } from '../scope/exclusions.ts';
import { planScan, type ScanPlan } from '../scan/plan.ts';
import { probingUnder } from '../scan/probing.ts';
import { parametersOfRun, type RunParameters } from '../scan/run-parameters.ts';
import { runScan } from '../scan/run-scan.ts';
import type { StoredHostGeo } from '../store/index.ts';
import {
  blocksHeld,
  blockTotals,
  claimBlock,
  completeRun,
  holdForCompletion,
  liveWorkers,
  markBlockDone,
  refuseBlock,
  releaseBlock,
  renewLease,
  type BlockClaim,
} from '../store/postgres/queue.ts';
import { BlockBuffer } from './block-buffer.ts';
import { blockSource, blockTargets } from './block-source.ts';
import { DISTRIBUTED_KEY, type Distribution } from './distribute.ts';
import type { QueueStore } from './queue-store.ts';
import { fileMismatch } from './run-files.ts';

export interface WorkerOptions {
  readonly store: QueueStore;
  /** How the store is named to the user (a URL without its password). */
  readonly where: string;
  /** This worker's name in the queue (host and process by default). */
  readonly name: string;
  readonly leaseMs: number;
  /** Work on this run only; otherwise the oldest running distributed run with blocks left. */
  readonly runId?: number;
  /** The ranges this worker may scan outside loopback and private space (its own --allow-list). */
  readonly allowList: ExclusionList;
  /** New connections a second at most on this machine (0: no cap of its own); the run's rate is shared among live workers. */
  readonly rate: number;
  /** Stop after this many blocks (tests, a worker given a share). */
  readonly maxBlocks?: number;
  /** When no block can be claimed but others are still held: wait this long and try again, until the run ends. */
  readonly pollMs: number;
  readonly signal: AbortSignal;
  readonly geo?: (ip: string) => StoredHostGeo | undefined;
  /**
   * What runs once on a run this worker completed, after its last block's commit: the run-end
   * honeypot pass (cli/honeypots.ts), as `scan` runs it; resolves to how many likely honeypots.
   * Idempotent, so a run it failed on is assessed later by `exposure report`.
   */
  readonly runCompleted?: (runId: number) => Promise<number>;
  readonly onEvent?: (event: WorkerEvent) => void;
}

export type WorkerEvent =
  | { kind: 'claimed'; claim: BlockClaim }
  | { kind: 'done'; claim: BlockClaim; hosts: number; services: number; runCompleted: boolean }
  | { kind: 'lost'; claim: BlockClaim }
  | { kind: 'refused'; claim: BlockClaim; reason: string }
  | { kind: 'released'; claim: BlockClaim }
  | { kind: 'assessed'; claim: BlockClaim; likelyHoneypots: number }
  | { kind: 'assess-failed'; claim: BlockClaim; reason: string };

export interface WorkerOutcome {
  readonly blocksDone: number;
  readonly blocksLost: number;
  readonly blocksRefused: number;
  readonly hosts: number;
  readonly services: number;
  readonly interrupted: boolean;
  /** Seconds the worker waited on the queue and the store (claims, and a block's write not yet done when the next was probed), and in all. */
  readonly storeSeconds: number;
  readonly seconds: number;
}

/** A run this machine works on: its parameters, distribution and plan. */
export interface UsableWork {
  readonly kind: 'usable';
  readonly params: RunParameters;
  readonly distribution: Distribution;
  readonly plan: ScanPlan;
}

/** What a worker keeps of a run between blocks: what it works on it with, or why this machine cannot (its files differ: every block is refused). */
export type RunWork = UsableWork | { readonly kind: 'unusable'; readonly why: string };

class LeaseLost extends Error {}

export async function runWorker(o: WorkerOptions): Promise<WorkerOutcome> {
  const runs = new Map<number, RunWork>();
  const outcome = { blocksDone: 0, blocksLost: 0, blocksRefused: 0, hosts: 0, services: 0, interrupted: false, storeSeconds: 0, seconds: 0 };
  const t0 = performance.now();
  const timed = async <T>(fn: () => Promise<T>): Promise<T> => {
    const s0 = performance.now();
    try {
      return await fn();
    } finally {
      outcome.storeSeconds += (performance.now() - s0) / 1000;
    }
  };
  // One block's write in flight while the next is claimed and probed: the write's
  // transaction (results, done mark) overlaps the probing instead of idling the worker.
  let writing: Promise<void> = Promise.resolve();
  // A failed write is kept here and thrown at the next wait for it (a rejection nobody awaits yet would end the process).
  let failure: { error: unknown } | undefined;
  const written = (): Promise<void> =>
    timed(async () => {
      await writing;
      if (failure) throw failure.error;
    });
  let started = 0;
  const record = (claim: BlockClaim, done: Completed): void => {
    if (done === 'lost') {
      outcome.blocksLost++;
      o.onEvent?.({ kind: 'lost', claim });
      return;
    }
    outcome.blocksDone++;
    outcome.hosts += done.hosts;
    outcome.services += done.services;
    o.onEvent?.({ kind: 'done', claim, hosts: done.hosts, services: done.services, runCompleted: done.runCompleted });
  };
  const refuse = async (claim: BlockClaim, reason: string): Promise<void> => {
    await refuseBlock(o.store.queue, claim, reason);
    outcome.blocksRefused++;
    o.onEvent?.({ kind: 'refused', claim, reason });
  };
  while (!o.signal.aborted && (o.maxBlocks === undefined || started < o.maxBlocks)) {
    const claim = await timed(() => claimBlock(o.store.queue, o.name, o.leaseMs, o.runId));
    if (!claim) {
      // The block being written may be the run's last: only then is there nothing to wait for.
      await written();
      if (!(await blocksHeld(o.store.queue, o.runId))) break;
      // Node's own timer ends early (rejecting) on the stop signal: the loop then sees it aborted.
      await sleep(o.pollMs, undefined, { signal: o.signal }).catch(() => undefined);
      continue;
    }
    o.onEvent?.({ kind: 'claimed', claim });
    let work = runs.get(claim.runId);
    if (!work) {
      work = await loadRun(o, claim.runId);
      runs.set(claim.runId, work);
    }
    if (work.kind === 'unusable') {
      await refuse(claim, work.why);
      continue;
    }
    const refusal = await scopeRefusal(work, claim, o.allowList);
    if (refusal !== undefined) {
      await refuse(claim, refusal);
      continue;
    }
    started++;
    const probed = await probeBlock(o, work, claim);
    if (probed === 'interrupted') {
      await releaseBlock(o.store.queue, claim);
      await written();
      outcome.interrupted = true;
      o.onEvent?.({ kind: 'released', claim });
      break;
    }
    if (probed === 'lost') {
      record(claim, 'lost');
      continue;
    }
    // The previous write first (a failure of it is thrown here), so at most one is in flight.
    await written();
    writing = completeBlock(o, work, probed).then(
      (done) => record(claim, done),
      (error: unknown) => {
        failure ??= { error };
      },
    );
  }
  await written();
  if (o.signal.aborted) outcome.interrupted = true;
  outcome.seconds = (performance.now() - t0) / 1000;
  return outcome;
}

async function loadRun(o: WorkerOptions, runId: number): Promise<RunWork> {
  const run = await o.store.run(runId);
  if (!run) throw new Error(`run ${runId} of ${o.where} disappeared while its block was claimed`);
  const params = parametersOfRun(run, o.where, 'worked on');
  const distribution = run.meta.options[DISTRIBUTED_KEY] as Distribution | undefined;
  if (!distribution || typeof distribution !== 'object' || typeof distribution.files !== 'object') {
    throw new Error(`run ${runId} of ${o.where} has blocks in the queue but was not recorded as distributed`);
  }
  const why = fileMismatch(distribution.files);
  if (why !== undefined) return { kind: 'unusable', why };
  // The plan reads the run's own files: only once they are known to be the run's.
  return { kind: 'usable', params, distribution, plan: await planScan(params) };
}

/** Why this worker must not probe the block: a step beyond the run's order, or a target outside its own allow-list. */
export async function scopeRefusal(work: UsableWork, claim: BlockClaim, allowList: ExclusionList): Promise<string | undefined> {
  if (claim.firstStep < 0 || claim.endStep > work.distribution.steps || claim.endStep <= claim.firstStep) {
    return `block ${claim.block} names steps ${claim.firstStep}–${claim.endStep}, outside the run's order of ${work.distribution.steps} steps`;
  }
  for await (const item of blockTargets(work.plan.source, claim.firstStep, claim.endStep)) {
    // The plan's own scope (the run's targets minus its exclusions), then this worker's allow-list.
    if (!work.plan.scope.check(item.ip).allowed) return `${item.ip} (step ${item.step}) is outside the run's scope`;
    if (!isAuthorisedAddress(item.ip, allowList)) return `${item.ip} (step ${item.step}) is outside this worker's allow-list`;
  }
  return undefined;
}

/** The run's rate shared among the workers holding its blocks, capped by this worker's own. */
async function rateShare(o: WorkerOptions, params: RunParameters, runId: number): Promise<number> {
  const live = Math.max(1, await liveWorkers(o.store.queue, runId));
  const share = params.pace.rate === 0 ? 0 : Math.max(1, Math.floor(params.pace.rate / live));
  if (o.rate === 0) return share;
  return share === 0 ? o.rate : Math.min(share, o.rate);
}

/** A block probed and not yet written: its hosts, its counts, and its lease still renewed. */
interface Probed {
  readonly claim: BlockClaim;
  readonly buffer: BlockBuffer;
  readonly counts: { hosts: number; services: number; openPorts: number };
  readonly lease: Lease;
}

type Completed = 'lost' | { hosts: number; services: number; runCompleted: boolean };

/** A claim's lease, renewed every third of it until stopped; `lost` fires when a renewal finds the block taken over. */
class Lease {
  readonly lost = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(o: WorkerOptions, claim: BlockClaim) {
    // One renewal at a time: on a slow database they would otherwise pile up on the pool's connections.
    let renewing = false;
    this.timer = setInterval(() => {
      if (renewing) return;
      renewing = true;
      renewLease(o.store.queue, claim, o.leaseMs)
        .then(
          (held) => {
            if (!held) this.lost.abort();
          },
          () => undefined,
        )
        .finally(() => {
          renewing = false;
        });
    }, Math.max(50, Math.floor(o.leaseMs / 3)));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

async function probeBlock(o: WorkerOptions, work: UsableWork, claim: BlockClaim): Promise<'interrupted' | 'lost' | Probed> {
  const lease = new Lease(o, claim);
  const signal = AbortSignal.any([o.signal, lease.lost.signal]);
  const buffer = new BlockBuffer();
  let handedOn = false;
  try {
    const params: RunParameters = { ...work.params, pace: { ...work.params.pace, rate: await rateShare(o, work.params, claim.runId) } };
    const outcome = await runScan({
      ...probingUnder(params, work.plan.scope),
      source: blockSource(work.plan.source, claim.firstStep, claim.endStep),
      store: buffer,
      run: { kind: 'resume', runId: claim.runId },
      excluded: 0,
      signal,
      ...(o.geo ? { geo: o.geo } : {}),
    });
    if (lease.lost.signal.aborted) return 'lost';
    if (outcome.interrupted) return 'interrupted';
    handedOn = true;
    const counts = { hosts: buffer.summary?.hostsDone ?? 0, services: buffer.services, openPorts: buffer.summary?.openPorts ?? 0 };
    return { claim, buffer, counts, lease };
  } finally {
    // A probed block keeps its lease until written (completeBlock stops it).
    if (!handedOn) lease.stop();
  }
}

/** The block's hosts and its done mark in one transaction, under its claim; 'lost' when another worker has it now. */
async function completeBlock(o: WorkerOptions, work: UsableWork, p: Probed): Promise<Completed> {
  const { claim, buffer, counts } = p;
  try {
    const runCompleted = await o.store.inTransaction(async (tx) => {
      if (!(await holdForCompletion(tx, claim))) throw new LeaseLost();
      if (buffer.hosts.length > 0) await tx.recordHosts(claim.runId, { hosts: buffer.hosts });
      const last = await markBlockDone(tx, claim, counts);
      if (last) {
        const totals = await blockTotals(tx, claim.runId);
        await completeRun(tx, claim.runId, { targetsTotal: work.plan.source.total ?? totals.hosts, hostsDone: totals.hosts, openPorts: totals.openPorts, excluded: work.plan.excluded });
      }
      return last;
    });
    p.lease.stop();
    if (runCompleted) await assessCompleted(o, claim);
    return { ...counts, runCompleted };
  } catch (err) {
    if (err instanceof LeaseLost) return 'lost';
    throw err;
  } finally {
    p.lease.stop();
  }
}

/** The run-end pass on the run this worker just completed: its failure is said, not thrown, the run's hosts being stored. */
async function assessCompleted(o: WorkerOptions, claim: BlockClaim): Promise<void> {
  if (!o.runCompleted) return;
  try {
    o.onEvent?.({ kind: 'assessed', claim, likelyHoneypots: await o.runCompleted(claim.runId) });
  } catch (err) {
    o.onEvent?.({ kind: 'assess-failed', claim, reason: err instanceof Error ? err.message : String(err) });
  }
}
