/**
 * The terminal report, also printed at the end of `exposure scan`: one row
 * per service with a dimmed detail line (AE titles, C-ECHO/C-FIND, what is
 * exposed), totals, then the findings. Readable at 120 columns.
 */
import { severityRank, type Severity } from '../observation/finding.ts';
import { terminalText as t, truncate } from './escape.ts';
import { aeText, countText, endpointText, findingsCell, findingsCountText, modalitiesText, SEVERITY_LABEL } from './format.ts';
import { renderRows, wrap, type Cell, type Column, type Style } from './layout.ts';
import type { ReportModel, ServiceReport } from './model.ts';

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
  if (s.hostname) parts.push(`host ${s.hostname}`);
  const ae = aeText(s);
  if (ae) parts.push(`AE ${ae}`);
  if (s.echo) parts.push(`C-ECHO ${s.echo}`);
  if (s.find) parts.push(`C-FIND ${s.find}${s.findCapped ? ' (capped)' : ''}`);
  if (s.modalities.length > 0 || s.otherModalities) parts.push(`modalities ${modalitiesText(s, ' ')}`);
  if (s.fileShare) parts.push(s.fileShare);
  if (s.identifyingAttributes.length > 0) parts.push(`exposes ${s.identifyingAttributes.join(', ')}`);
  if (s.login) parts.push(`login ${s.login}`);
  if (s.access) parts.push(s.access);
  if (s.certificate) parts.push(`TLS ${s.certificate}`);
  if (s.error) parts.push(`error ${s.error}`);
  return t(parts.join(' · '));
}

function servicesSection(model: ReportModel, p: Palette, width: number): string[] {
  if (model.services.length === 0) return ['No services found.'];
  const rows = model.services.map((s) => serviceCells(s, p));
  const [header = '', ...lines] = renderRows(SERVICE_COLUMNS, rows, width, p.header);
  const out = [header];
  model.services.forEach((s, i) => {
    out.push(lines[i] ?? '');
    for (const d of wrap(detailText(s), width, '  ')) out.push(p.dim(d));
  });
  return out;
}

const FINDING_COLUMNS: readonly Column[] = [
  { header: 'Severity' },
  { header: 'Rule' },
  { header: 'Endpoint' },
  { header: 'Title', min: 20 },
];

function findingsSection(model: ReportModel, p: Palette, width: number): string[] {
  // Most severe first across the whole run, then by rule, then in service order.
  const all = model.services
    .flatMap((s) => s.findings.map((f) => ({ s, f })))
    .sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity) || a.f.ruleId.localeCompare(b.f.ruleId));
  if (all.length === 0) return ['No findings.'];
  const rows: Cell[][] = all.map(({ s, f }) => [
    { text: SEVERITY_LABEL[f.severity], style: p.severity[f.severity] },
    { text: t(f.ruleId) },
    { text: t(endpointText(s.ip, s.port)) },
    { text: t(f.title) },
  ]);
  return renderRows(FINDING_COLUMNS, rows, width, p.header);
}

export function renderTable(model: ReportModel, options: TableOptions): string {
  const width = Math.max(60, options.width ?? 120);
  const p = palette(options.color);
  const r = model.run;
  const head = t(`Run ${r.id} · ${r.status} · started ${r.startedAt}${r.finishedAt ? ` · finished ${r.finishedAt}` : ''}`);
  const scope = t(`Targets ${r.targets.join(', ')} · ports ${r.ports.join(', ')} · calling AE ${r.scanner.callingAeTitle}`);
  const totals = model.totals;
  const lines = [
    ...wrap(head, width, '').map(p.header),
    // The target list can be a whole file: one line of it is enough here.
    truncate(scope, width),
    '',
    ...servicesSection(model, p, width),
    '',
    ...wrap(
      `${totals.services} services, ${totals.exposedServices} exposed · patients ${countText(totals.patients)} · studies ${countText(totals.studies)} · images ${countText(totals.images)}` +
        (totals.files ? ` · DICOM files on shares ${countText(totals.files)} (${countText(totals.bytes)} bytes)` : ''),
      width,
      '',
    ),
    ...wrap(`Findings: ${findingsCountText(model)}`, width, ''),
    '',
    ...findingsSection(model, p, width),
  ];
  return lines.join('\n') + '\n';
}
