/**
 * A finding's life across the runs of one scope, in SQL both engines run: a
 * finding's identity is its rule, address, port and protocol; each identity
 * is lined up against every run that looked at its endpoint from its first
 * sighting on, and the gaps in that line say whether it was fixed (absent
 * after its last sighting) and whether it came back (seen again after a run
 * that looked and did not find it). Nothing is stored for this: the findings
 * of the runs are the record (docs/decisions/0080-watching-a-scope.md).
 */
import { SEVERITY_ORDER } from './aggregate-queries.ts';
import type { SqlDialect } from './sql-store.ts';
import type { Severity } from '../observation/finding.ts';
import type { ProtocolId } from '../observation/observation.ts';
import type { FindingLifecycleRow, ScopeRun } from './store.ts';

const SAME_IDENTITY = (a: string, b: string): string =>
  `${a}.rule_id = ${b}.rule_id AND ${a}.ip = ${b}.ip AND ${a}.port = ${b}.port AND ${a}.protocol = ${b}.protocol`;

/**
 * Parameters, in order: the ids of every run of the scope; the ids of runs
 * that scanned the whole scope; "RUN|IP|PORT" of runs that scanned one endpoint.
 */
export function lifecycleSql(d: SqlDialect): string {
  return `WITH occurrences AS (
      SELECT f.rule_id, s.ip, s.ip_key, s.port, s.protocol, f.run_id, min(f.id) AS finding_id
      FROM findings f JOIN services s ON s.id = f.service_id
      WHERE ${d.inList('f.run_id', 'id')}
      GROUP BY f.rule_id, s.ip, s.ip_key, s.port, s.protocol, f.run_id
    ),
    identities AS (
      SELECT rule_id, ip, ip_key, port, protocol, min(run_id) AS first_run, max(run_id) AS last_run, count(*) AS runs_seen
      FROM occurrences GROUP BY rule_id, ip, ip_key, port, protocol
    ),
    -- Every run that looked at the identity's endpoint, from its first sighting on, and whether it saw it.
    timeline AS (
      SELECT i.rule_id, i.ip, i.port, i.protocol, i.last_run, r.id AS run_id,
             CASE WHEN o.run_id IS NULL THEN 0 ELSE 1 END AS present
      FROM identities i
      JOIN runs r ON r.id >= i.first_run
        AND (${d.inList('r.id', 'id')} OR ${d.inList(`CAST(r.id AS TEXT) || '|' || i.ip || '|' || CAST(i.port AS TEXT)`, 'text')})
      LEFT JOIN occurrences o ON ${SAME_IDENTITY('o', 'i')} AND o.run_id = r.id
    ),
    spans AS (
      SELECT rule_id, ip, port, protocol,
             min(CASE WHEN present = 0 AND run_id > last_run THEN run_id END) AS fixed_run,
             max(CASE WHEN present = 0 AND run_id < last_run THEN run_id END) AS last_gap
      FROM timeline GROUP BY rule_id, ip, port, protocol
    )
    SELECT i.rule_id, i.ip, i.port, i.protocol, i.first_run, i.last_run, i.runs_seen, sp.fixed_run,
           (SELECT min(o.run_id) FROM occurrences o WHERE ${SAME_IDENTITY('o', 'i')} AND o.run_id > sp.last_gap) AS reopened_run,
           f.id AS finding_id, f.severity, t.title,
           CASE WHEN ls.honeypot = 'likely' THEN 1 ELSE 0 END AS likely_honeypot
    FROM identities i
    LEFT JOIN spans sp ON ${SAME_IDENTITY('sp', 'i')}
    JOIN occurrences latest ON ${SAME_IDENTITY('latest', 'i')} AND latest.run_id = i.last_run
    JOIN findings f ON f.id = latest.finding_id
    -- The latest sighting's service: whether the honeypot pass found it likely (NULL, never assessed, is an archive).
    JOIN services ls ON ls.id = f.service_id
    JOIN rule_texts t ON t.id = f.rule_text_id
    ORDER BY ${SEVERITY_ORDER}, i.rule_id, i.ip_key, i.port, i.protocol`;
}

export interface DbLifecycle {
  rule_id: string;
  ip: string;
  port: number;
  protocol: string;
  first_run: number;
  last_run: number;
  runs_seen: number;
  fixed_run: number | null;
  reopened_run: number | null;
  finding_id: number;
  severity: string;
  title: string;
  likely_honeypot: number;
}

/** The three parameters of lifecycleSql, from the runs of a scope. */
export function lifecycleParameters(runs: readonly ScopeRun[]): { all: number[]; whole: number[]; endpoints: string[] } {
  return {
    all: runs.map((r) => r.id),
    whole: runs.filter((r) => r.endpoint === undefined).map((r) => r.id),
    endpoints: runs.flatMap((r) => (r.endpoint ? [`${r.id}|${r.endpoint.ip}|${r.endpoint.port}`] : [])),
  };
}

export function lifecycleFromRow(r: DbLifecycle): FindingLifecycleRow {
  return {
    ruleId: r.rule_id,
    ip: r.ip,
    port: r.port,
    protocol: r.protocol as ProtocolId,
    severity: r.severity as Severity,
    title: r.title,
    findingId: r.finding_id,
    firstRun: r.first_run,
    lastRun: r.last_run,
    runsSeen: r.runs_seen,
    fixedRun: r.fixed_run ?? undefined,
    reopenedRun: r.reopened_run ?? undefined,
    likelyHoneypot: Number(r.likely_honeypot) === 1,
  };
}
