/**
 * The terminal report: one row per service with a dimmed detail line (AE
 * titles, C-ECHO/C-FIND, what is exposed), totals, then the findings; the
 * lists bounded (bounded.ts). And the summary `exposure scan` prints when it
 * ends: services by protocol, the exposed ones, the totals. Readable at 120 columns.
 */
import { honeypotNote, honeypotText, honeypotWorthSaying } from './honeypots.ts';
import type { Severity } from '../observation/finding.ts';
import type { ReportBounds } from './bounded.ts';
import { terminalText as t, truncate } from './escape.ts';
import { counted } from '../observation/count.ts';
import { aeText, audienceText, countText, endpointText, findingsCell, findingsCountText, modalitiesText, moreText, patientsNote, portFindingsText, SEVERITY_LABEL } from './format.ts';
import { renderRows, wrap, type Cell, type Column, type Style } from './layout.ts';
import type { BoundedReport, ExposedAccess, ReportRun, ReportTotals, ScanSummary, ServiceReport } from './model.ts';

/** A terminal shows the first services and findings; the CSV and NDJSON reports carry the rest. */
export const TABLE_BOUNDS: ReportBounds = { services: 100, fileShares: 0, hitsPerRule: 20 };
/** Exposed services the scan lists when it ends. */
export const SCAN_SUMMARY_EXPOSED = 20;

export interface TableOptions {
  color: boolean;
  /** Terminal width; 120 when not given. */
  width?: number;
}

interface Palette {
  header: Style;
  dim: Style;
  ok: Style;
  exposed: Style;
  severity: Record<Severity, Style>;
}

const sgr =
  (codes: string): Style =>
  (s) =>
    `\u001b[${codes}m${s}\u001b[0m`;
const none: Style = (s) => s;

function palette(color: boolean): Palette {
  if (!color) {
    return { header: none, dim: none, ok: none, exposed: none, severity: { critical: none, high: none, medium: none, low: none, info: none } };
  }
  return {
    header: sgr('1'),
    dim: sgr('2'),
    ok: sgr('32'),
    exposed: sgr('1;31'),
    severity: { critical: sgr('1;31'), high: sgr('31'), medium: sgr('33'), low: sgr('36'), info: sgr('2') },
  };
}

// Endpoints are never cut (a truncated address is worse than a wide line);
// product and title give way first.
const SERVICE_COLUMNS: readonly Column[] = [
  { header: 'Endpoint' },
  { header: 'Protocol' },
  { header: 'Status' },
  { header: 'Product', min: 8 },
  { header: 'Patients', align: 'right' },
  { header: 'Studies', align: 'right' },
  { header: 'Images', align: 'right' },
  { header: 'Findings' },
];

function serviceCells(s: ServiceReport, p: Palette): Cell[] {
  const count = (c: ServiceReport['patients']): Cell => ({
    text: countText(c),
    style: c && c.n > 0 ? p.exposed : undefined,
  });
  return [
    { text: t(endpointText(s.ip, s.port)) },
    { text: s.protocol },
    { text: s.status, style: s.status === 'success' ? p.ok : undefined },
    { text: t(s.product ?? '') },
    count(s.patients),
    count(s.studies),
    count(s.images),
    { text: findingsCell(s), style: s.highestSeverity ? p.severity[s.highestSeverity] : undefined },
  ];
}

/** The line under a service: what a reader needs beyond the columns. */
function detailText(s: ServiceReport): string {
  const parts: string[] = [];
  // First, so a reader of a row counted out of the figures sees why.
  if (honeypotWorthSaying(s)) parts.push(honeypotText(s.honeypot));
  if (s.hostname) parts.push(`host ${s.hostname}`);
  const ae = aeText(s);
  if (ae) parts.push(`AE ${ae}`);
  if (s.echo) parts.push(`C-ECHO ${s.echo}`);
  if (s.find) parts.push(`C-FIND ${s.find}${s.findCapped ? ' (capped)' : ''}`);
  if (s.modalities.length > 0 || s.otherModalities) parts.push(`modalities ${modalitiesText(s, ' ')}`);
  if (s.fileShare) parts.push(s.fileShare);
  if (s.worklist) parts.push(`worklist ${s.worklist}`);
  if (s.identifyingAttributes.length > 0) parts.push(`exposes ${s.identifyingAttributes.join(', ')}`);
  if (s.login) parts.push(`login ${s.login}`);
  if (s.access) parts.push(s.access);
  if (s.certificate) parts.push(`TLS ${s.certificate}`);
  if (s.error) parts.push(`error ${s.error}`);
  const port = portFindingsText(s);
  if (port) parts.push(`finding on this port: ${port}`);
  return t(parts.join(' · '));
}

/** Header, then each service's row and its dimmed detail lines. */
function servicesRows(services: readonly ServiceReport[], p: Palette, width: number): string[] {
  const [header = '', ...lines] = renderRows(SERVICE_COLUMNS, services.map((s) => serviceCells(s, p)), width, p.header);
  const out = [header];
  services.forEach((s, i) => {
    out.push(lines[i] ?? '');
    for (const d of wrap(detailText(s), width, '  ')) out.push(p.dim(d));
  });
  return out;
}

/** The line that closes a cut list; nothing when the list is whole. */
function more(n: number, what: string, width: number): string[] {
  return n > 0 ? wrap(t(moreText(n, what)), width, '') : [];
}

function servicesSection(model: BoundedReport, p: Palette, width: number): string[] {
  if (model.totals.services === 0) return ['No services found.'];
  return [...servicesRows(model.services, p, width), ...more(model.totals.services - model.services.length, 'service', width)];
}

const FINDING_COLUMNS: readonly Column[] = [
  { header: 'Severity' },
  { header: 'Rule' },
  { header: 'Endpoint' },
  { header: 'Title', min: 20 },
];

function findingsSection(model: BoundedReport, p: Palette, width: number): string[] {
  // Most severe first across the whole run, then by rule, then in address order (bounded.ts).
  if (model.rules.length === 0) return ['No findings.'];
  const rows: Cell[][] = model.rules.flatMap(({ finding: f, hits }) =>
    hits.map((h) => [
      { text: SEVERITY_LABEL[f.severity], style: p.severity[f.severity] },
      { text: t(f.ruleId) },
      { text: t(endpointText(h.ip, h.port)) },
      { text: t(f.title) },
    ]),
  );
  const left = model.rules.reduce((n, r) => n + r.services - r.hits.length, 0);
  return [...renderRows(FINDING_COLUMNS, rows, width, p.header), ...more(left, 'finding', width)];
}

/** Which run, and what it was asked to scan. */
function runLines(r: ReportRun, p: Palette, width: number): string[] {
  const head = t(`Run ${r.id} · ${r.status} · started ${r.startedAt}${r.finishedAt ? ` · finished ${r.finishedAt}` : ''}`);
  const scope = t(`Targets ${r.targets.join(', ')} · ports ${r.ports.join(', ')} · calling AE ${r.scanner.callingAeTitle}`);
  // The target list can be a whole file: one line of it is enough here.
  return [...wrap(head, width, '').map(p.header), truncate(scope, width)];
}

/** The headline: services, exposure (and who can read it, when known), what they hold, findings by severity. */
function totalsLines(totals: ReportTotals, width: number, access?: ExposedAccess): string[] {
  const who = access && totals.exposedServices > 0 ? ` to ${audienceText(access, totals.exposedServices)}` : '';
  const patients = `patient records ${countText(totals.patients)}${totals.patients ? ` (${patientsNote(totals, String)})` : ''}`;
  return [
    ...wrap(
      `${counted(totals.services, 'service')}, ${totals.exposedServices} exposed${who} · ${patients} · studies ${countText(totals.studies)} · images ${countText(totals.images)}` +
        (totals.files ? ` · DICOM files on shares ${countText(totals.files)} (${countText(totals.bytes)} bytes)` : ''),
      width,
      '',
    ),
    ...wrap(`Findings: ${findingsCountText({ totals })}`, width, ''),
    ...(honeypotNote(totals) ? wrap(`Honeypots: ${honeypotNote(totals)!}`, width, '') : []),
  ];
}

export function renderTable(model: BoundedReport, options: TableOptions): string {
  const width = Math.max(60, options.width ?? 120);
  const p = palette(options.color);
  const lines = [
    ...runLines(model.run, p, width),
    '',
    ...servicesSection(model, p, width),
    '',
    ...totalsLines(model.totals, width, model.exposedAccess),
    '',
    ...findingsSection(model, p, width),
  ];
  return lines.join('\n') + '\n';
}

const PROTOCOL_COLUMNS: readonly Column[] = [{ header: 'Protocol' }, { header: 'Services', align: 'right' }, { header: 'Exposed', align: 'right' }];

/** What `exposure scan` prints when it ends: services and exposure by protocol, the exposed services, the headline. */
export function renderScanSummary(summary: ScanSummary, options: TableOptions): string {
  const width = Math.max(60, options.width ?? 120);
  const p = palette(options.color);
  const byProtocol = summary.byProtocol.map((r): Cell[] => [
    { text: t(r.key) },
    { text: String(r.services) },
    { text: String(r.exposedServices), style: r.exposedServices > 0 ? p.exposed : undefined },
  ]);
  const exposed =
    summary.exposed.length === 0
      ? ['No service exposed patient data.']
      : [
          p.header('Exposed services'),
          ...servicesRows(summary.exposed, p, width),
          ...more(summary.totals.exposedServices - summary.exposed.length, 'exposed service', width),
        ];
  const lines = [
    ...runLines(summary.run, p, width),
    '',
    ...(byProtocol.length === 0 ? ['No services found.'] : renderRows(PROTOCOL_COLUMNS, byProtocol, width, p.header)),
    '',
    ...exposed,
    '',
    ...totalsLines(summary.totals, width),
  ];
  return lines.join('\n') + '\n';
}
