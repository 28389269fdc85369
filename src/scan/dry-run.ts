/**
 * `--dry-run`: how many targets a plan goes through and what is excluded,
 * with nothing sent.
 */
import { plural } from '../observation/count.ts';
import type { ScanPlan } from './plan.ts';
import type { RunParameters } from './run-parameters.ts';
import { FRESH } from './sources.ts';

/** Beyond this many targets, walking the order takes minutes: the count is arithmetic instead. */
const WALK_LIMIT = 20_000_000;

/** Targets of the plan: the order walked (as a scan would, without sending) when that takes seconds, else its size. */
export async function countTargets(plan: ScanPlan, walkLimit = WALK_LIMIT): Promise<{ n: number; approximate: boolean }> {
  const total = plan.source.total;
  if (total !== undefined && total > walkLimit) return { n: total, approximate: plan.source.approximate };
  let n = 0;
  for await (const _ of plan.source.items(FRESH)) n++;
  return { n, approximate: false };
}

/** The dry run's one line: targets of this run or shard, exclusions, seed. */
export async function dryRunLine(plan: ScanPlan, p: Pick<RunParameters, 'seed' | 'shard'>): Promise<string> {
  const { n, approximate } = await countTargets(plan);
  const where = p.shard.count > 1 ? `shard (${p.shard.index + 1}/${p.shard.count})` : 'run';
  return `dry run: ${approximate ? '≈' : ''}${n} ${plural(n, 'target')} in this ${where}, ${plan.excluded} excluded, seed ${p.seed}; nothing was sent\n`;
}
