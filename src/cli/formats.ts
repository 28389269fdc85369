/**
 * Output formats of `exposure report`, `exposure diff` and `exposure audit`: the option
 * definitions in main.ts need them at start, the commands only when they run.
 */
export const REPORT_FORMATS = ['table', 'json', 'ndjson', 'csv', 'sarif', 'md', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REPORT_GROUPINGS = ['org'] as const;

export const DIFF_FORMATS = ['table', 'json', 'md'] as const;

export const AUDIT_FORMATS = ['table', 'json', 'md'] as const;
