/**
 * The Markdown report: a summary to paste into a ticket. Findings come first,
 * grouped by rule with the affected endpoints and the remediation, then the
 * service table. Lists are bounded (bounded.ts), each closed by a line saying
 * how many more the CSV and NDJSON hold. Every string from the store is
 * escaped (markdownText).
 */
import type { ReportBounds } from './bounded.ts';
import { markdownText as md } from './escape.ts';
import { aeText, countText, endpointText, modalitiesText, moreText, SEVERITY_LABEL } from './format.ts';
import type { BoundedReport, RuleHit, RuleHits, ServiceReport } from './model.ts';
import { geoFooterMarkdown, studyTablesMarkdown } from './markdown-study.ts';

/** A ticket stays pasteable for a large scan; the CSV and NDJSON carry every row. */
export const MARKDOWN_BOUNDS: ReportBounds = { services: 500, fileShares: 500, hitsPerRule: 100 };

// An angle-bracket autolink takes no backslash escapes, so only a URL with
// nothing that could end it early (space, <, >, quotes) is linked; anything
// else is shown as escaped text.
const SAFE_URL = /^https?:\/\/[A-Za-z0-9._~:/?#[\]@!$&()*+,;=%-]+$/;

function reference(ref: string): string {
  return SAFE_URL.test(ref) ? `<${ref}>` : md(ref);
}

function endpoint(s: ServiceReport | RuleHit): string {
  const name = s.hostname ? ` (${s.hostname})` : '';
  return md(endpointText(s.ip, s.port) + name);
}

/** The line that closes a cut list; nothing when the list is whole. */
function more(n: number, what: string): string[] {
  return n > 0 ? [md(moreText(n, what)), ''] : [];
}

function findingSection(g: RuleHits): string[] {
  const f = g.finding;
  const lines = [
    `### ${SEVERITY_LABEL[f.severity]} · ${md(f.ruleId)}: ${md(f.title)}`,
    '',
    `**Affected (${g.services}):**`,
    '',
    ...g.hits.map((h) => `- ${endpoint(h)}: ${md(h.evidence)}`),
    '',
    ...more(g.services - g.hits.length, 'affected services'),
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

function servicesTable(model: BoundedReport): string[] {
  if (model.totals.services === 0) return ['No services found.', ''];
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
  return [row(header), row(header.map(() => '---')), ...body, '', ...more(model.totals.services - model.services.length, 'services')];
}

function fileSharesTable(model: BoundedReport): string[] {
  const shares = model.fileShares;
  if (shares.length === 0 && model.moreFileShares === 0) return [];
  const table =
    shares.length === 0
      ? []
      : [
          row(['Endpoint', 'DICOM files', 'DICOM bytes', 'What was seen']),
          row(['---', '---:', '---:', '---']),
          ...shares.map((s) => row([endpoint(s), countText(s.files), countText(s.bytes), md(s.fileShare ?? '')])),
          '',
        ];
  return ['## File shares', '', ...table, ...more(model.moreFileShares, 'FTP, SMB and rsync services')];
}

function attributesTable(model: BoundedReport): string[] {
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

export function renderMarkdown(model: BoundedReport): string {
  const r = model.run;
  const t = model.totals;
  const groups = model.rules;
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
