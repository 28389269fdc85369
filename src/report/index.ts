/** The report's public API: summarise a run from the store, then render it. */
export { summarise, reportCount, ipSortKey } from './summary.ts';
export { renderTable, type TableOptions } from './table.ts';
export { renderJson } from './json.ts';
export { renderCsv, CSV_HEADER } from './csv.ts';
export { renderMarkdown } from './markdown.ts';
export { REPORT_SCHEMA } from './model.ts';
export type { ReportCount, ReportFinding, ReportModel, ReportRun, ReportTotals, ServiceReport } from './model.ts';
