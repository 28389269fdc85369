/**
 * Notification packs: one folder per network (AS and organisation), plus one
 * for private, special-purpose or unlabelled space, each with a letter in
 * Markdown (services, findings, remediation) and the services and findings
 * CSVs, ready for that network's abuse contact.
 *
 * No patient data by construction: a pack is rendered from the report model,
 * which holds counts and attribute keywords only. Pure: returns the files;
 * the CLI writes them.
 */
import { severityRank } from '../observation/finding.ts';
import { renderCsv } from './csv.ts';
import { markdownText as md } from './escape.ts';
import { renderFindingsCsv } from './findings-csv.ts';
import { counted } from '../observation/count.ts';
import { exposedAccessOf } from './bounded.ts';
import { aeText, countText, endpointText, loginPhrase, portSeverityAbove, SEVERITY_LABEL } from './format.ts';
import { geoFooterMarkdown } from './markdown-study.ts';
import { hitMarkdown } from './markdown.ts';
import type { ReportFinding, ReportModel, ServiceFinding, ServiceReport } from './model.ts';
import { grouped } from './numbers.ts';
import { actionLines } from './run-actions.ts';
import { honeypotNote } from './honeypots.ts';

export interface PackFile {
  name: string;
  content: string;
}

export interface Pack {
  /** Folder name: [a-z0-9-], at most 64 characters, unique in the run. */
  folder: string;
  /** "AS64500 Example Net", or "Private, special-purpose or unlabelled address space". */
  title: string;
  asn?: number;
  org?: string;
  services: number;
  exposedServices: number;
  files: PackFile[];
}

const UNKNOWN_TITLE = 'Private, special-purpose or unlabelled address space';

/** Lower-case ASCII letters, digits and single dashes: safe as a folder name on every file system. */
export function folderName(text: string, max = 64): string {
  const ascii = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const s = ascii.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return (s.slice(0, max).replace(/-+$/, '') || 'unnamed');
}

interface Group {
  key: string;
  asn?: number;
  org?: string;
  services: ServiceReport[];
}

function groupServices(model: ReportModel): Group[] {
  const groups = new Map<string, Group>();
  for (const s of model.services) {
    const key = s.space === 'public' && s.asn !== undefined ? `AS${s.asn}` : 'other';
    const g = groups.get(key) ?? { key, ...(key !== 'other' ? { asn: s.asn, org: s.org } : {}), services: [] };
    g.services.push(s);
    groups.set(key, g);
  }
  // Networks with the most exposed services first; the catch-all last.
  return [...groups.values()].sort(
    (a, b) =>
      Number(a.key === 'other') - Number(b.key === 'other') ||
      b.services.filter((s) => s.exposed).length - a.services.filter((s) => s.exposed).length ||
      (a.asn ?? 0) - (b.asn ?? 0),
  );
}

function byRule(services: ServiceReport[]): Array<{ f: ReportFinding; hits: Array<{ s: ServiceReport; finding: ServiceFinding }> }> {
  const m = new Map<string, { f: ReportFinding; hits: Array<{ s: ServiceReport; finding: ServiceFinding }> }>();
  for (const s of services) {
    for (const f of s.findings) {
      const g = m.get(f.ruleId) ?? { f, hits: [] };
      g.hits.push({ s, finding: f });
      m.set(f.ruleId, g);
    }
  }
  return [...m.values()].sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity) || a.f.ruleId.localeCompare(b.f.ruleId));
}

/** "; 2 of them returned patient-level study records: 1 to an unauthenticated query, 1 only with the vendor's default password." */
function exposedSentence(services: readonly ServiceReport[]): string {
  const exposed = services.filter((s) => s.exposed).length;
  if (exposed === 0) return '; none returned patient-level records.';
  const a = exposedAccessOf(services);
  const open = exposed - a.withDefaultLogin;
  const records = `; ${exposed} of them returned patient-level study records`;
  if (a.withDefaultLogin === 0) return `${records} to an unauthenticated query.`;
  if (open === 0) return `${records}, only with ${loginPhrase(a)}.`;
  return `${records}: ${open} to an unauthenticated query, ${a.withDefaultLogin} only with ${loginPhrase(a)}.`;
}

/** "CRITICAL", or, when a finding another service of the port holds is more severe, "CRITICAL (on this port)". */
function mostSevere(s: ServiceReport): string {
  const port = portSeverityAbove(s);
  if (port) return `${SEVERITY_LABEL[port]} (on this port)`;
  return s.highestSeverity ? SEVERITY_LABEL[s.highestSeverity] : '';
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

type LetterColumn = readonly [header: string, align: string, cell: (s: ServiceReport) => string];

const LETTER_COLUMNS: readonly LetterColumn[] = [
  ['Endpoint', '---', (s) => md(endpointText(s.ip, s.port))],
  ['Protocol', '---', (s) => md(`${s.protocol}${s.tls ? ' over TLS' : ''}`)],
  ['Product', '---', (s) => md(s.product ?? '')],
  ['Called AE', '---', (s) => md(aeText(s) ?? '')],
  ['Access', '---', (s) => md(s.access ?? '')],
  ['Patients', '---:', (s) => countText(s.patients)],
  ['Studies', '---:', (s) => countText(s.studies)],
  ['Images', '---:', (s) => countText(s.images)],
  ['Exposed', '---', (s) => (s.exposed ? 'yes' : 'no')],
  ['Most severe', '---', mostSevere],
];

/** The letter's services, one row each (a port may carry several); the Access column only when a web login was seen. */
function servicesTable(services: readonly ServiceReport[]): string[] {
  const web = services.some((s) => s.access !== undefined);
  const columns = LETTER_COLUMNS.filter(([header]) => web || header !== 'Access');
  return [row(columns.map(([h]) => h)), row(columns.map(([, a]) => a)), ...services.map((s) => row(columns.map(([, , cell]) => cell(s))))];
}

function letter(model: ReportModel, title: string, services: ServiceReport[]): string {
  const r = model.run;
  const date = (r.finishedAt ?? r.startedAt).slice(0, 10);
  const lines = [
    `# Exposed medical imaging services: ${md(title)}`,
    '',
    `To the abuse or security contact for ${md(title)}:`,
    '',
    `A scan on ${md(date)} (Exposure run ${r.id}) found ${counted(services.length, 'medical imaging service')} in this address space that ${services.length === 1 ? 'answers' : 'answer'} unknown clients` +
      exposedSentence(services),
    'Please forward this to the people who run these systems. The findings below say what was seen and how to close it.',
    '',
    '**How to see it yourself:** under each affected service, a command with standard tools (DCMTK, curl, smbclient, openssl, nmap) shows the finding from any machine that may reach the service. It prints statuses, counts and server settings, never a patient\'s data.',
    '',
    '**What was done, and what was not:**',
    '',
    ...actionLines(r.actions, r).map((l) => `- ${md(l)}`),
    '',
    `**Scanner:** calling AE title ${md(r.scanner.callingAeTitle)}; ${md(r.scanner.userAgent)}.`,
    '',
    '## Services',
    '',
    ...servicesTable(services),
    '',
    '## Findings and remediation',
    '',
  ];
  const rules = byRule(services);
  if (rules.length === 0) lines.push('No findings.', '');
  for (const { f, hits } of rules) {
    lines.push(
      `### ${SEVERITY_LABEL[f.severity]} · ${md(f.ruleId)}: ${md(f.title)}`,
      '',
      ...hits.flatMap((h) => hitMarkdown(md(endpointText(h.s.ip, h.s.port)), h.finding.evidence, h.finding.proof)),
      `**How to fix it:** ${md(f.remediation)}`,
      '',
    );
    if (f.references.length > 0) lines.push(`**References:** ${f.references.map(md).join('; ')}`, '');
  }
  lines.push('The files services.csv and findings.csv in this folder hold the same data for tracking.', '', ...geoFooterMarkdown(model.geo));
  return lines.join('\n');
}

/**
 * A letter tells a network it hands out patient data: a likely honeypot does not, and its
 * owner deployed it on purpose. Left out of the packs unless the report keeps honeypots.
 */
function packedServices(model: ReportModel): ReportModel {
  if (!model.totals.likelyHoneypots || model.totals.likelyHoneypots.counted) return model;
  return { ...model, services: model.services.filter((s) => s.honeypot?.level !== 'likely') };
}

export function buildPacks(model: ReportModel): Pack[] {
  const used = new Set<string>();
  return groupServices(packedServices(model)).map((g) => {
    const title = g.key === 'other' ? UNKNOWN_TITLE : `${g.key}${g.org ? ` ${g.org}` : ''}`;
    let folder = g.key === 'other' ? 'private-or-unknown' : folderName(`${g.key}-${g.org ?? ''}`);
    for (let i = 2; used.has(folder); i += 1) folder = `${folderName(folder, 58)}-${i}`;
    used.add(folder);
    const sub: ReportModel = { ...model, services: g.services };
    const pack: Pack = {
      folder,
      title,
      services: g.services.length,
      exposedServices: g.services.filter((s) => s.exposed).length,
      files: [
        { name: 'README.md', content: letter(model, title, g.services) },
        { name: 'services.csv', content: renderCsv(sub) },
        { name: 'findings.csv', content: renderFindingsCsv(sub) },
      ],
    };
    if (g.asn !== undefined) pack.asn = g.asn;
    if (g.org !== undefined) pack.org = g.org;
    return pack;
  });
}

/** What the packs did with likely honeypots: left out (no letter about them), or kept. */
function honeypotLines(model: ReportModel): string[] {
  const note = honeypotNote(model.totals);
  if (!note) return [];
  return [`${md(note)}${model.totals.likelyHoneypots?.counted ? '' : ': no letter is written about them'}.`, ''];
}

/** The top-level index of a set of packs. */
export function packsIndex(model: ReportModel, packs: Pack[]): string {
  return [
    `# Notification packs: run ${model.run.id}`,
    '',
    'One folder per network, each with a letter (README.md), services.csv and findings.csv.',
    '',
    ...honeypotLines(model),
    row(['Folder', 'Network', 'Services', 'Exposed services']),
    row(['---', '---', '---:', '---:']),
    ...packs.map((p) => row([md(p.folder), md(p.title), grouped(p.services), grouped(p.exposedServices)])),
    '',
    ...geoFooterMarkdown(model.geo),
  ].join('\n');
}
