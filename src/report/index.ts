/** The report's public API: summarise a run from the store, then render it. */
export { summarise, reportCount, ipSortKey } from './summary.ts';
export { summariseBounded, summariseScan, type ReportBounds } from './bounded.ts';
export { renderScanSummary, renderTable, TABLE_BOUNDS, type TableOptions } from './table.ts';
export { renderJson } from './json.ts';
export { renderCsv, CSV_HEADER } from './csv.ts';
export { MARKDOWN_BOUNDS, renderMarkdown } from './markdown.ts';
export { REPORT_SCHEMA } from './model.ts';
export type { BoundedReport, ReportCount, ReportFinding, ReportModel, ReportRun, ReportTotals, RuleHits, ScanSummary, ServiceReport } from './model.ts';
export { renderHtml } from './html.ts';
export { renderNdjson, SERVICE_SCHEMA } from './ndjson.ts';
export { renderFindingsCsv, FINDINGS_CSV_HEADER } from './findings-csv.ts';
export { renderSarif, SARIF_SCHEMA_URI } from './sarif.ts';
export { buildPacks, packsIndex, folderName, type Pack, type PackFile } from './packs.ts';
export { diffRuns, DIFF_SCHEMA, type DiffSide, type RunDiff } from './diff.ts';
export { renderDiffJson, renderDiffMarkdown, renderDiffTable } from './diff-render.ts';
export type { ReportGeo, ReportTables } from './tables.ts';
