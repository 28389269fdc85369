/**
 * The JSON report: the model as is, under a schema name that changes when a
 * field's meaning does, so consumers can check what they read.
 */
import { REPORT_SCHEMA, type ReportModel } from './model.ts';

// JSON.stringify escapes only U+0000–U+001F. DEL, C1 controls (U+009B is a
// one-character CSI for some terminals) and bidi marks are escaped too, so
// `cat report.json` is safe; the escapes decode back to the same strings.
const UNSAFE_IN_TERMINAL = /[\u007F-\u009F\u061C\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060-\u2069\uFEFF]/g;

/** JSON text with terminal-unsafe characters escaped as well. */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_TERMINAL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function renderJson(model: ReportModel): string {
  return safeJson({ schema: REPORT_SCHEMA, ...model }, 2) + '\n';
}
