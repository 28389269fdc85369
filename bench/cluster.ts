/**
 * Scale-out figures (`make bench`, piece `cluster`): one real PostgreSQL
 * (src/lab/postgres.ts) on NET.251.1, a simulated fleet of echo-only SCPs, and
 * `exposure scan --distribute` worked by 1, 2 and 4 `exposure worker`
 * processes on this machine; then the queue's own cost with empty blocks.
 * Printed, never asserted. A worker's final line says how much of its time
 * went to the queue and the store.
 */
import { startPostgres } from '../src/lab/postgres.ts';
import { freePort } from '../src/lab/ports.ts';
import { openQueueStore } from '../src/cluster/open.ts';
import { claimBlock, enqueueBlocks, holdForCompletion, markBlockDone } from '../src/store/postgres/queue.ts';
import { CLI, n, type Bench } from './common.ts';
import { fleetOf, fleetRange, withFleet } from './fleets.ts';
import { runChild } from './measure.ts';

const PORT = 104;
const BLOCK_SIZE = 250;
const CONCURRENCY = 256;
const TIMEOUT_MS = 900_000;

interface WorkerLine {
  seconds: number;
  storeSeconds: number;
}

function workerLine(stderr: string): WorkerLine | undefined {
  const m = /; ([\d.]+) s, ([\d.]+) s of it waiting on the queue and store/.exec(stderr);
  return m ? { seconds: Number(m[1]), storeSeconds: Number(m[2]) } : undefined;
}

interface WorkerRun {
  readonly code: number | null;
  readonly timedOut: boolean;
  readonly line: WorkerLine | undefined;
  readonly stderr: string;
}

/** `count` workers at once, each killed if the run outlasts TIMEOUT_MS. */
function runWorkers(url: string, count: number): Promise<WorkerRun[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const r = await runChild(process.execPath, [CLI, 'worker', '--db', url, '--name', `bench-${i + 1}`, '--quiet', '--poll', '100'], TIMEOUT_MS);
      return { code: r.code, timedOut: r.timedOut, line: workerLine(r.stderr), stderr: r.stderr };
    }),
  );
}

export async function clusterPiece(bench: Bench): Promise<void> {
  const ip = bench.fleetFirst.replace(/\.0\.1$/, '.251.1');
  const cluster = await startPostgres({ ip, port: await freePort(ip) });
  try {
    const count = bench.endpoints;
    const config = fleetOf(bench.fleetFirst, 'echo-only', count, PORT);
    const range = fleetRange(bench.fleetFirst, count);
    let oneWorkerRate: number | undefined;
    await withFleet(config, async () => {
      for (const workers of [1, 2, 4]) {
        const db = cluster.url;
        const distribute = ['scan', range, '--ports', String(PORT), '--rate', '0', '--concurrency', String(CONCURRENCY), '--db', db, '--distribute', '--block-size', String(BLOCK_SIZE), '--seed', '1'];
        const d = await runChild(process.execPath, [CLI, ...distribute], 120_000);
        if (d.code !== 0) {
          bench.row(`${workers} worker(s)`, `scan --distribute failed: ${d.stderr.trim().split('\n').pop() ?? ''}`);
          continue;
        }
        const t0 = performance.now();
        const results = await runWorkers(db, workers);
        const seconds = (performance.now() - t0) / 1000;
        const failed = results.find((r) => r.code !== 0);
        if (failed) {
          bench.row(`${workers} worker(s)`, `a worker ${failed.timedOut ? `was stopped after ${TIMEOUT_MS / 1000} s` : `failed (exit ${failed.code})`}: ${failed.stderr.trim().split('\n').pop() ?? ''}`);
          continue;
        }
        const rate = count / seconds;
        oneWorkerRate ??= rate;
        const store = results.reduce((a, r) => a + (r.line?.storeSeconds ?? 0), 0);
        const busy = results.reduce((a, r) => a + (r.line?.seconds ?? 0), 0);
        bench.row(
          `${workers} \`exposure worker --db … --quiet\` on a run of ${n(count)} echo-only endpoints (\`exposure ${distribute.join(' ').replace(db, 'postgres://…')}\`)`,
          `${seconds.toFixed(1)} s = ${n(rate)} endpoints/s (${(rate / (oneWorkerRate ?? rate)).toFixed(2)}× one worker); waiting on the queue and store ${((100 * store) / Math.max(busy, 0.001)).toFixed(1)} % of the workers' time (a block is written while the next is probed)`,
        );
      }
    });
    await queueOverhead(bench, cluster.url, oneWorkerRate);
  } finally {
    await cluster.stop();
  }
}

/** Blocks claimed and marked done per second with nothing in them: the queue's own price. */
async function queueOverhead(bench: Bench, url: string, oneWorkerRate: number | undefined): Promise<void> {
  const blocks = 4000;
  const opened = await openQueueStore(url, 'exposure bench');
  try {
    const store = opened.queueStore;
    const runId = await store.startRun({ targets: ['bench'], ports: [PORT], options: {}, scanner: { callingAeTitle: 'BENCH', userAgent: 'Exposure/bench' } });
    await store.inTransaction((tx) => enqueueBlocks(tx, runId, blocks, 1));
    for (const claimers of [1, 4]) {
      const t0 = performance.now();
      let done = 0;
      await Promise.all(
        Array.from({ length: claimers }, async (_, i) => {
          for (;;) {
            const claim = await claimBlock(store.queue, `empty-${claimers}-${i}`, 60_000, runId);
            if (!claim) return;
            await store.inTransaction(async (tx) => {
              if (await holdForCompletion(tx, claim)) await markBlockDone(tx, claim, { hosts: 0, services: 0, openPorts: 0 });
            });
            done++;
            if (done >= blocks / 2) return;
          }
        }),
      );
      const perSecond = done / ((performance.now() - t0) / 1000);
      const costMs = 1000 / perSecond;
      const minBlock = oneWorkerRate ? Math.ceil((20 * costMs * oneWorkerRate) / 1000) : undefined;
      bench.row(
        `empty blocks claimed and marked done, ${claimers} claimer(s) in one process`,
        `${n(perSecond)} blocks/s (${costMs.toFixed(1)} ms a block)${minBlock ? `; queue under 5 % of a worker's time from blocks of ${n(minBlock)} endpoints at one worker's rate` : ''}`,
      );
      if (claimers === 1) await store.inTransaction((tx) => tx.query(`UPDATE blocks SET state = 'left', attempts = 0, worker = NULL WHERE run_id = $1`, [runId]));
    }
  } finally {
    await opened.close();
  }
}

