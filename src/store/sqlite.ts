/**
 * The default store: one SQLite file through better-sqlite3 (WAL, prepared
 * statements, foreign keys on). A batch of hosts is written in one transaction
 * together with its checkpoint (sqlite-writes.ts), so a killed scan resumes
 * exactly where it stopped and never leaves half a host behind.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { SEVERITIES, type Finding } from '../observation/finding.ts';
import { Observation, type ProtocolId } from '../observation/observation.ts';
import { StoreError, validate } from './errors.ts';
import { openDatabase, type OpenOptions } from './open.ts';
import {
  RUN_END_STATUSES,
  type FindingRow,
  type HostBatch,
  type HostResult,
  type InventoryRow,
  type RunMeta,
  type RunRow,
  type RunSummary,
  type RecordOptions,
  type ScanCheckpoint,
  type ScanStore,
  type ServiceRow,
  type StoreReader,
  type StoreSink,
} from './store.ts';
import type { Breakdown, BreakdownRow, ImageDistribution, RuleCountRow, RunCounts, RunTotals, ServerRow, StoredHostGeo } from './aggregates.ts';
import { prepareAggregates } from './sqlite-aggregates.ts';
import { HostGeoSchema, prepareWrites, type SqliteWrites } from './sqlite-writes.ts';
import { COUNTED, observationFromParts, type InventoryRecord } from './stored-observation.ts';
import { WriteThread } from './write-thread.ts';
import { findingFromRow, runFromRow, type DbFinding, type DbRun, type DbService } from './rows.ts';

export interface SqliteStoreOptions extends OpenOptions {
  /** Clock for timestamps; tests pass a fixed one (not seen by a writing thread, which stamps batches with its own). */
  now?: () => Date;
  /**
   * Write batches of hosts from a thread of their own (write-thread.ts), off the thread that
   * probes: what a scan opens. Without it, every write runs on the caller's thread.
   */
  writeThread?: boolean;
}

const RunMetaSchema = z.object({
  targets: z.array(z.string()),
  ports: z.array(z.number().int().min(1).max(65535)),
  options: z.record(z.unknown()),
  scanner: z.object({ callingAeTitle: z.string(), userAgent: z.string() }),
});

const RunSummarySchema = z.object({
  targetsTotal: z.number().int().nonnegative(),
  hostsDone: z.number().int().nonnegative(),
  openPorts: z.number().int().nonnegative(),
  excluded: z.number().int().nonnegative(),
  status: z.enum(RUN_END_STATUSES),
});

// Most severe first, in SQL, from the one list in observation/finding.ts.
const SEVERITY_ORDER = `CASE f.severity ${SEVERITIES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} END`;

const COUNT_COLUMNS = COUNTED.map((c) => `s.${c}, s.${c}_at_least`).join(', ');

/** A finding with the rule text it was assessed with, and its endpoint (rows.ts DbFinding). */
const FINDING_ROWS = `SELECT f.id, f.run_id, f.service_id, f.rule_id, f.severity, t.title, f.evidence, t.remediation, t."references",
         NULLIF(t.cwe, '') AS cwe, s.ip, s.port, s.protocol
  FROM findings f JOIN rule_texts t ON t.id = f.rule_text_id JOIN services s ON s.id = f.service_id`;

// A service row as ServiceRow needs it: what every statement that hands out services selects.
const SERVICE_SELECT = `SELECT s.id, s.run_id, s.ip, h.hostname, h.country, h.asn, h.org, h.space, s.port, s.protocol, s.tls, s.status,
               s.product, s.version, s.started_at, s.duration_ms, ${COUNT_COLUMNS}, o.json, s.ip_key
        FROM services s JOIN hosts h ON h.id = s.host_id JOIN observations o ON o.service_id = s.id`;

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

function prepare(db: Database.Database) {
  return {
    insertRun: db.prepare(
      `INSERT INTO runs (started_at, status, targets, ports, options, calling_ae_title, user_agent)
       VALUES (?, 'running', ?, ?, ?, ?, ?)`,
    ),
    finishRun: db.prepare(
      `UPDATE runs SET finished_at = ?, status = ?, targets_total = ?, hosts_done = ?, open_ports = ?, excluded = ?
       WHERE id = ?`,
    ),
    // A host is recorded, with all its services, when its row is: its batch was one transaction.
    runs: db.prepare(`SELECT r.*, (SELECT count(*) FROM hosts h WHERE h.run_id = r.id) AS hosts_recorded FROM runs r ORDER BY r.id`),
    run: db.prepare(`SELECT r.*, (SELECT count(*) FROM hosts h WHERE h.run_id = r.id) AS hosts_recorded FROM runs r WHERE r.id = ?`),
    latestRunId: db.prepare('SELECT max(id) FROM runs').pluck(),
    progress: db.prepare('SELECT watermark, counters FROM scan_progress WHERE run_id = ?'),
    steps: db.prepare('SELECT step FROM scan_steps WHERE run_id = ? AND step >= ? ORDER BY step').pluck(),
    reopenRun: db.prepare(`UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?`),
    isHostDone: db.prepare('SELECT 1 FROM hosts WHERE run_id = ? AND ip = ?').pluck(),
    // Keyset pages in report order: (ip_key, port, protocol) is unique in a run and indexed.
    servicePage: db.prepare(
      `${SERVICE_SELECT}
       WHERE s.run_id = ? AND (s.ip_key, s.port, s.protocol) > (?, ?, ?)
       ORDER BY s.ip_key, s.port, s.protocol LIMIT ?`,
    ),
    servicesById: db.prepare(`${SERVICE_SELECT} WHERE s.id IN (SELECT value FROM json_each(?))`),
    rankedServices: db.prepare(RANKED('')).pluck(),
    rankedServicesOf: db.prepare(RANKED(' AND s.protocol IN (SELECT value FROM json_each(?))')).pluck(),
    ruleServices: db
      .prepare(
        `SELECT s.id FROM findings f JOIN services s ON s.id = f.service_id
         WHERE f.run_id = ? AND f.rule_id = ?
         ORDER BY s.ip_key, s.port, s.protocol LIMIT ?`,
      )
      .pluck(),
    pageFindings: db.prepare(
      `${FINDING_ROWS} WHERE f.service_id IN (SELECT value FROM json_each(?))
       ORDER BY ${SEVERITY_ORDER}, f.rule_id, f.service_id, f.id`,
    ),
    // Attributes in the order they were written (rowid), which is the inventory's own order.
    pageInventories: db.prepare(
      `SELECT service_id, keyword, tag, class, present, records FROM inventories
       WHERE service_id IN (SELECT value FROM json_each(?)) ORDER BY rowid`,
    ),
    findings: db.prepare(`${FINDING_ROWS} WHERE f.run_id = ? ORDER BY ${SEVERITY_ORDER}, f.rule_id, f.service_id, f.id`),
    inventory: db.prepare(
      `SELECT i.keyword, i.tag, i.class, count(DISTINCT i.service_id) AS services, sum(i.present) AS records
       FROM inventories i JOIN services s ON s.id = i.service_id
       WHERE s.run_id = ? AND i.present > 0
       GROUP BY i.tag, i.keyword, i.class ORDER BY services DESC, i.tag`,
    ),
  };
}

class SqliteFileStore implements StoreSink, StoreReader {
  private readonly stmt: ReturnType<typeof prepare>;
  private readonly agg: ReturnType<typeof prepareAggregates>;
  /** Batches of hosts are written here, or from the writing thread when there is one. */
  private readonly writes: Pick<SqliteWrites, 'recordHosts'> | WriteThread;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date,
    private readonly thread?: WriteThread,
  ) {
    this.stmt = prepare(db);
    this.agg = prepareAggregates(db);
    this.writes = thread ?? prepareWrites(db, now);
  }

  async startRun(meta: RunMeta): Promise<number> {
    const m = validate(RunMetaSchema, meta, 'INVALID_RUN', 'run metadata');
    const info = this.stmt.insertRun.run(
      this.now().toISOString(),
      JSON.stringify(m.targets),
      JSON.stringify(m.ports),
      JSON.stringify(m.options),
      m.scanner.callingAeTitle,
      m.scanner.userAgent,
    );
    return Number(info.lastInsertRowid);
  }

  async recordHosts(runId: number, batch: HostBatch): Promise<void> {
    await this.writes.recordHosts(runId, batch);
  }

  async recordHost(runId: number, host: HostResult, options: RecordOptions = {}): Promise<void> {
    await this.writes.recordHosts(runId, { ...options, hosts: [host] });
  }

  async loadCheckpoint(runId: number): Promise<ScanCheckpoint | undefined> {
    const row = this.stmt.progress.get(runId) as { watermark: number; counters: string } | undefined;
    const watermark = row?.watermark ?? 0;
    const done = this.stmt.steps.all(runId, watermark) as number[];
    if (!row && done.length === 0) return undefined;
    const zero = { hostsDone: 0, openPorts: 0, unreachable: 0, services: 0, findings: 0 };
    return { watermark, done, counters: row ? { ...zero, ...(JSON.parse(row.counters) as Partial<typeof zero>) } : zero };
  }

  async reopenRun(runId: number): Promise<void> {
    if (this.stmt.reopenRun.run(runId).changes === 0) throw new StoreError('UNKNOWN_RUN', `run ${runId} does not exist`);
  }

  async finishRun(runId: number, summary: RunSummary): Promise<void> {
    const s = validate(RunSummarySchema, summary, 'INVALID_RUN', 'run summary');
    const info = this.stmt.finishRun.run(
      this.now().toISOString(),
      s.status,
      s.targetsTotal,
      s.hostsDone,
      s.openPorts,
      s.excluded,
      runId,
    );
    if (info.changes === 0) throw new StoreError('UNKNOWN_RUN', `run ${runId} does not exist`);
  }

  async isHostDone(runId: number, ip: string): Promise<boolean> {
    return this.stmt.isHostDone.get(runId, ip) !== undefined;
  }

  async runs(): Promise<RunRow[]> {
    return (this.stmt.runs.all() as DbRun[]).map(runFromRow);
  }

  async run(id: number): Promise<RunRow | undefined> {
    const row = this.stmt.run.get(id) as DbRun | undefined;
    return row ? runFromRow(row) : undefined;
  }

  async latestRunId(): Promise<number | undefined> {
    const id = this.stmt.latestRunId.get() as number | null;
    return id ?? undefined;
  }

  async services(runId: number): Promise<ServiceRow[]> {
    const all: ServiceRow[] = [];
    for await (const page of this.servicePages(runId)) all.push(...page);
    return all;
  }

  async *servicePages(runId: number, pageSize = 200): AsyncIterable<ServiceRow[]> {
    const size = Math.max(1, Math.min(Math.trunc(pageSize), 100_000));
    let after: [string, number, string] = ['', 0, ''];
    for (;;) {
      const rows = this.stmt.servicePage.all(runId, ...after, size) as Array<DbService & { ip_key: string }>;
      if (rows.length === 0) return;
      yield this.withFindings(rows, runId);
      const last = rows[rows.length - 1] as DbService & { ip_key: string };
      after = [last.ip_key, last.port, last.protocol];
      if (rows.length < size) return;
    }
  }

  /** Rows of services, each with its findings and inventory: one query each for the whole list. */
  private withFindings(rows: DbService[], runId: number): ServiceRow[] {
    const ids = JSON.stringify(rows.map((r) => r.id));
    const findings = byService((this.stmt.pageFindings.all(ids) as DbFinding[]).map(findingFromRow), (f) => {
      const { id: _id, runId: _run, serviceId, ip: _ip, port: _port, protocol: _protocol, ...finding } = f;
      return [serviceId, finding];
    });
    const inventories = byService(this.stmt.pageInventories.all(ids) as Array<InventoryRecord & { service_id: number }>, (r) => [r.service_id, r]);
    return rows.map((row) => serviceFromRow(row, runId, findings.get(row.id) ?? [], inventories.get(row.id) ?? []));
  }

  /** Services by id, in the order of the ids given. */
  private servicesById(ids: number[], runId: number): ServiceRow[] {
    if (ids.length === 0) return [];
    const rows = this.stmt.servicesById.all(JSON.stringify(ids)) as DbService[];
    const at = new Map(ids.map((id, i) => [id, i]));
    rows.sort((a, b) => (at.get(a.id) ?? 0) - (at.get(b.id) ?? 0));
    return this.withFindings(rows, runId);
  }

  async topServices(runId: number, limit: number, protocols?: readonly ProtocolId[]): Promise<ServiceRow[]> {
    const n = boundedLimit(limit);
    const ids = (
      protocols === undefined
        ? this.stmt.rankedServices.all(runId, n)
        : this.stmt.rankedServicesOf.all(runId, JSON.stringify(protocols), n)
    ) as number[];
    return this.servicesById(ids, runId);
  }

  async ruleServices(runId: number, ruleId: string, limit: number): Promise<ServiceRow[]> {
    return this.servicesById(this.stmt.ruleServices.all(runId, ruleId, boundedLimit(limit)) as number[], runId);
  }

  async runTotals(runId: number): Promise<RunTotals> {
    return this.agg.runTotals(runId);
  }

  async findings(runId: number): Promise<FindingRow[]> {
    return (this.stmt.findings.all(runId) as DbFinding[]).map(findingFromRow);
  }

  async inventory(runId: number): Promise<InventoryRow[]> {
    return this.stmt.inventory.all(runId) as InventoryRow[];
  }

  async breakdown(runId: number, by: Breakdown): Promise<BreakdownRow[]> {
    return this.agg.breakdown(runId, by);
  }

  async topServers(runId: number, limit: number): Promise<ServerRow[]> {
    return this.agg.topServers(runId, limit);
  }

  async imagesPerServer(runId: number): Promise<ImageDistribution> {
    return this.agg.imagesPerServer(runId);
  }

  async findingsByRule(runId: number): Promise<RuleCountRow[]> {
    return this.agg.findingsByRule(runId);
  }

  async runCounts(runId: number): Promise<RunCounts> {
    const counts = this.agg.runCounts(runId);
    if (!counts) throw new StoreError('UNKNOWN_RUN', `run ${runId} does not exist`);
    return counts;
  }

  async geoSources(runId: number): Promise<string[]> {
    return this.agg.geoSources(runId);
  }

  async hostsWithoutGeo(runId: number): Promise<string[]> {
    return this.agg.hostsWithoutGeo(runId);
  }

  async setHostGeo(runId: number, hosts: ReadonlyArray<{ ip: string; geo: StoredHostGeo }>): Promise<void> {
    const valid = hosts.map((h, i) => ({ ip: h.ip, geo: validate(HostGeoSchema, h.geo, 'INVALID_HOST', `geo of host ${i + 1}`) }));
    this.agg.setHostGeo(runId, valid);
  }

  async close(): Promise<void> {
    // The thread's batches first: the main connection closes last.
    await this.thread?.close();
    if (this.db.open) this.db.close();
  }
}

/** A list a caller asked to be bounded stays so: whole numbers, at most 100,000 rows in memory at once. */
function boundedLimit(limit: number): number {
  return Math.max(0, Math.min(Number.isFinite(limit) ? Math.trunc(limit) : 0, 100_000));
}

/** Rows of a page grouped by the service they belong to, each group in the order the rows came. */
function byService<R, T>(rows: readonly R[], split: (row: R) => [number, T]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const [serviceId, item] = split(row);
    const list = groups.get(serviceId);
    if (list) list.push(item);
    else groups.set(serviceId, [item]);
  }
  return groups;
}

function serviceFromRow(row: DbService, runId: number, findings: Finding[], inventory: readonly InventoryRecord[]): ServiceRow {
  const parsed = Observation.safeParse(observationFromParts(row, row.json, inventory));
  if (!parsed.success) {
    // Only a hand-edited file or a missing migration gets here: name the row, not its content.
    throw new StoreError('CORRUPT_ROW', `the observation of service ${row.id} in run ${runId} no longer matches the schema`);
  }
  return {
    id: row.id,
    runId: row.run_id,
    ip: row.ip,
    hostname: row.hostname ?? undefined,
    country: row.country ?? undefined,
    asn: row.asn ?? undefined,
    org: row.org ?? undefined,
    space: row.space ?? undefined,
    port: row.port,
    protocol: parsed.data.protocol,
    tls: row.tls === 1,
    status: parsed.data.status,
    product: row.product ?? undefined,
    version: row.version ?? undefined,
    observation: parsed.data,
    findings,
  };
}

/** The SQLite store in both roles: for tests and tools that write a file and read it back. */
export type SqliteStore = StoreSink & StoreReader;

/** Opens (creating and migrating if needed, unless read-only) the Exposure database at `path`. */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  const db = openDatabase(path, options);
  // A second connection needs a file: an in-memory database is written where it lives.
  const thread = options.writeThread && !options.readonly && path !== ':memory:' && path !== '' ? new WriteThread(path) : undefined;
  return new SqliteFileStore(db, options.now ?? (() => new Date()), thread);
}

/** What a scan opens: creates or migrates the file, and hands out the sink and the run lookup of a resume. */
export function openStoreSink(path: string, options: Omit<SqliteStoreOptions, 'readonly'> = {}): ScanStore {
  return openSqliteStore(path, { ...options, readonly: false });
}

/** What reports and diffs open: read-only, so a mistyped path is an error and the file is never changed. */
export function openStoreReader(path: string, options: Omit<SqliteStoreOptions, 'readonly'> = {}): StoreReader {
  return openSqliteStore(path, { ...options, readonly: true });
}
