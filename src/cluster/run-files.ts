/**
 * Files a run's parameters name (`@targets` lists, `--exclude`, the run's
 * `--allow-list`), by content: recorded when a run is distributed, checked by
 * each worker before it plans the run. A worker plans from the file at the
 * recorded path; if that file is missing or says something else on its
 * machine, the worker would scan other targets than the run's, so it refuses.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RunParameters } from '../scan/run-parameters.ts';

/** Absolute paths of every file the parameters read. */
function filesOf(p: RunParameters): string[] {
  const files = [...p.exclude];
  if (p.allowList) files.push(p.allowList);
  if (p.targets.kind === 'specs') {
    for (const spec of p.targets.specs) for (const piece of spec.split(/[,\s]+/)) if (piece.startsWith('@') && piece.length > 1) files.push(piece.slice(1));
  } else {
    files.push(p.targets.path);
  }
  return [...new Set(files)];
}

function digest(path: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}

/** path → SHA-256 of its content, for every file the parameters read. */
export function fileDigests(p: RunParameters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of filesOf(p)) {
    const d = digest(f);
    if (d === undefined) throw new Error(`cannot read ${f}, named by the run's parameters`);
    out[f] = d;
  }
  return out;
}

/** Why this machine's files differ from the run's, or undefined when every one is the same. */
export function fileMismatch(recorded: Readonly<Record<string, string>>): string | undefined {
  for (const [path, want] of Object.entries(recorded)) {
    const got = digest(path);
    if (got === undefined) return `${path}, named by the run, is missing on this machine`;
    if (got !== want) return `${path} differs on this machine from the file the run was started with`;
  }
  return undefined;
}
