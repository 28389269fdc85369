/**
 * Wording shared by the human-readable renderers (table, Markdown).
 * Returns raw text: callers escape for their format.
 */
import { SEVERITIES, severityRank, type Severity } from '../observation/finding.ts';
import { counted, plural } from '../observation/count.ts';
import type { ImageDistribution } from '../store/index.ts';
import type { ExposedAccess, ReportCount, ReportHead, ReportTotals, ServiceReport } from './model.ts';
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
  const other = s.otherModalities ? [`${counted(s.otherModalities, 'other value')}`] : [];
  return [...s.modalities, ...other].join(separator);
}

export function findingsCountText(model: Pick<ReportHead, 'totals'>): string {
  return SEVERITIES.map((sev) => `${model.totals.findings[sev]} ${sev}`).join(', ');
}

/**
 * The few words a service's findings column shows: most severe, and how many
 * in all; for a service whose port's finding another service of it holds,
 * that finding's severity, marked "(port)".
 */
export function findingsCell(s: ServiceReport): string {
  const port = portSeverityAbove(s);
  const more = s.findings.length - 1;
  const own = !s.highestSeverity ? '' : more > 0 ? `${s.highestSeverity} +${more}` : s.highestSeverity;
  return [own, port && `${port} (port)`].filter(Boolean).join(', ');
}

/** The severity of the port's findings another service holds, when it is above the service's own most severe. */
export function portSeverityAbove(s: ServiceReport): Severity | undefined {
  const port = s.portFindings?.[0]?.severity;
  if (!port) return undefined;
  return !s.highestSeverity || severityRank(port) > severityRank(s.highestSeverity) ? port : undefined;
}

/** "EXP-WEB-004 (on the portal service)": the findings of the port another service holds (raw text). */
export function portFindingsText(s: ServiceReport): string | undefined {
  if (!s.portFindings?.length) return undefined;
  return s.portFindings.map((f) => `${f.ruleId} (on the ${f.protocol} service)`).join(', ');
}

/** The rule ids a service's row lists: its own, then "on this port: …" for those another service of its port holds. */
export function findingIdsText(s: ServiceReport): string {
  const port = portFindingsText(s);
  return [s.findings.map((f) => f.ruleId).join(', '), port && `on this port: ${port}`].filter(Boolean).join('; ');
}

/** "Of 3 exposed servers, 2 hold over 1,000 images, 1 over 100,000 and 0 over 1,000,000." */
export function imagesOverText(d: ImageDistribution): string {
  return `Of ${counted(d.servers, 'exposed server', undefined, grouped)}, ${grouped(d.over1k)} ${d.over1k === 1 ? 'holds' : 'hold'} over 1,000 images, ${grouped(d.over100k)} over 100,000 and ${grouped(d.over1M)} over 1,000,000.`;
}

/** What the patients sum is, beside it: "summed over servers; ≥ 5 distinct" (raw text; `digits` as the sum beside it is written). */
export function patientsNote(t: Pick<ReportTotals, 'distinctPatientsAtLeast'>, digits: (n: number) => string = grouped): string {
  return t.distinctPatientsAtLeast === undefined ? 'summed over servers' : `summed over servers; ≥ ${digits(t.distinctPatientsAtLeast)} distinct`;
}

/** What opened the services a login opened: "the vendor's default password", "a blank password", or either. */
export function loginPhrase(a: ExposedAccess): string {
  if (a.withBlankLogin === 0) return "the vendor's default password";
  return a.withBlankLogin === a.withDefaultLogin && !a.atLeast ? 'a blank password' : "a blank or the vendor's default password";
}

/**
 * Who can take the records of `exposed` services, as a headline says it:
 * "anyone who asks", "anyone with the vendor's default password", or, when
 * both, "anyone who asks, 1 of them only with the vendor's default password".
 */
export function audienceText(a: ExposedAccess, exposed: number): string {
  if (a.withDefaultLogin === 0) return 'anyone who asks';
  if (a.withDefaultLogin >= exposed && !a.atLeast) return `anyone with ${loginPhrase(a)}`;
  return `anyone who asks, ${a.atLeast ? '≥ ' : ''}${grouped(a.withDefaultLogin)} of them only with ${loginPhrase(a)}`;
}

export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'INFO',
};

/** "… and 1,234 more services: see the CSV or NDJSON report for all of them." (raw text); `what` is the singular noun. */
export function moreText(n: number, what: string): string {
  return `… and ${grouped(n)} more ${plural(n, what)}: see the CSV or NDJSON report for all of them.`;
}
