/**
 * The Markdown report: a summary to paste into a ticket. Findings come first,
 * grouped by rule with every affected endpoint and the remediation, then the
 * service table. Every string from the store is escaped (markdownText).
 */
import { markdownText as md } from './escape.ts';
import { aeText, countText, endpointText, groupByRule, modalitiesText, SEVERITY_LABEL, type RuleGroup } from './format.ts';
import type { ReportModel, ServiceReport } from './model.ts';
import { geoFooterMarkdown, studyTablesMarkdown } from './markdown-study.ts';


// An angle-bracket autolink takes no backslash escapes, so only a URL with
// nothing that could end it early (space, <, >, quotes) is linked; anything
// else is shown as escaped text.
const SAFE_URL = /^https?:\/\/[A-Za-z0-9._~:/?#[\]@!$&()*+,;=%-]+$/;

function reference(ref: string): string {
  return SAFE_URL.test(ref) ? `<${ref}>` : md(ref);
}

function endpoint(s: ServiceReport): string {
  const name = s.hostname ? ` (${s.hostname})` : '';
  return md(endpointText(s.ip, s.port) + name);
}

function findingSection(g: RuleGroup): string[] {
  const f = g.finding;
  const lines = [
    `### ${SEVERITY_LABEL[f.severity]} · ${md(f.ruleId)}: ${md(f.title)}`,
    '',
    `**Affected (${g.hits.length}):**`,
    '',
    ...g.hits.map((h) => `- ${endpoint(h.service)}: ${md(h.evidence)}`),
    '',
    `**Remediation:** ${md(f.remediation)}`,
  ];
  if (f.references.length > 0 || f.cwe) {
    lines.push('', `**References:**${f.cwe ? ` ${md(f.cwe)}` : ''}`, '');
    lines.push(...f.references.map((r) => `- ${reference(r)}`));
  }
  lines.push('');
  return lines;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function servicesTable(model: ReportModel): string[] {
  if (model.services.length === 0) return ['No services found.', ''];
  const header = ['Endpoint', 'Protocol', 'Status', 'Product', 'Called AE', 'C-ECHO', 'C-FIND', 'Patients', 'Studies', 'Images', 'Modalities', 'Identifying attributes', 'Findings', 'Access', 'TLS'];
  const body = model.services.map((s) =>
    row([
      endpoint(s),
      s.protocol,
      s.status,
      md(s.product ?? ''),
      md(aeText(s) ?? ''),
      s.echo ?? '',
      s.find ? `${s.find}${s.findCapped ? ' (capped)' : ''}` : '',
      countText(s.patients),
      countText(s.studies),
      countText(s.images),
      md(modalitiesText(s, ', ')),
      md(s.identifyingAttributes.join(', ')),
      md(s.findings.map((f) => f.ruleId).join(', ')),
      md([s.login, s.access].filter(Boolean).join('; ')),
      md(s.certificate ?? ''),
    ]),
  );
  return [row(header), row(header.map(() => '---')), ...body, ''];
}

function fileSharesTable(model: ReportModel): string[] {
  const shares = model.services.filter((s) => s.fileShare !== undefined);
  if (shares.length === 0) return [];
  return [
    '## File shares',
    '',
    row(['Endpoint', 'DICOM files', 'DICOM bytes', 'What was seen']),
    row(['---', '---:', '---:', '---']),
    ...shares.map((s) => row([endpoint(s), countText(s.files), countText(s.bytes), md(s.fileShare ?? '')])),
    '',
  ];
}

function attributesTable(model: ReportModel): string[] {
  if (model.attributes.length === 0) return [];
  return [
    '## Identifying attributes exposed',
    '',
    row(['Attribute', 'Tag', 'Class', 'Services', 'Records']),
    row(['---', '---', '---', '---:', '---:']),
    ...model.attributes.map((a) => row([md(a.keyword), md(a.tag), md(a.class), String(a.services), String(a.records)])),
    '',
  ];
}

export function renderMarkdown(model: ReportModel): string {
  const r = model.run;
  const t = model.totals;
  const groups = groupByRule(model);
  const lines = [
    `# Exposure report: run ${r.id}`,
    '',
    `- **Status:** ${r.status}, started ${md(r.startedAt)}${r.finishedAt ? `, finished ${md(r.finishedAt)}` : ''}`,
    `- **Scope:** targets ${md(r.targets.join(', '))}; ports ${r.ports.join(', ')}`,
    `- **Scanner:** calling AE title ${md(r.scanner.callingAeTitle)}`,
    `- **Services:** ${t.services}, of which ${t.exposedServices} exposed patient data (C-FIND records, QIDO-RS or REST counts, or DICOM files on an open share)`,
    ...(t.files ? [`- **On open shares:** DICOM files ${countText(t.files)}, bytes ${countText(t.bytes)}`] : []),
    `- **Exposed:** patients ${countText(t.patients)}, studies ${countText(t.studies)}, images ${countText(t.images)}`,
    '',
    '## Findings',
    '',
    row(['Severity', 'Findings']),
    row(['---', '---:']),
    ...Object.entries(t.findings).map(([sev, n]) => row([sev, String(n)])),
    '',
    ...(groups.length === 0 ? ['No findings.', ''] : groups.flatMap(findingSection)),
    '## Services',
    '',
    ...servicesTable(model),
    ...fileSharesTable(model),
    ...attributesTable(model),
    ...studyTablesMarkdown(model),
    ...geoFooterMarkdown(model.geo),
  ];
  return lines.join('\n');
}
