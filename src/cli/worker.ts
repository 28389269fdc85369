/**
 * `exposure worker --db postgres://…`: claims blocks of distributed runs and
 * probes them (cluster/worker.ts) until no block is left, Ctrl-C, or
 * --max-blocks. A block interrupted by a signal is given back at once.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { counted } from '../observation/count.ts';
import { runWorker, type WorkerEvent } from '../cluster/worker.ts';
import { openQueueStore } from '../cluster/open.ts';
import { NO_EXCLUSIONS, readRangeLines } from '../scope/exclusions.ts';
import { hostGeoLookup } from './geo.ts';

export interface WorkerFlags {
  db: string;
  run?: number;
  allowList?: string;
  name?: string;
  lease: number;
  rate: number;
  maxBlocks?: number;
  poll: number;
  quiet?: boolean;
}

function eventLine(e: WorkerEvent): string | undefined {
  const block = `run ${e.claim.runId} block ${e.claim.block} (steps ${e.claim.firstStep}–${e.claim.endStep - 1})`;
  switch (e.kind) {
    case 'claimed':
      return undefined;
    case 'done':
      return `${block}: done, ${counted(e.hosts, 'target')}, ${counted(e.services, 'service')}${e.runCompleted ? `; run ${e.claim.runId} completed` : ''}`;
    case 'lost':
      return `${block}: lost (its lease ran out and another worker took it over): nothing of it stored by this worker`;
    case 'refused':
      return `${block}: refused: ${e.reason}`;
    case 'released':
      return `${block}: given back (stopping)`;
    case 'assessed':
      return `run ${e.claim.runId}: honeypot pass: ${counted(e.likelyHoneypots, 'likely honeypot')}`;
    case 'assess-failed':
      return `run ${e.claim.runId}: the honeypot pass failed (${e.reason}); "exposure report --run ${e.claim.runId}" assesses it`;
    default: {
      const never: never = e;
      return never;
    }
  }
}

export async function workerCommand(flags: WorkerFlags): Promise<void> {
  const store = await openQueueStore(flags.db, 'exposure worker');
  const abort = new AbortController();
  const onSignal = (): void => {
    process.stderr.write('\nexposure: stopping: giving the block in hand back\n');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const name = flags.name ?? `${hostname()}:${process.pid}`;
  try {
    const outcome = await runWorker({
      store: store.queueStore,
      where: store.where,
      name,
      leaseMs: flags.lease,
      ...(flags.run !== undefined ? { runId: flags.run } : {}),
      allowList: flags.allowList ? readRangeLines(resolve(flags.allowList), '--allow-list') : NO_EXCLUSIONS,
      rate: flags.rate,
      ...(flags.maxBlocks !== undefined ? { maxBlocks: flags.maxBlocks } : {}),
      pollMs: flags.poll,
      signal: abort.signal,
      geo: hostGeoLookup((line) => process.stderr.write(`exposure: ${line}\n`)),
      runCompleted: async (runId) => (await import('./honeypots.ts')).honeypotPass(flags.db, runId),
      onEvent: (e) => {
        const line = flags.quiet ? undefined : eventLine(e);
        if (line) process.stderr.write(`exposure worker ${name}: ${line}\n`);
      },
    });
    process.stderr.write(
      `exposure worker ${name}: ${counted(outcome.blocksDone, 'block')} done (${counted(outcome.hosts, 'target')}, ${counted(outcome.services, 'service')})` +
        `${outcome.blocksLost ? `, ${outcome.blocksLost} lost` : ''}${outcome.blocksRefused ? `, ${outcome.blocksRefused} refused` : ''}` +
        `${outcome.interrupted ? '; interrupted' : '; no block left'}; ${outcome.seconds.toFixed(1)} s, ${outcome.storeSeconds.toFixed(1)} s of it waiting on the queue and store\n`,
    );
    if (outcome.interrupted) process.exitCode = 130;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await store.close();
  }
}
