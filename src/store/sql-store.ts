/**
 * The store's roles over SQL both engines run: every read, every aggregate
 * and the small writes of a run's start and end are the same statements on
 * SQLite and PostgreSQL (docs/decisions/0054-two-engines-one-sql.md). An
 * engine brings how a statement runs (prepared once either way), the one
 * phrase that differs in a read (a list of ids bound as one parameter), and
 * its batch writes, whose transactions differ.
 */
import { StoreError, validate } from './errors.ts';
import type { Breakdown, BreakdownRow, ImageDistribution, RuleCountRow, RunCounts, RunTotals, ServerRow, StoredHostGeo } from './aggregates.ts';
import {
  AGGREGATE_SQL,
  aggregatesFor,
  breakdownFromRows,
  type AggregateView,
  HOST_COUNTED,
  imageDistributionFromRow,
  rulesFromRows,
  runCountsFromRow,
  runTotalsFromRows,
  serversFromRows,
  SEVERITY_ORDER,
  type BreakdownDbRow,
  type CountsDbRow,
  type HostSumDbRow,
  type ServerDbRow,
  type ServiceSumsDbRow,
} from './aggregate-queries.ts';
import { lifecycleFromRow, lifecycleParameters, lifecycleSql, type DbLifecycle } from './lifecycle-queries.ts';
import {
  grouped,
  checkpointFrom,
  findingFromRow,
  firedRuleFromRow,
  pageFinding,
  ruleWordsFromRow,
  runFromRow,
  serviceFindingsFromRow,
  serviceFromRow,
  type DbFinding,
  type DbFiredRule,
  type DbPageFinding,
  type DbRuleWords,
  type RuleWords,
  type DbRun,
  type DbService,
  type DbServiceHead,
} from './rows.ts';
import type {
  FindingLifecycleRow,
  FindingRef,
  FindingRow,
  FiredRule,
  HostBatch,
  HostResult,
  InventoryRow,
  RecordOptions,
  RunMeta,
  RunRow,
  RunSummary,
  PageRequest,
  RunProgress,
  ScanCheckpoint,
  ScopeRun,
  ServiceFindingsRow,
  ServiceRow,
  StoreKeeper,
  StoreReader,
  StoreSink,
} from './store.ts';
import { COUNTED, type InventoryRecord } from './stored-observation.ts';
import { findingListQuery, findingPageFromRows, type DbListRow, type FindingFilter, type FindingOrder, type FindingPage } from './finding-list.ts';
import { HostGeoSchema, RunMetaSchema, RunSummarySchema } from './write-rows.ts';
import type { Finding, Severity } from '../observation/finding.ts';
import type { ProtocolId } from '../observation/observation.ts';
import type { HoneypotAssessor, HoneypotInput, HoneypotPass, HoneypotRow, HoneypotTally } from './store.ts';
import type { HoneypotAssessment } from '../observation/honeypot.ts';

/** What differs between the engines inside a read. */
export interface SqlDialect {
  /** "`column` is one of the values bound here" (ids or texts): SQLite reads a JSON array, PostgreSQL an array parameter. */
  inList(column: string, of: 'id' | 'text'): string;
  /** The column inventory rows are ordered by: the order they were written. */
  readonly inventoryOrder: string;
  /** The text at `path` in the JSON text of `column` (observations.json), NULL when absent. */
  jsonText(column: string, path: readonly string[]): string;
  /** "The value at `path` in the JSON text of `column` is true". */
  jsonTrue(column: string, path: readonly string[]): string;
}

/** How an engine runs a statement given as SQL with "?" parameters. */
export interface SqlEngine {
  readonly dialect: SqlDialect;
  all<T>(sql: string, params: readonly unknown[]): Promise<T[]>;
  get<T>(sql: string, params: readonly unknown[]): Promise<T | undefined>;
  /** Runs a write; resolves to the number of rows it changed. */
  run(sql: string, params: readonly unknown[]): Promise<number>;
  /** A list of values as the dialect's inList binds it. */
  list(values: readonly (number | string)[]): unknown;
  close(): Promise<void>;
}

/** An engine's own batch writes: one transaction each. */
export interface SqlWrites {
  recordHosts(runId: number, batch: HostBatch): Promise<void>;
  /** Geo already validated; all hosts in one transaction. */
  setHostGeo(runId: number, hosts: ReadonlyArray<{ ip: string; geo: StoredHostGeo }>): Promise<void>;
  /** A page of the honeypot pass's results, in one transaction. */
  setHoneypots(runId: number, rows: readonly HoneypotRow[]): Promise<void>;
}

const COUNT_COLUMNS = COUNTED.map((c) => `s.${c}, s.${c}_at_least`).join(', ');

/** A finding with the rule text it was assessed with, and its endpoint (rows.ts DbFinding). */
const FINDING_ROWS = `SELECT f.id, f.run_id, f.service_id, f.rule_id, f.severity, t.title, f.evidence, t.remediation, t."references",
         NULLIF(t.cwe, '') AS cwe, s.ip, s.port, s.protocol
  FROM findings f JOIN rule_texts t ON t.id = f.rule_text_id JOIN services s ON s.id = f.service_id`;

// A service's own and its host's columns (rows.ts DbServiceHead).
const SERVICE_HEAD = `s.id, s.run_id, s.ip, h.hostname, h.country, h.asn, h.org, h.space, s.port, s.protocol, s.tls, s.status, s.product, s.version,
  s.honeypot, s.honeypot_score, s.honeypot_signals`;

// A service row as ServiceRow needs it: what every statement that hands out services selects.
const SERVICE_SELECT = `SELECT ${SERVICE_HEAD}, s.started_at, s.duration_ms, ${COUNT_COLUMNS}, o.json, s.ip_key
        FROM services s JOIN hosts h ON h.id = s.host_id JOIN observations o ON o.service_id = s.id`;

// The next services in report order after a keyset (ip_key, port, protocol): (ip_key, port, protocol) is unique in a run and indexed.
const AFTER = `s.run_id = ? AND (s.ip_key, s.port, s.protocol) > (?, ?, ?)`;
const REPORT_ORDER = `ORDER BY s.ip_key, s.port, s.protocol LIMIT ?`;

// The order a reader should meet services in: exposed, then by most severe finding, then report order.
// Ranked on services' columns and findings' severity only; the ranked ids are then read in full.
// The most severe finding is looked up per service (findings_service index) rather than grouped
// over the run, and ORDER BY … LIMIT keeps only the first rows: memory stays flat at any size.
const RANKED = (filter: string): string =>
  `SELECT s.id FROM services s
   WHERE s.run_id = ?${filter}
   ORDER BY s.exposed DESC, (SELECT min(${SEVERITY_ORDER}) FROM findings f WHERE f.service_id = s.id) NULLS LAST,
            s.ip_key, s.port, s.protocol
   LIMIT ?`;

/** The reads of the store (aggregates apart), in the dialect's words. */
function readSql(d: SqlDialect) {
  // A host is recorded, with all its services, when its row is: its batch was one transaction.
  const RUNS = `SELECT r.*, (SELECT count(*) FROM hosts h WHERE h.run_id = r.id) AS hosts_recorded FROM runs r`;
  return {
    insertRun: `INSERT INTO runs (started_at, status, targets, ports, options, calling_ae_title, user_agent)
       VALUES (?, 'running', ?, ?, ?, ?, ?) RETURNING id`,
    finishRun: `UPDATE runs SET finished_at = ?, status = ?, targets_total = ?, hosts_done = ?, open_ports = ?, excluded = ?
       WHERE id = ?`,
    runs: `${RUNS} ORDER BY r.id`,
    run: `${RUNS} WHERE r.id = ?`,
    latestRunId: 'SELECT max(id) AS id FROM runs',
    progress: 'SELECT watermark, counters, updated_at FROM scan_progress WHERE run_id = ?',
    serviceOfRun: 'SELECT s.id FROM services s WHERE s.run_id = ? AND s.id = ?',
    steps: 'SELECT step FROM scan_steps WHERE run_id = ? AND step >= ? ORDER BY step',
    reopenRun: `UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?`,
    isHostDone: 'SELECT 1 AS done FROM hosts WHERE run_id = ? AND ip = ?',
    // Keyset pages in report order.
    servicePage: `${SERVICE_SELECT} WHERE ${AFTER} ${REPORT_ORDER}`,
    servicesById: `${SERVICE_SELECT} WHERE ${d.inList('s.id', 'id')}`,
    // The next services that have findings, chosen on the index of report order and that of findings
    // alone: a service without findings costs no read of its row. Their rows are read by id after.
    findingServicePage: `SELECT s.id, s.ip_key, s.port, s.protocol FROM services s
       WHERE ${AFTER} AND EXISTS (SELECT 1 FROM findings f WHERE f.service_id = s.id) ${REPORT_ORDER}`,
    serviceHeadsById: `SELECT ${SERVICE_HEAD} FROM services s JOIN hosts h ON h.id = s.host_id WHERE ${d.inList('s.id', 'id')}`,
    // Each wording and severity a rule fired with in the run: one per rule, unless rules changed within a run.
    firedRules: `SELECT f.rule_id, f.severity, f.rule_text_id, t.title, t.remediation, t."references", NULLIF(t.cwe, '') AS cwe
       FROM (SELECT DISTINCT rule_id, severity, rule_text_id FROM findings WHERE run_id = ?) f JOIN rule_texts t ON t.id = f.rule_text_id
       ORDER BY f.rule_id`,
    // A rule's first finding in report order (a service's findings most severe first): whose words describe the rule.
    firstFindingOfRule: `SELECT f.severity, f.rule_text_id FROM findings f JOIN services s ON s.id = f.service_id
       WHERE f.run_id = ? AND f.rule_id = ?
       ORDER BY s.ip_key, s.port, s.protocol, ${SEVERITY_ORDER}, f.id LIMIT 1`,
    rankedServices: RANKED(''),
    rankedServicesOf: RANKED(` AND ${d.inList('s.protocol', 'text')}`),
    ruleServices: `SELECT s.id FROM findings f JOIN services s ON s.id = f.service_id
       WHERE f.run_id = ? AND f.rule_id = ?
       ORDER BY s.ip_key, s.port, s.protocol LIMIT ?`,
    // The (run_id, ip, port, protocol) unique index finds the services; findings_service their findings.
    hostFindings: `${FINDING_ROWS} WHERE s.run_id = ? AND ${d.inList('s.ip', 'text')}
       ORDER BY ${SEVERITY_ORDER}, f.rule_id, f.service_id, f.id`,
    // A page's findings point at their rule's words, read once per wording (ruleTextsById) and kept.
    pageFindings: `SELECT f.service_id, f.rule_id, f.severity, f.rule_text_id, f.evidence FROM findings f
       WHERE ${d.inList('f.service_id', 'id')}
       ORDER BY ${SEVERITY_ORDER}, f.rule_id, f.service_id, f.id`,
    ruleTextsById: `SELECT id, title, remediation, "references", NULLIF(cwe, '') AS cwe FROM rule_texts WHERE ${d.inList('id', 'id')}`,
    // Attributes in the order they were written, which is the inventory's own order.
    pageInventories: `SELECT service_id, keyword, tag, class, present, records FROM inventories
       WHERE ${d.inList('service_id', 'id')} ORDER BY ${d.inventoryOrder}`,
    findings: `${FINDING_ROWS} WHERE f.run_id = ? ORDER BY ${SEVERITY_ORDER}, f.rule_id, f.service_id, f.id`,
    findingById: `${FINDING_ROWS} WHERE f.id = ?`,
    // A rule fires once per port in a run (scan/run-scan.ts): the latest run's is the one.
    findingAt: `${FINDING_ROWS} WHERE f.rule_id = ? AND s.ip = ? AND s.port = ? ORDER BY f.run_id DESC, f.id LIMIT 1`,
    lifecycles: lifecycleSql(d),
    // Hosts, services, observations, findings, inventories and checkpoints go with it (ON DELETE CASCADE).
    deleteRun: 'DELETE FROM runs WHERE id = ?',
  };
}

// The services the honeypot pass assesses: the run's DICOM services that answered (one condition for
// the pass's pages, its crowds and the pending check, so a service the pass reads is never left pending).
const DICOM_ANSWERED = `s.protocol IN ('dicom', 'dicom-tls') AND s.status = 'success'`;
const HONEYPOT_CANDIDATE = `s.run_id = ? AND ${DICOM_ANSWERED}`;
/** The honeypot pass's statements: its candidates in keyset pages, the crowds' digests, whether a run awaits the pass. */
function honeypotSql(d: SqlDialect) {
  // The dataset digests of the DICOM probe's behaviour (observation/honeypot.ts DicomBehaviour), read in one pass
  // over the candidates: each row's JSON is read once for its four values (SQLite's JSON functions keep the parse
  // of the text just read), then unpivoted from the materialized rows, which hold only them.
  const digests = ['studyDigest', 'patientDigest', 'signature'];
  const read = digests.map((name, i) => `${d.jsonText('o.json', ['details', 'behaviour', name])} AS d${i}`).join(', ');
  return {
    // Keyset pages in report order on the (run_id, ip_key, port, protocol) index: each page goes on where the last stopped.
    candidates: `${SERVICE_SELECT} WHERE ${AFTER} AND ${DICOM_ANSWERED} ${REPORT_ORDER}`,
    // The digests enough hosts served: grouped by the database, so the pass never holds a digest per service.
    crowds: `WITH b AS MATERIALIZED (
         SELECT s.ip, ${read} FROM services s JOIN observations o ON o.service_id = s.id
         WHERE ${HONEYPOT_CANDIDATE} AND ${d.jsonTrue('o.json', ['details', 'acceptsAnyCalledAeTitle'])})
       SELECT x.digest FROM (${digests.map((_, i) => `SELECT b.d${i} AS digest, b.ip FROM b`).join(' UNION ALL ')}) x
       WHERE x.digest IS NOT NULL GROUP BY x.digest HAVING count(DISTINCT x.ip) >= ?`,
    pending: `SELECT s.id FROM services s WHERE ${HONEYPOT_CANDIDATE} AND s.honeypot IS NULL LIMIT 1`,
    tallies: `SELECT s.run_id, count(*) AS candidates, count(s.honeypot) AS assessed,
        sum(CASE WHEN s.honeypot = 'likely' THEN 1 ELSE 0 END) AS likely
       FROM services s WHERE ${d.inList('s.run_id', 'id')} AND ${DICOM_ANSWERED} GROUP BY s.run_id`,
  };
}
/** A service that answered but whose stored details are not the DICOM probe's: nothing to assess, and assessed. */
const noSignal = (): HoneypotAssessment => ({ level: 'unlikely', score: 0, signals: [] });
const HONEYPOT_PAGE = 1000;

/** Rule wordings a reader keeps; a store holds a few dozen (rules times their versions). */
const RULE_WORDS_KEPT = 4096;

/** What a keyset page statement returns at least: the place of its row in report order. */
interface KeysetRow {
  ip_key: string;
  port: number;
  protocol: string;
}

/** Rows in the order of the ids given (an id list in SQL comes back in any order). */
function inOrder<R extends { id: number }>(rows: R[], ids: readonly number[]): R[] {
  const at = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => (at.get(a.id) ?? 0) - (at.get(b.id) ?? 0));
}

/** The most rows a page or a bounded list may hold, whatever the caller asks. */
const MAX_PAGE = 100_000;
/** The most findings one page of a list holds: what a person pages through. */
const MAX_FINDING_PAGE = 1000;

/** A list a caller asked to be bounded stays so: whole numbers, at most MAX_PAGE rows in memory at once. */
function boundedLimit(limit: number): number {
  return Math.max(0, Math.min(Number.isFinite(limit) ? Math.trunc(limit) : 0, MAX_PAGE));
}

/** Both roles (and the keeper's) over one engine: what `openStoreSink` and `openStoreReader` hand out, whichever the engine. */
export class SqlStore implements StoreSink, StoreReader, StoreKeeper, HoneypotPass {
  protected readonly sql: ReturnType<typeof readSql>;
  private readonly honeypotSql: ReturnType<typeof honeypotSql>;
  /** Rule words by rule_texts id, as read for pages of findings. */
  private readonly ruleWords = new Map<number, RuleWords>();

  constructor(
    protected readonly engine: SqlEngine,
    private readonly writes: SqlWrites,
    protected readonly now: () => Date,
  ) {
    this.sql = readSql(engine.dialect);
    this.honeypotSql = honeypotSql(engine.dialect);
  }

  async startRun(meta: RunMeta): Promise<number> {
    const m = validate(RunMetaSchema, meta, 'INVALID_RUN', 'run metadata');
    const row = await this.engine.get<{ id: number }>(this.sql.insertRun, [
      this.now().toISOString(),
      JSON.stringify(m.targets),
      JSON.stringify(m.ports),
      JSON.stringify(m.options),
      m.scanner.callingAeTitle,
      m.scanner.userAgent,
    ]);
    return Number(row?.id);
  }

  async recordHosts(runId: number, batch: HostBatch): Promise<void> {
    await this.writes.recordHosts(runId, batch);
  }

  async recordHost(runId: number, host: HostResult, options: RecordOptions = {}): Promise<void> {
    await this.writes.recordHosts(runId, { ...options, hosts: [host] });
  }

  async loadCheckpoint(runId: number): Promise<ScanCheckpoint | undefined> {
    const row = await this.engine.get<{ watermark: number; counters: string }>(this.sql.progress, [runId]);
    const steps = await this.engine.all<{ step: number }>(this.sql.steps, [runId, row?.watermark ?? 0]);
    return checkpointFrom(row, steps.map((s) => s.step));
  }

  async reopenRun(runId: number): Promise<void> {
    if ((await this.engine.run(this.sql.reopenRun, [runId])) === 0) throw new StoreError('UNKNOWN_RUN', `run ${runId} does not exist`);
  }

  async finishRun(runId: number, summary: RunSummary): Promise<void> {
    const s = validate(RunSummarySchema, summary, 'INVALID_RUN', 'run summary');
    const changed = await this.engine.run(this.sql.finishRun, [
      this.now().toISOString(),
      s.status,
      s.targetsTotal,
      s.hostsDone,
      s.openPorts,
      s.excluded,
      runId,
    ]);
    if (changed === 0) throw new StoreError('UNKNOWN_RUN', `run ${runId} does not exist`);
  }

  async isHostDone(runId: number, ip: string): Promise<boolean> {
    return (await this.engine.get(this.sql.isHostDone, [runId, ip])) !== undefined;
  }

  async runs(): Promise<RunRow[]> {
    return (await this.engine.all<DbRun>(this.sql.runs, [])).map(runFromRow);
  }

  async run(id: number): Promise<RunRow | undefined> {
    const row = await this.engine.get<DbRun>(this.sql.run, [id]);
    return row ? runFromRow(row) : undefined;
  }

  async latestRunId(): Promise<number | undefined> {
    const row = await this.engine.get<{ id: number | null }>(this.sql.latestRunId, []);
    return row?.id ?? undefined;
  }

  async services(runId: number): Promise<ServiceRow[]> {
    const all: ServiceRow[] = [];
    for await (const page of this.servicePages(runId)) all.push(...page);
    return all;
  }

  servicePages(runId: number, pageSize = 200): AsyncIterable<ServiceRow[]> {
    return this.keysetPages<DbService & KeysetRow, ServiceRow>(this.sql.servicePage, runId, pageSize, (rows) => this.withFindings(rows, runId));
  }

  findingPages(runId: number, pageSize = 200): AsyncIterable<ServiceFindingsRow[]> {
    return this.keysetPages<KeysetRow & { id: number }, ServiceFindingsRow>(this.sql.findingServicePage, runId, pageSize, async (chosen) => {
      const ids = chosen.map((r) => r.id);
      const rows = inOrder(await this.engine.all<DbServiceHead>(this.sql.serviceHeadsById, [this.engine.list(ids)]), ids);
      const findings = await this.findingsOf(ids);
      return rows.map((row) => serviceFindingsFromRow(row, runId, findings.get(row.id) ?? []));
    });
  }

  /**
   * Pages of a run's services in report order, each page the rows of `sql`
   * after the last row of the one before (keyset pages: the statement takes the
   * run, the last (ip_key, port, protocol) and the page size), made whole by `page`.
   */
  private async *keysetPages<R extends KeysetRow, T>(sql: string, runId: number, pageSize: number, page: (rows: R[]) => Promise<T[]>): AsyncIterable<T[]> {
    const size = Math.max(1, Math.min(Math.trunc(pageSize), MAX_PAGE));
    let after: [string, number, string] = ['', 0, ''];
    for (;;) {
      const rows = await this.engine.all<R>(sql, [runId, ...after, size]);
      if (rows.length === 0) return;
      yield await page(rows);
      const last = rows[rows.length - 1] as R;
      after = [last.ip_key, last.port, last.protocol];
      if (rows.length < size) return;
    }
  }

  /** The findings of the services given, by service: one query for the whole list, and one for rule words not read before. */
  private async findingsOf(ids: readonly number[]): Promise<Map<number, Finding[]>> {
    const rows = await this.engine.all<DbPageFinding>(this.sql.pageFindings, [this.engine.list(ids)]);
    const unread = [...new Set(rows.map((r) => r.rule_text_id))].filter((id) => !this.ruleWords.has(id));
    if (unread.length > 0) {
      // Rule texts are never changed once written: what was read stays true. A store meets a handful.
      if (this.ruleWords.size + unread.length > RULE_WORDS_KEPT) this.ruleWords.clear();
      for (const t of await this.engine.all<DbRuleWords>(this.sql.ruleTextsById, [this.engine.list(unread)])) this.ruleWords.set(t.id, ruleWordsFromRow(t));
    }
    return grouped(rows, (r) => [r.service_id, pageFinding(r, this.ruleWords.get(r.rule_text_id))]);
  }

  /** Rows of services, each with its findings and inventory: one query each for the whole list. */
  private async withFindings(rows: DbService[], runId: number): Promise<ServiceRow[]> {
    const ids = rows.map((r) => r.id);
    const findings = await this.findingsOf(ids);
    const inventoryRows = await this.engine.all<InventoryRecord & { service_id: number }>(this.sql.pageInventories, [this.engine.list(ids)]);
    const inventories = grouped(inventoryRows, (r) => [r.service_id, r]);
    return rows.map((row) => serviceFromRow(row, runId, findings.get(row.id) ?? [], inventories.get(row.id) ?? []));
  }

  /** Services by id, in the order of the ids given. */
  private async servicesById(ids: number[], runId: number): Promise<ServiceRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.engine.all<DbService>(this.sql.servicesById, [this.engine.list(ids)]);
    return this.withFindings(inOrder(rows, ids), runId);
  }

  async firedRules(runId: number): Promise<FiredRule[]> {
    const rows = await this.engine.all<DbFiredRule>(this.sql.firedRules, [runId]);
    const byRule = grouped(rows, (r): [string, DbFiredRule] => [r.rule_id, r]);
    const fired: FiredRule[] = [];
    for (const [ruleId, wordings] of byRule) {
      let chosen = wordings[0] as DbFiredRule;
      if (wordings.length > 1) {
        // A run whose rules changed while it went (merged runs, a resumed scan after an upgrade): its first finding's words.
        const first = await this.engine.get<{ severity: string; rule_text_id: number }>(this.sql.firstFindingOfRule, [runId, ruleId]);
        chosen = wordings.find((w) => w.severity === first?.severity && w.rule_text_id === first.rule_text_id) ?? chosen;
      }
      fired.push(firedRuleFromRow(chosen));
    }
    return fired;
  }

  async topServices(runId: number, limit: number, protocols?: readonly ProtocolId[]): Promise<ServiceRow[]> {
    const n = boundedLimit(limit);
    const ranked =
      protocols === undefined
        ? await this.engine.all<{ id: number }>(this.sql.rankedServices, [runId, n])
        : await this.engine.all<{ id: number }>(this.sql.rankedServicesOf, [runId, this.engine.list(protocols), n]);
    return this.servicesById(ranked.map((r) => r.id), runId);
  }

  async ruleServices(runId: number, ruleId: string, limit: number): Promise<ServiceRow[]> {
    const ranked = await this.engine.all<{ id: number }>(this.sql.ruleServices, [runId, ruleId, boundedLimit(limit)]);
    return this.servicesById(ranked.map((r) => r.id), runId);
  }

  async hostFindings(runId: number, ips: readonly string[]): Promise<FindingRow[]> {
    if (ips.length === 0) return [];
    return (await this.engine.all<DbFinding>(this.sql.hostFindings, [runId, this.engine.list(ips)])).map(findingFromRow);
  }

  async runTotals(runId: number, view: AggregateView = {}): Promise<RunTotals> {
    const a = aggregatesFor(view);
    const services = await this.engine.get<ServiceSumsDbRow>(a.serviceSums, [runId, runId]);
    const bySeverity = await this.engine.all<{ severity: Severity; n: number }>(a.bySeverity, [runId]);
    const hostSums = {} as Record<(typeof HOST_COUNTED)[number], HostSumDbRow>;
    for (const c of HOST_COUNTED) hostSums[c] = (await this.engine.get<HostSumDbRow>(a.hostSums[c], [runId])) ?? { n: null, at_least: null };
    // An aggregate without GROUP BY always returns its one row.
    const totals = runTotalsFromRows(services as ServiceSumsDbRow, bySeverity, hostSums);
    if (view.keepHoneypots && totals.likelyHoneypots !== undefined) totals.honeypotsKept = true;
    return totals;
  }

  async findings(runId: number): Promise<FindingRow[]> {
    return (await this.engine.all<DbFinding>(this.sql.findings, [runId])).map(findingFromRow);
  }

  async inventory(runId: number, view: AggregateView = {}): Promise<InventoryRow[]> {
    return this.engine.all<InventoryRow>(aggregatesFor(view).inventory, [runId]);
  }

  async breakdown(runId: number, by: Breakdown, view: AggregateView = {}): Promise<BreakdownRow[]> {
    return breakdownFromRows(by, await this.engine.all<BreakdownDbRow>(aggregatesFor(view).breakdown[by], [runId]));
  }

  async topServers(runId: number, limit: number, view: AggregateView = {}): Promise<ServerRow[]> {
    return serversFromRows(await this.engine.all<ServerDbRow>(aggregatesFor(view).topServers, [runId, limit]));
  }

  async imagesPerServer(runId: number, view: AggregateView = {}): Promise<ImageDistribution> {
    return imageDistributionFromRow((await this.engine.get<Record<string, number | null>>(aggregatesFor(view).perServer, [runId])) ?? {});
  }

  async findingsByRule(runId: number, view: AggregateView = {}): Promise<RuleCountRow[]> {
    return rulesFromRows(await this.engine.all(aggregatesFor(view).byRule, [runId]));
  }

  async runCounts(runId: number, view: AggregateView = {}): Promise<RunCounts> {
    const row = await this.engine.get<CountsDbRow>(aggregatesFor(view).counts, [runId]);
    if (!row) throw new StoreError('UNKNOWN_RUN', `run ${runId} does not exist`);
    return runCountsFromRow(row);
  }

  async geoSources(runId: number): Promise<string[]> {
    return (await this.engine.all<{ source: string }>(AGGREGATE_SQL.geoSources, [runId])).map((r) => r.source);
  }

  async hostsWithoutGeo(runId: number, limit = 10_000, after = ''): Promise<string[]> {
    return (await this.engine.all<{ ip: string }>(AGGREGATE_SQL.withoutGeo, [runId, after, boundedLimit(limit)])).map((r) => r.ip);
  }

  async honeypotsPending(runId: number): Promise<boolean> {
    return (await this.engine.get<{ id: number }>(this.honeypotSql.pending, [runId])) !== undefined;
  }

  async honeypotTallies(runIds: readonly number[]): Promise<Map<number, HoneypotTally>> {
    if (runIds.length === 0) return new Map();
    const rows = await this.engine.all<{ run_id: number; candidates: number; assessed: number; likely: number }>(this.honeypotSql.tallies, [this.engine.list(runIds)]);
    return new Map(rows.map((r) => [r.run_id, { candidates: r.candidates, assessed: r.assessed, likely: r.likely }]));
  }

  async service(runId: number, serviceId: number): Promise<ServiceRow | undefined> {
    const found = await this.engine.get<{ id: number }>(this.sql.serviceOfRun, [runId, serviceId]);
    return found ? (await this.servicesById([found.id], runId))[0] : undefined;
  }

  async findingPage(runId: number, filter: FindingFilter, order: FindingOrder, page: PageRequest): Promise<FindingPage> {
    const limit = Math.max(1, Math.min(boundedLimit(page.limit), MAX_FINDING_PAGE));
    const offset = Math.max(0, Number.isSafeInteger(page.offset) ? page.offset : 0);
    const q = findingListQuery(runId, filter, order, limit, offset);
    return findingPageFromRows(await this.engine.all<DbListRow>(q.sql, q.params), limit);
  }

  async runProgress(runId: number): Promise<RunProgress | undefined> {
    const row = await this.engine.get<{ watermark: number; counters: string; updated_at: string }>(this.sql.progress, [runId]);
    const checkpoint = row && checkpointFrom(row, []);
    return row && checkpoint ? { counters: checkpoint.counters, updatedAt: row.updated_at } : undefined;
  }

  async findingLifecycles(runs: readonly ScopeRun[]): Promise<FindingLifecycleRow[]> {
    if (runs.length === 0) return [];
    const p = lifecycleParameters(runs);
    const rows = await this.engine.all<DbLifecycle>(this.sql.lifecycles, [this.engine.list(p.all), this.engine.list(p.whole), this.engine.list(p.endpoints)]);
    return rows.map(lifecycleFromRow);
  }

  async finding(ref: FindingRef): Promise<FindingRow | undefined> {
    const row =
      'id' in ref
        ? await this.engine.get<DbFinding>(this.sql.findingById, [ref.id])
        : await this.engine.get<DbFinding>(this.sql.findingAt, [ref.ruleId, ref.ip, ref.port]);
    return row ? findingFromRow(row) : undefined;
  }

  async deleteRun(runId: number): Promise<boolean> {
    return (await this.engine.run(this.sql.deleteRun, [runId])) > 0;
  }

  async setHostGeo(runId: number, hosts: ReadonlyArray<{ ip: string; geo: StoredHostGeo }>): Promise<void> {
    const valid = hosts.map((h, i) => ({ ip: h.ip, geo: validate(HostGeoSchema, h.geo, 'INVALID_HOST', `geo of host ${i + 1}`) }));
    await this.writes.setHostGeo(runId, valid);
  }

  /**
   * The honeypot pass at a run's end (docs/decisions/0027-honeypots-told-apart.md): the run's
   * DICOM services that answered: the dataset digests served by a crowd of hosts found by one
   * grouping in SQL, then the services read in keyset pages of report order, each assessed and its
   * page written back in one transaction, so only a page and the crowds' digests are held,
   * whatever the run's size. Every service read gets a level ("unlikely" with no signal),
   * which is how honeypotsPending knows the pass ran. Run again, it overwrites what the
   * last pass wrote: the result is the same however often it runs. Resolves to how many services it found likely.
   */
  async assessHoneypots(runId: number, assessor: HoneypotAssessor): Promise<number> {
    const crowdRows = await this.engine.all<{ digest: string }>(this.honeypotSql.crowds, [runId, assessor.crowdHosts]);
    const crowds = new Set(crowdRows.map((r) => r.digest));
    // No clearing first: the candidates are the same services at every pass and each page overwrites its own,
    // so a pass that fails half-way leaves every service with an assessment (this one's or the last), never none.
    let likely = 0;
    await this.honeypotPages(runId, async (page) => {
      const rows = page.map((s): HoneypotRow => ({ id: s.id, ...(s.details ? assessor.assess(s as HoneypotInput, crowds) : noSignal()) }));
      likely += rows.filter((r) => r.level === 'likely').length;
      await this.writes.setHoneypots(runId, rows);
    });
    return likely;
  }

  /** The pass's candidates a page at a time by id, each with its DICOM details (none when the stored ones are another probe's). */
  private async honeypotPages(runId: number, each: (page: Array<Omit<HoneypotInput, 'details'> & { details?: HoneypotInput['details'] }>) => Promise<void>): Promise<void> {
    const pages = this.keysetPages<DbService & KeysetRow, DbService>(this.honeypotSql.candidates, runId, HONEYPOT_PAGE, async (rows) => rows);
    for await (const rows of pages) {
      await each(
        rows.map((row) => {
          const details = serviceFromRow(row, runId, [], []).observation.details;
          return { id: row.id, ip: row.ip, ...(details?.protocol === 'dicom' ? { details } : {}) };
        }),
      );
    }
  }

  async close(): Promise<void> {
    await this.engine.close();
  }
}
