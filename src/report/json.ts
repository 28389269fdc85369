/**
 * The JSON report: the model as is, under a schema name that changes when a
 * field's meaning does, so consumers can check what they read. Written a
 * service at a time (report/stream.ts) with the very bytes JSON.stringify
 * gives the whole model.
 */
import { REPORT_SCHEMA, type ReportHead, type ReportModel, type ServiceReport } from './model.ts';
import { collectDocument, jsonArrayDocument, streamDocument, type ServiceDocument } from './stream.ts';

// JSON.stringify escapes only U+0000–U+001F. DEL, C1 controls (U+009B is a
// one-character CSI for some terminals) and bidi marks are escaped too, so
// `cat report.json` is safe; the escapes decode back to the same strings.
const UNSAFE_IN_TERMINAL = /[\u007F-\u009F\u061C\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060-\u2069\uFEFF]/g;

/** JSON text with terminal-unsafe characters escaped as well. */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_TERMINAL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The model around a list of services, in the model's key order (services between the totals and the attribute table), whatever order `head` has. */
function modelAround(head: ReportHead): (services: unknown[]) => unknown {
  return (services) => ({ schema: REPORT_SCHEMA, run: head.run, totals: head.totals, services, attributes: head.attributes, tables: head.tables, geo: head.geo });
}

const indented = (value: unknown): string => safeJson(value, 2);
const itself = (s: ServiceReport): readonly unknown[] => [s];

function jsonDocument(head: ReportHead): ServiceDocument {
  // No closure made here refers to `head`: once its text is laid out, the head (the study's tables,
  // tens of thousands of rows at a million services) is not kept while the services are written.
  const doc = jsonArrayDocument(indented, modelAround(head), itself);
  return { ...doc, tail: (n) => `${doc.tail(n)}\n` };
}

export function renderJson(model: ReportModel): string {
  return collectDocument(jsonDocument(model), model.services);
}

/** renderJson's bytes in chunks, as the services come. */
export function streamJson(head: ReportHead, services: AsyncIterable<ServiceReport>): AsyncIterable<string> {
  return streamDocument(jsonDocument(head), services);
}
