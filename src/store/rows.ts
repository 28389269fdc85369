/**
 * Rows as both engines return them (the same columns, numbers as numbers),
 * and their conversion to the store's types. Values were validated on
 * insert; these casts only restore their types.
 */
import type { Finding, Severity } from '../observation/finding.ts';
import { Observation, PROBE_STATUSES, PROTOCOL_IDS, type ProbeStatus, type ProtocolId } from '../observation/observation.ts';
import { HONEYPOT_LEVELS, HONEYPOT_SIGNALS, type HoneypotAssessment, type HoneypotLevel, type HoneypotSignal } from '../observation/honeypot.ts';
import { conformsExactly } from './conforms.ts';
import { StoreError } from './errors.ts';
import type { FindingRow, FiredRule, RunMeta, RunRow, RunStatus, ScanCheckpoint, ServiceFindingsRow, ServiceRow } from './store.ts';
import { observationFromParts, type InventoryRecord, type ObservationColumns } from './stored-observation.ts';

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

/** A service row with its host's columns, without its observation. */
export interface DbServiceHead extends Pick<ObservationColumns, 'ip' | 'port' | 'protocol' | 'tls' | 'status' | 'product' | 'version'> {
  id: number;
  run_id: number;
  hostname: string | null;
  country: string | null;
  asn: number | null;
  org: string | null;
  space: string | null;
  /** The honeypot assessment's columns (migration 8): NULL when the service was not assessed. */
  honeypot: string | null;
  honeypot_score: number | null;
  honeypot_signals: string | null;
}

/** A service row with its host's columns and the JSON no column holds (stored-observation.ts). */
export interface DbService extends DbServiceHead, ObservationColumns {
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

/** A finding of a page of services: its rule's words are read apart (DbRuleWords). */
export interface DbPageFinding {
  service_id: number;
  rule_id: string;
  severity: string;
  rule_text_id: number;
  evidence: string;
}

/** A row of rule_texts as pages of findings read it. */
export interface DbRuleWords {
  id: number;
  title: string;
  remediation: string;
  references: string;
  cwe: string | null;
}

/** What a finding takes from its rule's text. */
export interface RuleWords {
  title: string;
  remediation: string;
  references: readonly string[];
  cwe: string | undefined;
}

export function ruleWordsFromRow(r: Omit<DbRuleWords, 'id'>): RuleWords {
  return { title: r.title, remediation: r.remediation, references: JSON.parse(r.references) as string[], cwe: r.cwe ?? undefined };
}

/** A finding of a page, with the words of its rule (read before it; a missing row is a corrupt store). */
export function pageFinding(r: Pick<DbPageFinding, 'service_id' | 'rule_id' | 'severity' | 'evidence'>, words: RuleWords | undefined): Finding {
  if (!words) throw new StoreError('CORRUPT_ROW', `a finding of service ${r.service_id} points at a rule text that is not there`);
  const finding: Finding = {
    ruleId: r.rule_id,
    title: words.title,
    severity: r.severity as Severity,
    evidence: r.evidence,
    remediation: words.remediation,
    references: [...words.references],
  };
  // Leave the key out rather than set it to undefined, so a row equals the Finding that was stored.
  if (words.cwe !== undefined) finding.cwe = words.cwe;
  return finding;
}

/** A rule's wording and severity as fired in a run (sql-store.ts firedRules). */
export interface DbFiredRule {
  rule_id: string;
  severity: string;
  rule_text_id: number;
  title: string;
  remediation: string;
  references: string;
  cwe: string | null;
}

export function firedRuleFromRow(r: DbFiredRule): FiredRule {
  const rule: FiredRule = { ruleId: r.rule_id, title: r.title, severity: r.severity as Severity, remediation: r.remediation, references: JSON.parse(r.references) as string[] };
  if (r.cwe !== null) rule.cwe = r.cwe;
  return rule;
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
  // The row carries its rule's words itself: the same finding a page of services builds.
  const finding = pageFinding(r, ruleWordsFromRow(r));
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

/** Rows grouped by what they belong to (a service, a rule), each group in the order the rows came. */
export function grouped<R, T, K = number>(rows: readonly R[], split: (row: R) => [K, T]): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const [serviceId, item] = split(row);
    const list = groups.get(serviceId);
    if (list) list.push(item);
    else groups.set(serviceId, [item]);
  }
  return groups;
}

/** True when a row read back is already exactly what the result schema makes of it (conforms.ts). */
const isStoredObservation = conformsExactly(Observation);

function corruptRow(row: DbServiceHead, runId: number): StoreError {
  // Only a hand-edited store or a missing migration gets here: name the row, not its content.
  return new StoreError('CORRUPT_ROW', `the observation of service ${row.id} in run ${runId} no longer matches the schema`);
}

/**
 * The observation of a row, validated again: a row as it was written is used
 * as it is; anything else (a file edited since, a row written by an older
 * version) is parsed by the schema, which cleans its peer text or refuses it.
 */
function observationOf(row: DbService, runId: number, inventory: readonly InventoryRecord[]): Observation {
  const raw = observationFromParts(row, row.json, inventory);
  if (isStoredObservation(raw)) return raw as Observation;
  const parsed = Observation.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw corruptRow(row, runId);
}

const PROTOCOLS: ReadonlySet<string> = new Set(PROTOCOL_IDS);
const STATUSES: ReadonlySet<string> = new Set(PROBE_STATUSES);

/**
 * A service's columns, checked as its observation's schema checks them (the
 * closed sets of protocols and statuses, the port's range): a row read without
 * its observation holds no text the schema would not have let through there.
 */
export function serviceFindingsFromRow(row: DbServiceHead, runId: number, findings: Finding[]): ServiceFindingsRow {
  const port = row.port;
  if (!PROTOCOLS.has(row.protocol) || !STATUSES.has(row.status) || !Number.isInteger(port) || port < 1 || port > 65535) throw corruptRow(row, runId);
  return {
    id: row.id,
    runId: row.run_id,
    ip: row.ip,
    hostname: row.hostname ?? undefined,
    country: row.country ?? undefined,
    asn: row.asn ?? undefined,
    org: row.org ?? undefined,
    space: row.space ?? undefined,
    port,
    protocol: row.protocol as ProtocolId,
    tls: row.tls === 1,
    status: row.status as ProbeStatus,
    product: row.product ?? undefined,
    version: row.version ?? undefined,
    ...honeypotOf(row),
    findings,
  };
}

const LEVELS: ReadonlySet<string> = new Set(HONEYPOT_LEVELS);
const SIGNALS: ReadonlySet<string> = new Set(HONEYPOT_SIGNALS);

/** The stored assessment, when there is one; signals outside the vocabulary (a hand-edited row) are dropped. */
function honeypotOf(row: DbServiceHead): { honeypot?: HoneypotAssessment } {
  if (row.honeypot === null || row.honeypot === undefined || !LEVELS.has(row.honeypot)) return {};
  let signals: HoneypotSignal[] = [];
  try {
    const parsed: unknown = JSON.parse(row.honeypot_signals ?? '[]');
    if (Array.isArray(parsed)) signals = parsed.filter((x): x is HoneypotSignal => typeof x === 'string' && SIGNALS.has(x));
  } catch {
    signals = [];
  }
  const score = Math.max(0, Math.min(100, Math.trunc(Number(row.honeypot_score ?? 0)) || 0));
  return { honeypot: { level: row.honeypot as HoneypotLevel, score, signals } };
}

export function serviceFromRow(row: DbService, runId: number, findings: Finding[], inventory: readonly InventoryRecord[]): ServiceRow {
  const observation = observationOf(row, runId, inventory);
  return { ...serviceFindingsFromRow(row, runId, findings), observation };
}

/** The checkpoint a progress row and the steps done above its watermark describe; undefined when neither exists. */
export function checkpointFrom(row: { watermark: number; counters: string } | undefined, done: number[]): ScanCheckpoint | undefined {
  if (!row && done.length === 0) return undefined;
  const zero = { hostsDone: 0, openPorts: 0, unreachable: 0, services: 0, findings: 0 };
  return { watermark: row?.watermark ?? 0, done, counters: row ? { ...zero, ...(JSON.parse(row.counters) as Partial<typeof zero>) } : zero };
}
