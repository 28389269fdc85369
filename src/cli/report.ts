/** `exposure report`: renders a stored run; reads the store, never scans. */
import { writeFileSync } from 'node:fs';
import { openSqliteStore } from '../store/sqlite.ts';
import { summarise } from '../report/summary.ts';
import { renderCsv } from '../report/csv.ts';
import { renderJson } from '../report/json.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { renderTable } from '../report/table.ts';
import { UsageError } from './errors.ts';

export const REPORT_FORMATS = ['table', 'json', 'csv', 'md'] as const;
type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportFlags {
  db: string;
  run?: number;
  format: ReportFormat;
  out?: string;
}

export async function reportCommand(flags: ReportFlags): Promise<void> {
  const store = openSqliteStore(flags.db, { readonly: true });
  try {
    const runId = flags.run ?? (await store.latestRunId());
    if (runId === undefined) throw new UsageError(`${flags.db} holds no runs yet: run "exposure scan" first`);
    if (!(await store.run(runId))) throw new UsageError(`${flags.db} has no run ${runId}`);
    const model = await summarise(store, runId);
    const text = render(flags.format, model, flags.out === undefined && process.stdout.isTTY === true);
    if (flags.out) writeFileSync(flags.out, text);
    else process.stdout.write(text);
  } finally {
    await store.close();
  }
}

function render(format: ReportFormat, model: Awaited<ReturnType<typeof summarise>>, color: boolean): string {
  switch (format) {
    case 'table':
      return renderTable(model, { color, width: process.stdout.columns });
    case 'json':
      return renderJson(model);
    case 'csv':
      return renderCsv(model);
    case 'md':
      return renderMarkdown(model);
    default: {
      const never: never = format;
      return never;
    }
  }
}
