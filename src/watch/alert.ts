/**
 * What a watch tells people after a run of a scope: the findings at or above
 * the alert severity that are new since the scope's previous run, and those
 * that are gone (fixed), each with its endpoint and what to do about it, and
 * the run's counts. Only rule ids, our own titles and remediation texts,
 * addresses, ports, protocols and counts: nothing a peer sent, and never a
 * value of a patient attribute (rules never put one in a finding anyway).
 * Likely honeypots raise no alert: the diff leaves their findings out unless
 * the watch keeps them, and the alert says how many it left out.
 */
import { counted } from '../observation/count.ts';
import { SEVERITIES, severityRank, type Severity } from '../observation/finding.ts';
import { honeypotsLeftOut, type RunDiff } from '../report/diff.ts';
import { endpointText } from '../report/format.ts';
import type { RunTotals } from '../store/index.ts';

const ALERT_SCHEMA = 'exposure-alert/1';
/** Findings listed per kind at most: the counts say how many there were. */
export const MAX_LISTED = 200;

/** A finding as the watch names it: the rule, in our words, on an endpoint. */
export interface EndpointFinding {
  ruleId: string;
  title: string;
  severity: Severity;
  ip: string;
  port: number;
  protocol: string;
}

export interface AlertFinding extends EndpointFinding {
  remediation: string;
}

export interface AlertRun {
  id: number;
  startedAt: string;
}

export interface Alert {
  schema: typeof ALERT_SCHEMA;
  scope: string;
  run: AlertRun;
  /** The run compared with; null for a scope's first run (everything in it is new). */
  previousRun: AlertRun | null;
  minSeverity: Severity;
  counts: {
    /** At or above minSeverity. */
    newFindings: number;
    fixedFindings: number;
    newExposures: number;
    fixedExposures: number;
    /** Every finding of the run, by severity. */
    findingsInRun: Record<Severity, number>;
    exposedServicesInRun: number;
    /** Services likely honeypots in either run, whose findings the alert leaves out (0 when the watch keeps them). */
    likelyHoneypotsLeftOut: number;
  };
  newFindings: AlertFinding[];
  fixedFindings: AlertFinding[];
  /** The two runs were given different targets or ports: a "fixed" finding may only be out of the new scope. */
  scopeChanged: boolean;
}

export interface AlertInput {
  readonly scope: string;
  readonly run: AlertRun;
  readonly previousRun: AlertRun | undefined;
  readonly diff: RunDiff;
  /** Remediation by rule id, from the findings of either run. */
  readonly remediation: ReadonlyMap<string, string>;
  readonly totals: RunTotals;
  readonly minSeverity: Severity;
}

/** The alert for a run; undefined when nothing at or above the severity is new or fixed. */
export function alertFrom(input: AlertInput): Alert | undefined {
  const floor = severityRank(input.minSeverity);
  const pick = (list: RunDiff['newFindings']): AlertFinding[] =>
    list
      .filter((f) => severityRank(f.severity) >= floor)
      .map((f) => ({ ruleId: f.ruleId, title: f.title, severity: f.severity, ip: f.ip, port: f.port, protocol: f.protocol, remediation: input.remediation.get(f.ruleId) ?? '' }));
  const added = pick(input.diff.newFindings);
  const fixed = pick(input.diff.resolvedFindings);
  if (added.length === 0 && fixed.length === 0) return undefined;
  return {
    schema: ALERT_SCHEMA,
    scope: input.scope,
    run: input.run,
    previousRun: input.previousRun ?? null,
    minSeverity: input.minSeverity,
    counts: {
      newFindings: added.length,
      fixedFindings: fixed.length,
      newExposures: input.diff.newExposures.length,
      fixedExposures: input.diff.fixed.length,
      findingsInRun: Object.fromEntries(SEVERITIES.map((s) => [s, input.totals.findings[s] ?? 0])) as Record<Severity, number>,
      exposedServicesInRun: input.totals.exposedServices,
      likelyHoneypotsLeftOut: honeypotsLeftOut(input.diff),
    },
    newFindings: added.slice(0, MAX_LISTED),
    fixedFindings: fixed.slice(0, MAX_LISTED),
    scopeChanged: input.previousRun !== undefined && input.diff.scopeDiffers,
  };
}

/** "radiology: 2 new findings (critical or high), 1 fixed". */
export function alertSubject(a: Alert): string {
  const parts = [
    ...(a.counts.newFindings > 0 ? [counted(a.counts.newFindings, 'new finding')] : []),
    ...(a.counts.fixedFindings > 0 ? [`${a.counts.fixedFindings} fixed`] : []),
  ];
  return `Exposure, scope ${a.scope}: ${parts.join(', ')} (${a.minSeverity} or worse), run ${a.run.id}`;
}

function endpoint(f: AlertFinding): string {
  return `${endpointText(f.ip, f.port)} ${f.protocol}`;
}

function section(title: string, list: readonly AlertFinding[], total: number, withRemedy: boolean, whole: string): string[] {
  if (total === 0) return [];
  const lines = [`${title} (${total})`];
  for (const f of list) {
    lines.push(`  ${f.severity.toUpperCase().padEnd(8)} ${f.ruleId}  ${endpoint(f)}  ${f.title}`);
    if (withRemedy && f.remediation !== '') lines.push(`           what to do: ${f.remediation}`);
  }
  if (total > list.length) lines.push(`  … and ${total - list.length} more (${whole} lists them all)`);
  return [...lines, ''];
}

/** One line when likely honeypots were left out, none otherwise. */
function honeypotLine(a: Alert): string[] {
  const n = a.counts.likelyHoneypotsLeftOut;
  return n === 0 ? [] : [`${counted(n, 'likely honeypot')} left out of this alert (keepHoneypots: true in the watch configuration to alert on them as archives).`, ''];
}

/** The alert as a plain-text e-mail body. */
export function alertText(a: Alert): string {
  const since = a.previousRun ? `run ${a.previousRun.id} (${a.previousRun.startedAt})` : 'nothing: this is the scope\'s first run';
  const f = a.counts.findingsInRun;
  const changes = a.previousRun ? `exposure diff ${a.previousRun.id} ${a.run.id}` : `exposure report --run ${a.run.id}`;
  return [
    `Scope ${a.scope}, run ${a.run.id} started ${a.run.startedAt}, compared with ${since}.`,
    '',
    ...section('New findings', a.newFindings, a.counts.newFindings, true, changes),
    ...section('Fixed: no longer found', a.fixedFindings, a.counts.fixedFindings, false, changes),
    ...honeypotLine(a),
    ...(a.scopeChanged ? ['Note: the two runs were given different targets or ports; a finding may be missing only because its endpoint was not scanned.', ''] : []),
    `The run: ${counted(a.counts.exposedServicesInRun, 'exposed service')}; findings ${SEVERITIES.map((s) => `${s} ${f[s]}`).join(', ')}.`,
    `Details: exposure report --run ${a.run.id}${a.previousRun ? `; changes: ${changes}` : ''}; lifecycle: exposure findings --scope ${a.scope}.`,
    '',
  ].join('\n');
}
