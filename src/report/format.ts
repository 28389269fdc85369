/**
 * Wording shared by the human-readable renderers (table, Markdown).
 * Returns raw text: callers escape for their format.
 */
import { SEVERITIES, type Severity } from '../observation/finding.ts';
import type { ReportCount, ReportHead, ServiceReport } from './model.ts';
import { grouped } from './numbers.ts';

/** "10.0.0.5:104", "[2001:db8::5]:104" (RFC 3986 brackets, so the port is not read as a group). */
export function endpointText(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** "1000", "≥ 1000", or a dash when the count was not taken. */
export function countText(c: ReportCount | undefined): string {
  return c ? c.text : '—';
}

/** The called AE title story of one service, e.g. "tried X, ORTHANC; accepted ORTHANC (any called AE title)". */
export function aeText(s: ServiceReport): string | undefined {
  if (s.aeTitlesTried.length === 0) return undefined;
  const tried = `tried ${s.aeTitlesTried.join(', ')}`;
  if (s.acceptedAeTitle === undefined) return `${tried}; none accepted${s.lastRefusal ? ` (${s.lastRefusal})` : ''}`;
  const any = s.acceptsAnyCalledAe ? ' (accepts any called AE title)' : '';
  return `${tried}; accepted ${s.acceptedAeTitle}${any}`;
}

/** "CT, MR, 2 other values": defined terms, then how many values were not one (never the values themselves). */
export function modalitiesText(s: Pick<ServiceReport, 'modalities' | 'otherModalities'>, separator: string): string {
  const other = s.otherModalities ? [`${s.otherModalities} other value${s.otherModalities === 1 ? '' : 's'}`] : [];
  return [...s.modalities, ...other].join(separator);
}

export function findingsCountText(model: Pick<ReportHead, 'totals'>): string {
  return SEVERITIES.map((sev) => `${model.totals.findings[sev]} ${sev}`).join(', ');
}

/** The few words a service's findings column shows: most severe, and how many in all. */
export function findingsCell(s: ServiceReport): string {
  if (!s.highestSeverity) return '';
  const more = s.findings.length - 1;
  return more > 0 ? `${s.highestSeverity} +${more}` : s.highestSeverity;
}

export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'INFO',
};

/** "… and 1,234 more services: see the CSV or NDJSON report for all of them." (raw text). */
export function moreText(n: number, what: string): string {
  return `… and ${grouped(n)} more ${what}: see the CSV or NDJSON report for all of them.`;
}
