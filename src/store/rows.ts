/**
 * Rows as SQLite returns them, and their conversion to the store's types.
 * Values were validated on insert; these casts only restore their types.
 */
import type { Finding, Severity } from '../observation/finding.ts';
import type { ProtocolId } from '../observation/observation.ts';
import type { FindingRow, RunMeta, RunRow, RunStatus } from './store.ts';
import type { ObservationColumns } from './stored-observation.ts';

export interface DbRun {
  id: number;
  started_at: string;
  finished_at: string | null;
  status: string;
  targets: string;
  ports: string;
  options: string;
  calling_ae_title: string;
  user_agent: string;
  targets_total: number | null;
  hosts_done: number | null;
  open_ports: number | null;
  excluded: number | null;
  hosts_recorded: number;
}

/** A service row with its host's columns and the JSON no column holds (stored-observation.ts). */
export interface DbService extends ObservationColumns {
  id: number;
  run_id: number;
  hostname: string | null;
  country: string | null;
  asn: number | null;
  org: string | null;
  space: string | null;
  json: string;
}

export interface DbFinding {
  id: number;
  run_id: number;
  service_id: number;
  rule_id: string;
  severity: string;
  title: string;
  evidence: string;
  remediation: string;
  references: string;
  cwe: string | null;
  ip: string;
  port: number;
  protocol: string;
}

export function runFromRow(r: DbRun): RunRow {
  const meta: RunMeta = {
    targets: JSON.parse(r.targets) as string[],
    ports: JSON.parse(r.ports) as number[],
    options: JSON.parse(r.options) as Record<string, unknown>,
    scanner: { callingAeTitle: r.calling_ae_title, userAgent: r.user_agent },
  };
  const summary =
    r.targets_total === null
      ? undefined
      : {
          targetsTotal: r.targets_total,
          hostsDone: r.hosts_done ?? 0,
          openPorts: r.open_ports ?? 0,
          excluded: r.excluded ?? 0,
        };
  return {
    id: r.id,
    startedAt: r.started_at,
    finishedAt: r.finished_at ?? undefined,
    status: r.status as RunStatus,
    meta,
    summary,
    hostsRecorded: r.hosts_recorded,
  };
}

export function findingFromRow(r: DbFinding): FindingRow {
  const finding: Finding = {
    ruleId: r.rule_id,
    title: r.title,
    severity: r.severity as Severity,
    evidence: r.evidence,
    remediation: r.remediation,
    references: JSON.parse(r.references) as string[],
  };
  // Leave the key out rather than set it to undefined, so a row equals the Finding that was stored.
  if (r.cwe !== null) finding.cwe = r.cwe;
  return {
    id: r.id,
    runId: r.run_id,
    serviceId: r.service_id,
    ip: r.ip,
    port: r.port,
    protocol: r.protocol as ProtocolId,
    ...finding,
  };
}
