/**
 * `exposure audit` output: a table for the terminal, JSON for tools, Markdown
 * for a ticket. Every string that came from the command line or a file (a
 * path, a share name) goes through the report's escaping; causes, changes and
 * remediation are ours and the rules'.
 */
import type { AuditReport, FileOutcome } from '../audit/audit.ts';
import { KIND_NAMES, placeText, type AuditFinding } from '../audit/finding.ts';
import { counted } from '../observation/count.ts';
import { SEVERITIES, type Severity } from '../observation/finding.ts';
import { markdownText as md, plain } from '../report/escape.ts';
import { SEVERITY_LABEL } from '../report/format.ts';

const AUDIT_FORMAT = 'exposure-audit/1';

function counts(r: AuditReport): Record<Severity, number> {
  const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of r.findings) out[f.severity] += 1;
  return out;
}

function summaryLine(r: AuditReport): string {
  const c = counts(r);
  const parts = SEVERITIES.filter((s) => c[s] > 0).map((s) => `${c[s]} ${s}`);
  const refused = r.files.filter((f) => f.status === 'refused').length;
  return `${counted(r.findings.length, 'finding')}${parts.length > 0 ? ` (${parts.join(', ')})` : ''} in ${counted(r.files.length, 'file')}${refused > 0 ? `; ${refused} refused` : ''}`;
}

/** What the scan reports for the same hole on a service holding no images. */
function whenEmptyText(f: AuditFinding): string | undefined {
  const d = f.dependsOnContent;
  if (!d) return undefined;
  return d.whenEmpty === null ? 'the scan reports this only while the service holds images' : `the scan reports ${d.whenEmpty} instead while the service holds no images`;
}

function fileHeading(o: FileOutcome): string {
  const kind = o.kind ? ` (${KIND_NAMES[o.kind]})` : '';
  return o.status === 'refused' ? `${plain(o.file)}${kind}: refused: ${plain(o.problem)}` : `${plain(o.file)}${kind}`;
}

export function renderAuditTable(r: AuditReport): string {
  const lines: string[] = [];
  for (const o of r.files) {
    const own = r.findings.filter((f) => f.place.file === o.file);
    lines.push(`${fileHeading(o)}${o.status === 'audited' ? `: ${own.length === 0 ? 'nothing found' : counted(own.length, 'finding')}` : ''}`);
    for (const f of own) {
      lines.push(`  ${SEVERITY_LABEL[f.severity].padEnd(8)}  ${f.ruleId}  ${f.title}`);
      lines.push(`    where:   ${plain(placeText(f.place))}`);
      lines.push(`    why:     ${plain(f.cause)}`);
      lines.push(`    change:  ${plain(f.change)}`);
      const empty = whenEmptyText(f);
      if (empty) lines.push(`    scan:    ${empty}`);
    }
    if (o.status === 'audited') for (const n of o.notes) lines.push(`  note: ${plain(n)}`);
    lines.push('');
  }
  const rules = [...new Map(r.findings.map((f) => [f.ruleId, f])).values()];
  if (rules.length > 0) {
    lines.push('Remediation, by rule:');
    for (const f of rules) lines.push(`  ${f.ruleId}  ${f.remediation}`);
    lines.push('');
  }
  lines.push(summaryLine(r), '');
  return lines.join('\n');
}

export function renderAuditJson(r: AuditReport): string {
  return `${JSON.stringify({ format: AUDIT_FORMAT, files: r.files, findings: r.findings, summary: { findings: r.findings.length, bySeverity: counts(r), refused: r.files.filter((f) => f.status === 'refused').length } }, null, 2)}\n`;
}

export function renderAuditMarkdown(r: AuditReport): string {
  const lines = ['# Configuration audit', '', md(summaryLine(r)), ''];
  for (const o of r.files) {
    lines.push(`## ${md(o.file)}`, '');
    if (o.status === 'refused') {
      lines.push(`Refused: ${md(o.problem)}`, '');
      continue;
    }
    lines.push(`${md(o.kind ? KIND_NAMES[o.kind] : '')}`, '');
    const own = r.findings.filter((f) => f.place.file === o.file);
    if (own.length > 0) {
      lines.push('| Severity | Rule | Title | Where | Change |', '|---|---|---|---|---|');
      for (const f of own) {
        const empty = whenEmptyText(f);
        lines.push(`| ${SEVERITY_LABEL[f.severity]} | ${f.ruleId} | ${md(f.title)} | ${md(placeText(f.place))} | ${md(f.change)}${empty ? ` (${md(empty)})` : ''} |`);
      }
      lines.push('');
    } else {
      lines.push('Nothing found.', '');
    }
    for (const n of o.notes) lines.push(`- Note: ${md(n)}`);
    if (o.notes.length > 0) lines.push('');
  }
  const rules = [...new Map(r.findings.map((f) => [f.ruleId, f])).values()];
  if (rules.length > 0) {
    lines.push('## Remediation', '');
    for (const f of rules) lines.push(`- **${f.ruleId}** ${md(f.title)}: ${md(f.remediation)}`);
    lines.push('');
  }
  return lines.join('\n');
}
