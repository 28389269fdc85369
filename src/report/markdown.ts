/**
 * The Markdown report: a summary to paste into a ticket. Findings come first,
 * grouped by rule with the affected endpoints and the remediation, then the
 * service table. Lists are bounded (bounded.ts), each closed by a line saying
 * how many more the CSV and NDJSON hold. Every string from the store is
 * escaped (markdownText).
 */
import { honeypotNote, honeypotSectionMarkdown } from './honeypots.ts';
import type { ReportBounds } from './bounded.ts';
import { markdownCodeBlock, markdownText as md } from './escape.ts';
import { aeText, audienceText, countText, endpointText, findingIdsText, modalitiesText, moreText, patientsNote, SEVERITY_LABEL } from './format.ts';
import type { BoundedReport, RuleHit, RuleHits, ServiceReport } from './model.ts';
import { geoFooterMarkdown, studyTablesMarkdown } from './markdown-study.ts';
import type { Proof } from './proof.ts';

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

/**
 * "How to see it yourself" under one affected endpoint, indented to belong to
 * its list item: what the output shows, then the command as a code block
 * (verbatim: a command is never backslash-escaped), or why there is none.
 */
function proofMarkdown(p: Proof, indent = '  '): string[] {
  if (p.kind === 'none') return [`${indent}*How to see it yourself:* no command: ${md(p.reason)}.`];
  return [`${indent}*How to see it yourself:* ${md(p.shows)}`, '', ...markdownCodeBlock(p.command, indent)];
}

/** A list item per affected endpoint, each with its proof. */
export function hitMarkdown(where: string, evidence: string, proof: Proof): string[] {
  return [`- ${where}: ${md(evidence)}`, '', ...proofMarkdown(proof), ''];
}

function findingSection(g: RuleHits): string[] {
  const f = g.finding;
  const lines = [
    `### ${SEVERITY_LABEL[f.severity]} · ${md(f.ruleId)}: ${md(f.title)}`,
    '',
    `**Affected (${g.services}):**`,
    '',
    ...g.hits.flatMap((h) => hitMarkdown(endpoint(h), h.evidence, h.proof)),
    ...more(g.services - g.hits.length, 'affected service'),
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
      md(findingIdsText(s)),
      md([s.login, s.access].filter(Boolean).join('; ')),
      md(s.certificate ?? ''),
    ]),
  );
  return [row(header), row(header.map(() => '---')), ...body, '', ...more(model.totals.services - model.services.length, 'service')];
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
  return ['## File shares', '', ...table, ...more(model.moreFileShares, 'FTP, SMB, rsync and NFS service')];
}

/** The services shown whose worklist answered: who is scheduled, never a name. */
function worklistsTable(model: BoundedReport): string[] {
  const lists = model.services.filter((s) => s.worklist !== undefined);
  if (lists.length === 0) return [];
  return ['## Modality worklists', '', row(['Endpoint', 'What the worklist listed']), row(['---', '---']), ...lists.map((s) => row([endpoint(s), md(s.worklist ?? '')])), ''];
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
    ...(t.exposedServices > 0 ? [`- **Who can read them:** ${audienceText(model.exposedAccess, t.exposedServices)}`] : []),
    ...(honeypotNote(t) ? [`- **Honeypots:** ${md(honeypotNote(t)!)}`] : []),
    ...(t.files ? [`- **On open shares:** DICOM files ${countText(t.files)}, bytes ${countText(t.bytes)}`] : []),
    `- **Exposed:** patient records ${countText(t.patients)}${t.patients ? ` (${patientsNote(t, String)})` : ''}, studies ${countText(t.studies)}, images ${countText(t.images)}`,
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
    ...worklistsTable(model),
    ...honeypotSectionMarkdown(t, model.services, md),
    ...attributesTable(model),
    ...studyTablesMarkdown(model),
    ...geoFooterMarkdown(model.geo),
  ];
  return lines.join('\n');
}
