/**
 * `exposure status --db postgres://…`: where a distributed run stands —
 * blocks done, claimed, run out, left, failed; each worker's blocks and rate;
 * refusals; an ETA from the last minutes' pace; for a run that ended, how many
 * likely honeypots the run-end pass found (one grouped query for every run shown).
 */
import { counted } from '../observation/count.ts';
import { openQueueStore } from '../cluster/open.ts';
import { ClusterError } from '../cluster/errors.ts';
import { distributedRuns, queueStatus, type QueueStatus } from '../store/postgres/queue.ts';
import type { HoneypotTally } from '../store/index.ts';
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

/**
 * What the honeypot pass left on a run that ended: a count, or that it is still to come (the
 * completing worker's pass failed, or the run stopped short) and what makes it. None while the run runs.
 */
export function honeypotsText(runId: number, status: string, tally: HoneypotTally | undefined): string {
  if (status === 'running') return '';
  if (tally !== undefined && tally.assessed < tally.candidates) return ` · honeypots not assessed yet ("exposure report --run ${runId}" assesses them)`;
  return ` · ${counted(tally?.likely ?? 0, 'likely honeypot')}`;
}

export function statusText(s: QueueStatus, status: string, tally?: HoneypotTally): string {
  const pct = s.steps > 0 ? ((100 * s.stepsDone) / s.steps).toFixed(1) : '0.0';
  const lines = [
    `run ${s.runId} (${status}): ${s.done}/${counted(s.blocks, 'block')} done (${pct}% of ${counted(s.steps, 'step')}) · ${s.claimed} claimed · ${s.expired} lease run out · ${s.left} left · ${s.failed} failed` +
      (s.etaSeconds !== undefined ? ` · eta ${duration(s.etaSeconds)}` : '') +
      honeypotsText(s.runId, status, tally),
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
    const statuses: Array<{ status: string; queue: QueueStatus }> = [];
    for (const r of shown) statuses.push({ status: r.status, queue: await queueStatus(q.queue, r.id) });
    // The runs that ended, in one query: a running run's services are still coming, and its pass has not run.
    const tallies = await q.honeypotTallies(shown.filter((r) => r.status !== 'running').map((r) => r.id));
    if (flags.format === 'json') {
      const honeypots = (s: { status: string; queue: QueueStatus }): object => {
        if (s.status === 'running') return {};
        const t = tallies.get(s.queue.runId) ?? { candidates: 0, assessed: 0, likely: 0 };
        return { honeypots: { dicomServices: t.candidates, assessed: t.assessed, likely: t.likely } };
      };
      process.stdout.write(`${safeJson({ schema: 'exposure-status/1', runs: statuses.map((s) => ({ status: s.status, ...s.queue, ...honeypots(s) })) }, 2)}\n`);
      return;
    }
    if (statuses.length === 0) {
      process.stdout.write(`${store.where} holds no distributed run (start one with exposure scan TARGETS --db … --distribute)\n`);
      return;
    }
    for (const s of statuses) process.stdout.write(statusText(s.queue, s.status, tallies.get(s.queue.runId)));
  } finally {
    await store.close();
  }
}
