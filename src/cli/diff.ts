/**
 * `exposure diff RUN_A RUN_B`: what changed between two runs of one store.
 * Exit status 3 when the second run has critical findings the first did not,
 * so a scheduled job can fail on them; 0 otherwise; 2 for usage errors.
 * Likely honeypots are compared apart (report/diff.ts) unless --keep-honeypots;
 * a finished run the honeypot pass never reached, or reached in part, is
 * assessed first, as `report` does, so both runs are told apart alike.
 */
import { openStoreReader, storeLabel } from '../store/index.ts';
import { serviceReports } from '../report/summary.ts';
import { diffRuns, type DiffSide } from '../report/diff.ts';
import { renderDiffJson, renderDiffMarkdown, renderDiffTable } from '../report/diff-render.ts';
import { UsageError } from './errors.ts';
import { assessedFirst } from './honeypots.ts';
import { writeOut } from './output.ts';
import type { DIFF_FORMATS } from './formats.ts';

export const NEW_CRITICAL_EXIT = 3;

export interface DiffFlags {
  db: string;
  format: (typeof DIFF_FORMATS)[number];
  out?: string;
  /** Compare likely honeypots as archives. */
  keepHoneypots?: boolean;
}

function runId(text: string, which: string): number {
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text)) || Number(text) < 1) {
    throw new UsageError(`${which} must be a run id (a whole number, see "exposure report --format json"), not "${text}"`);
  }
  return Number(text);
}

const warn = (line: string): void => {
  process.stderr.write(`exposure: ${line}\n`);
};

export async function diffCommand(a: string, b: string, flags: DiffFlags): Promise<void> {
  const from = runId(a, 'RUN_A');
  const to = runId(b, 'RUN_B');
  let store = openStoreReader(flags.db);
  try {
    const runs = new Map((await store.runs()).map((r) => [r.id, r]));
    const unknown = [from, to].filter((id) => !runs.has(id));
    if (unknown.length > 0) {
      const list = [...runs.keys()].join(', ') || 'none';
      throw new UsageError(`${storeLabel(flags.db)} has no run ${unknown.join(' or ')} (runs stored: ${list})`);
    }
    // Kept as archives, honeypots need no level to be compared; otherwise an unassessed run would count its own as archives.
    if (!flags.keepHoneypots) store = await assessedFirst(flags.db, store, [from, to], warn, () => openStoreReader(flags.db));
    // Both runs stream side by side in report order: a page of each in memory, never a whole run.
    // The diff shows no aggregate, so none is computed: the run's row says what it was asked to scan.
    const side = (id: number): DiffSide => {
      const r = runs.get(id)!;
      return { run: { id, startedAt: r.startedAt, targets: r.meta.targets, ports: r.meta.ports }, services: serviceReports(store, id) };
    };
    const diff = await diffRuns(side(from), side(to), { keepHoneypots: flags.keepHoneypots === true });
    const text = flags.format === 'json' ? renderDiffJson(diff) : flags.format === 'md' ? renderDiffMarkdown(diff) : renderDiffTable(diff);
    if (flags.out) writeOut(flags.out, text);
    else process.stdout.write(text);
    if (diff.newCritical > 0) process.exitCode = NEW_CRITICAL_EXIT;
  } finally {
    await store.close();
  }
}
