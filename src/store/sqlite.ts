/**
 * The default store: one SQLite file through better-sqlite3 (WAL, prepared
 * statements, foreign keys on). Everything for one host is written in one
 * transaction together with its checkpoint, so a killed scan resumes exactly
 * where it stopped and never leaves half a host behind.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { Finding, SEVERITIES } from '../observation/finding.ts';
import { isExposed } from '../observation/exposed.ts';
import { Observation } from '../observation/observation.ts';
import { StoreError, StoreValidationError, validate } from './errors.ts';
import { openDatabase, type OpenOptions } from './open.ts';
import {
  RUN_END_STATUSES,
  type FindingRow,
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
import type { Breakdown, BreakdownRow, ImageDistribution, RuleCountRow, RunCounts, ServerRow, StoredHostGeo } from './aggregates.ts';
import { prepareAggregates } from './sqlite-aggregates.ts';
import { findingFromRow, runFromRow, type DbFinding, type DbRun, type DbService } from './rows.ts';

export interface SqliteStoreOptions extends OpenOptions {
  /** Clock for timestamps; tests pass a fixed one. */
  now?: () => Date;
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

const HostGeoSchema = z.object({
  space: z.string().regex(/^[a-z-]{1,32}$/),
  country: z.string().regex(/^[A-Z]{2}$/).optional(),
  asn: z.number().int().nonnegative().max(4_294_967_295).optional(),
  org: z.string().max(512).optional(),
  source: z.string().max(4096).optional(),
});

const HostShape = z.object({
  ip: z.string().min(1),
  hostname: z.string().optional(),
  services: z.array(z.unknown()),
  geo: HostGeoSchema.optional(),
});

const ServiceShape = z.object({ observation: z.unknown(), findings: z.array(z.unknown()) });

// Most severe first, in SQL, from the one list in observation/finding.ts.
const SEVERITY_ORDER = `CASE f.severity ${SEVERITIES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} END`;

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
    runExists: db.prepare('SELECT 1 FROM runs WHERE id = ?').pluck(),
    runs: db.prepare(
      `SELECT r.*, (SELECT count(*) FROM checkpoints c WHERE c.run_id = r.id) AS hosts_recorded FROM runs r ORDER BY r.id`,
    ),
    run: db.prepare(
      `SELECT r.*, (SELECT count(*) FROM checkpoints c WHERE c.run_id = r.id) AS hosts_recorded FROM runs r WHERE r.id = ?`,
    ),
    latestRunId: db.prepare('SELECT max(id) FROM runs').pluck(),
    insertHost: db.prepare(
      'INSERT INTO hosts (run_id, ip, hostname, space, country, asn, org, geo_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertService: db.prepare(
      `INSERT INTO services (run_id, host_id, ip, port, protocol, tls, status, product, version, started_at, duration_ms,
         exposed, patients, patients_at_least, studies, studies_at_least, series, series_at_least,
         images, images_at_least, files, files_at_least, bytes, bytes_at_least)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertObservation: db.prepare('INSERT INTO observations (service_id, json) VALUES (?, ?)'),
    insertFinding: db.prepare(
      `INSERT INTO findings (run_id, service_id, rule_id, severity, title, evidence, remediation, "references", cwe)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertInventory: db.prepare(
      'INSERT INTO inventories (service_id, keyword, tag, class, present, records) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    serviceExists: db.prepare('SELECT 1 FROM services WHERE run_id = ? AND ip = ? AND port = ? AND protocol = ?').pluck(),
    hostId: db.prepare('SELECT id FROM hosts WHERE run_id = ? AND ip = ?').pluck(),
    insertCheckpointIfNew: db.prepare('INSERT OR IGNORE INTO checkpoints (run_id, ip, done_at) VALUES (?, ?, ?)'),
    insertStep: db.prepare('INSERT OR IGNORE INTO scan_steps (run_id, step) VALUES (?, ?)'),
    upsertProgress: db.prepare(
      `INSERT INTO scan_progress (run_id, watermark, counters, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET watermark = excluded.watermark, counters = excluded.counters, updated_at = excluded.updated_at`,
    ),
    forgetSteps: db.prepare('DELETE FROM scan_steps WHERE run_id = ? AND step < ?'),
    progress: db.prepare('SELECT watermark, counters FROM scan_progress WHERE run_id = ?'),
    steps: db.prepare('SELECT step FROM scan_steps WHERE run_id = ? AND step >= ? ORDER BY step').pluck(),
    reopenRun: db.prepare(`UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?`),
    isHostDone: db.prepare('SELECT 1 FROM checkpoints WHERE run_id = ? AND ip = ?').pluck(),
    services: db.prepare(
      `SELECT s.id, s.run_id, s.ip, h.hostname, h.country, h.asn, h.org, h.space, s.port, s.protocol, s.tls, s.status,
              s.product, s.version, o.json
       FROM services s JOIN hosts h ON h.id = s.host_id JOIN observations o ON o.service_id = s.id
       WHERE s.run_id = ? ORDER BY s.id`,
    ),
    findings: db.prepare(
      `SELECT f.*, s.ip, s.port, s.protocol FROM findings f JOIN services s ON s.id = f.service_id
       WHERE f.run_id = ? ORDER BY ${SEVERITY_ORDER}, f.rule_id, f.service_id, f.id`,
    ),
    inventory: db.prepare(
      `SELECT i.keyword, i.tag, i.class, count(DISTINCT i.service_id) AS services, sum(i.present) AS records
       FROM inventories i JOIN services s ON s.id = i.service_id
       WHERE s.run_id = ? AND i.present > 0
       GROUP BY i.tag, i.keyword, i.class ORDER BY services DESC, i.tag`,
    ),
  };
}

const COUNTED = ['patients', 'studies', 'series', 'images', 'files', 'bytes'] as const;

/** n and at-least flag of each exposure count, in the column order of insertService. */
function countColumns(obs: Observation): Array<number | null> {
  return COUNTED.flatMap((k) => {
    const c = obs.exposure[k];
    return c ? [c.n, c.atLeast ? 1 : 0] : [null, null];
  });
}

class SqliteFileStore implements StoreSink, StoreReader {
  private readonly stmt: ReturnType<typeof prepare>;
  private readonly agg: ReturnType<typeof prepareAggregates>;
  private readonly writeHost: (runId: number, host: HostResult, options: RecordOptions) => void;
  private readonly writeCheckpoint: (runId: number, c: ScanCheckpoint) => void;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date,
  ) {
    this.stmt = prepare(db);
    this.agg = prepareAggregates(db);
    this.writeHost = db.transaction((runId: number, host: HostResult, options: RecordOptions) => this.insertHost(runId, host, options));
    this.writeCheckpoint = db.transaction((runId: number, c: ScanCheckpoint) => this.insertCheckpoint(runId, c));
  }

  private insertCheckpoint(runId: number, c: ScanCheckpoint): void {
    if (!this.stmt.runExists.get(runId)) throw new StoreError('UNKNOWN_RUN', `run ${runId} does not exist`);
    this.stmt.upsertProgress.run(runId, c.watermark, JSON.stringify(c.counters), this.now().toISOString());
    for (const step of c.done) if (step >= c.watermark) this.stmt.insertStep.run(runId, step);
    this.stmt.forgetSteps.run(runId, c.watermark);
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

  async recordHost(runId: number, host: HostResult, options: RecordOptions = {}): Promise<void> {
    this.writeHost(runId, host, options);
  }

  async saveCheckpoint(runId: number, checkpoint: ScanCheckpoint): Promise<void> {
    this.writeCheckpoint(runId, checkpoint);
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

  /** Runs inside the host's transaction: any throw rolls back every row of this host. */
  private insertHost(runId: number, host: HostResult, options: RecordOptions): void {
    const h = validate(HostShape, host, 'INVALID_HOST', 'host result');
    if (!this.stmt.runExists.get(runId)) throw new StoreError('UNKNOWN_RUN', `run ${runId} does not exist`);
    const existing = this.stmt.hostId.get(runId, h.ip) as number | undefined;
    if (existing !== undefined && !options.merge) {
      throw new StoreError('HOST_ALREADY_RECORDED', `host ${h.ip} is already recorded in run ${runId}`);
    }
    if (options.step !== undefined) this.stmt.insertStep.run(runId, options.step);
    const g = h.geo;
    const hostId =
      existing ??
      Number(
        this.stmt.insertHost.run(runId, h.ip, h.hostname ?? null, g?.space ?? null, g?.country ?? null, g?.asn ?? null, g?.org ?? null, g?.source ?? null)
          .lastInsertRowid,
      );
    h.services.forEach((raw, i) => {
      const where = `service ${i + 1} of host ${h.ip}`;
      const service = validate(ServiceShape, raw, 'INVALID_OBSERVATION', where);
      const obs = validate(Observation, service.observation, 'INVALID_OBSERVATION', `observation of ${where}`);
      if (obs.endpoint.ip !== h.ip) {
        throw new StoreValidationError('INVALID_OBSERVATION', `observation of ${where}`, [
          { path: 'endpoint.ip', code: 'not_this_host' },
        ]);
      }
      const findings = service.findings.map((f, j) =>
        validate(Finding, f, 'INVALID_FINDING', `finding ${j + 1} of ${where}`),
      );
      // A result file may list one endpoint twice: merged hosts keep its first result.
      if (existing !== undefined && this.stmt.serviceExists.get(runId, obs.endpoint.ip, obs.endpoint.port, obs.protocol)) return;
      this.insertService(runId, hostId, obs, findings, where);
    });
    this.stmt.insertCheckpointIfNew.run(runId, h.ip, this.now().toISOString());
    if (options.checkpoint) this.insertCheckpoint(runId, options.checkpoint);
  }

  private insertService(runId: number, hostId: number, obs: Observation, findings: Finding[], where: string): void {
    const serviceId = Number(
      this.stmt.insertService.run(
        runId,
        hostId,
        obs.endpoint.ip,
        obs.endpoint.port,
        obs.protocol,
        obs.tls ? 1 : 0,
        obs.status,
        obs.product?.name ?? null,
        obs.product?.version ?? null,
        obs.startedAt,
        obs.durationMs,
        isExposed(obs) ? 1 : 0,
        ...countColumns(obs),
      ).lastInsertRowid,
    );
    this.stmt.insertObservation.run(serviceId, JSON.stringify(obs));
    for (const f of findings) {
      this.stmt.insertFinding.run(
        runId,
        serviceId,
        f.ruleId,
        f.severity,
        f.title,
        f.evidence,
        f.remediation,
        JSON.stringify(f.references),
        f.cwe ?? null,
      );
    }
    const inventory = obs.inventory;
    if (!inventory) return;
    const seen = new Set<string>();
    inventory.attributes.forEach((a, k) => {
      if (seen.has(a.tag)) {
        throw new StoreValidationError('INVALID_OBSERVATION', `observation of ${where}`, [
          { path: `inventory.attributes.${k}.tag`, code: 'duplicate' },
        ]);
      }
      seen.add(a.tag);
      this.stmt.insertInventory.run(serviceId, a.keyword, a.tag, a.class, a.present, inventory.records);
    });
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
    const byService = new Map<number, Finding[]>();
    for (const f of await this.findings(runId)) {
      const { id: _id, runId: _run, serviceId, ip: _ip, port: _port, protocol: _protocol, ...finding } = f;
      const list = byService.get(serviceId) ?? [];
      list.push(finding);
      byService.set(serviceId, list);
    }
    return (this.stmt.services.all(runId) as DbService[]).map((row) => {
      const parsed = Observation.safeParse(JSON.parse(row.json));
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
        findings: byService.get(row.id) ?? [],
      };
    });
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
    if (this.db.open) this.db.close();
  }
}

/** The SQLite store in both roles: for tests and tools that write a file and read it back. */
export type SqliteStore = StoreSink & StoreReader;

/** Opens (creating and migrating if needed, unless read-only) the Exposure database at `path`. */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  const db = openDatabase(path, options);
  return new SqliteFileStore(db, options.now ?? (() => new Date()));
}

/** What a scan opens: creates or migrates the file, and hands out the sink and the run lookup of a resume. */
export function openStoreSink(path: string, options: Omit<SqliteStoreOptions, 'readonly'> = {}): ScanStore {
  return openSqliteStore(path, { ...options, readonly: false });
}

/** What reports and diffs open: read-only, so a mistyped path is an error and the file is never changed. */
export function openStoreReader(path: string, options: Omit<SqliteStoreOptions, 'readonly'> = {}): StoreReader {
  return openSqliteStore(path, { ...options, readonly: true });
}
