/** Small helpers for the audit tests: files from strings, rule ids and places from a report. */
import { auditConfigs, type AuditOptions, type AuditReport } from '../../src/audit/audit.ts';
import type { AuditFinding } from '../../src/audit/finding.ts';

export function audit(files: Record<string, string | Uint8Array>, options: AuditOptions = {}): AuditReport {
  return auditConfigs(
    Object.entries(files).map(([file, content]) => ({ file, bytes: typeof content === 'string' ? Buffer.from(content) : content })),
    options,
  );
}

export const ids = (r: AuditReport): string[] => [...new Set(r.findings.map((f) => f.ruleId))].sort();

export function one(r: AuditReport, ruleId: string): AuditFinding {
  const found = r.findings.filter((f) => f.ruleId === ruleId);
  if (found.length !== 1) throw new Error(`expected one ${ruleId}, found ${found.length}: ${JSON.stringify(r.findings.map((f) => f.ruleId))}`);
  return found[0]!;
}

/** "12:3 Name" for a setting, "absent Name=default" otherwise. */
export function where(f: AuditFinding): string {
  const p = f.place;
  return p.kind === 'setting' ? `${p.line}:${p.column} ${p.setting}` : `absent ${p.setting}=${p.defaultValue}`;
}

export function refusal(r: AuditReport, file: string): string | undefined {
  const o = r.files.find((f) => f.file === file);
  return o?.status === 'refused' ? o.problem : undefined;
}
