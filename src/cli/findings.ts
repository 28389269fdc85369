/**
 * `exposure findings`: each finding of a scope across its runs: first and
 * last seen, open, fixed or reopened. The scope is a watch scope's name
 * (--scope), or by default that of the store's latest run (a plain scan's
 * scope is its targets and ports). Findings on likely honeypots are left out
 * and counted unless --keep-honeypots lists them, marked.
 */
import { openStoreReader, storeLabel } from '../store/index.ts';
import { chooseScope, scopeLifecycle } from '../watch/lifecycle.ts';
import { renderLifecycleJson, renderLifecycleTable } from '../watch/lifecycle-render.ts';
import { writeOut } from './output.ts';

const FINDINGS_FORMATS = ['table', 'json'] as const;

export interface FindingsFlags {
  db: string;
  scope?: string;
  format: (typeof FINDINGS_FORMATS)[number];
  out?: string;
  keepHoneypots?: boolean;
}

export async function findingsCommand(flags: FindingsFlags): Promise<void> {
  const store = openStoreReader(flags.db);
  try {
    const scope = chooseScope(await store.runs(), flags.scope, storeLabel(flags.db));
    const lifecycle = await scopeLifecycle(store, scope, { keepHoneypots: flags.keepHoneypots === true });
    // Cut to the terminal's width; whole lines into a file or a pipe.
    const width = process.stdout.isTTY && !flags.out ? process.stdout.columns : Number.POSITIVE_INFINITY;
    const text = flags.format === 'json' ? renderLifecycleJson(lifecycle) : renderLifecycleTable(lifecycle, width);
    if (flags.out) writeOut(flags.out, text);
    else process.stdout.write(text);
  } finally {
    await store.close();
  }
}
