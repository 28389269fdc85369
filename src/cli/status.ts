/**
 * `exposure status --db postgres://…`: where a distributed run stands —
 * blocks done, claimed, run out, left, failed; each worker's blocks and rate;
 * refusals; an ETA from the last minutes' pace.
 */
import { counted } from '../observation/count.ts';
import { openQueueStore } from '../cluster/open.ts';
import { ClusterError } from '../cluster/errors.ts';
import { distributedRuns, queueStatus, type QueueStatus } from '../store/postgres/queue.ts';
import { safeJson } from '../report/json.ts';
import { plain } from '../report/escape.ts';

export interface StatusFlags {
  db: string;
  run?: number;
  format: 'table' | 'json';
}

function duration(seconds: number): string {
  if (seconds < 120) return `${Math.ceil(seconds)} s`;
  if (seconds < 7200) return `${Math.ceil(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function statusText(s: QueueStatus, status: string): string {
  const pct = s.steps > 0 ? ((100 * s.stepsDone) / s.steps).toFixed(1) : '0.0';
  const lines = [
    `run ${s.runId} (${status}): ${s.done}/${counted(s.blocks, 'block')} done (${pct}% of ${counted(s.steps, 'step')}) · ${s.claimed} claimed · ${s.expired} lease run out · ${s.left} left · ${s.failed} failed` +
      (s.etaSeconds !== undefined ? ` · eta ${duration(s.etaSeconds)}` : ''),
  ];
  for (const w of s.workers) {
    const rate = w.stepsPerSecond !== undefined ? `${w.stepsPerSecond.toFixed(1)}/s` : '–';
    lines.push(`  ${plain(w.worker)}: ${counted(w.blocksDone, 'block')}, ${counted(w.stepsDone, 'step')}, ${rate}${w.holding ? `, holding ${w.holding}` : ''}${w.lastDoneAt ? `, last done ${w.lastDoneAt}` : ''}`);
  }
  for (const r of s.refusals) lines.push(`  refused: block ${r.block} by ${plain(r.worker)}: ${plain(r.reason)}`);
  return `${lines.join('\n')}\n`;
}

export async function statusCommand(flags: StatusFlags): Promise<void> {
  const store = await openQueueStore(flags.db, 'exposure status');
  try {
    const q = store.queueStore;
    const runs = (await q.runs()).filter((r) => flags.run === undefined || r.id === flags.run);
    const ids = await distributedRuns(q.queue);
    const distributed = runs.filter((r) => ids.has(r.id));
    if (flags.run !== undefined && distributed.length === 0) {
      throw new ClusterError('NOT_A_DISTRIBUTED_RUN', `${store.where} has no distributed run ${flags.run}`);
    }
    const shown = flags.run !== undefined ? distributed : distributed.filter((r) => r.status === 'running').concat(distributed.filter((r) => r.status !== 'running').slice(-1));
    const statuses = [];
    for (const r of shown) statuses.push({ status: r.status, queue: await queueStatus(q.queue, r.id) });
    if (flags.format === 'json') {
      process.stdout.write(`${safeJson({ schema: 'exposure-status/1', runs: statuses.map((s) => ({ status: s.status, ...s.queue })) }, 2)}\n`);
      return;
    }
    if (statuses.length === 0) {
      process.stdout.write(`${store.where} holds no distributed run (start one with exposure scan TARGETS --db … --distribute)\n`);
      return;
    }
    for (const s of statuses) process.stdout.write(statusText(s.queue, s.status));
  } finally {
    await store.close();
  }
}
