/**
 * What a scan writes to SQLite: batches of hosts with their checkpoint, one
 * transaction each. A transaction's BEGIN and COMMIT cost more than the rows
 * of one host, so a scan writes hundreds of hosts per transaction
 * (scan/host-writer.ts); the checkpoint goes in the same transaction, so a
 * killed process leaves results and checkpoint in step whatever the batch size.
 *
 * The rows are laid out by write-rows.ts, which PostgreSQL's writer shares;
 * here each is one run of a statement prepared once.
 */
import type Database from 'better-sqlite3';
import { StoreError } from './errors.ts';
import type { HostBatch, HostResult, ScanCheckpoint } from './store.ts';
import {
  checkHost,
  checkServices,
  geoSourceKey,
  HOST_COLUMNS,
  hostValues,
  inventoryValues,
  knownIds,
  observationJson,
  ruleText,
  ruleTextKey,
  SERVICE_COLUMNS,
  serviceValues,
  type CheckedService,
  type KnownIdsInTransaction,
} from './write-rows.ts';

const marks = (n: number): string => Array<string>(n).fill('?').join(', ');

function prepare(db: Database.Database) {
  return {
    runExists: db.prepare('SELECT 1 FROM runs WHERE id = ?').pluck(),
    insertHost: db.prepare(`INSERT INTO hosts (${HOST_COLUMNS.join(', ')}) VALUES (${marks(HOST_COLUMNS.length)})`),
    insertService: db.prepare(
      `INSERT INTO services (${SERVICE_COLUMNS.map(([c]) => c).join(', ')}) VALUES (${marks(SERVICE_COLUMNS.length)})`,
    ),
    insertObservation: db.prepare('INSERT INTO observations (service_id, json) VALUES (?, ?)'),
    insertFinding: db.prepare(
      'INSERT INTO findings (run_id, service_id, rule_id, severity, rule_text_id, evidence) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    insertRuleText: db.prepare(
      `INSERT INTO rule_texts (rule_id, title, remediation, "references", cwe) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    ruleTextId: db
      .prepare(`SELECT id FROM rule_texts WHERE rule_id = ? AND title = ? AND remediation = ? AND "references" = ? AND cwe = ?`)
      .pluck(),
    insertInventory: db.prepare(
      'INSERT INTO inventories (service_id, keyword, tag, class, present, records) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    serviceExists: db.prepare('SELECT 1 FROM services WHERE run_id = ? AND ip = ? AND port = ? AND protocol = ?').pluck(),
    hostId: db.prepare('SELECT id FROM hosts WHERE run_id = ? AND ip = ?').pluck(),
    insertStep: db.prepare('INSERT OR IGNORE INTO scan_steps (run_id, step) VALUES (?, ?)'),
    upsertProgress: db.prepare(
      `INSERT INTO scan_progress (run_id, watermark, counters, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET watermark = excluded.watermark, counters = excluded.counters, updated_at = excluded.updated_at`,
    ),
    forgetSteps: db.prepare('DELETE FROM scan_steps WHERE run_id = ? AND step < ?'),
  };
}

export interface SqliteWrites {
  /** Every host of the batch, then its checkpoint, in one transaction: any throw rolls back the whole batch. */
  recordHosts(runId: number, batch: HostBatch): void;
}

/** The id of a run's geo source text, its row stored the first time it is met (in a transaction of the caller's). */
export function geoSourceIdOf(db: Database.Database): (runId: number, source: string | undefined, inTx?: KnownIdsInTransaction) => number | null {
  const insert = db.prepare('INSERT INTO geo_sources (run_id, source) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const select = db.prepare('SELECT id FROM geo_sources WHERE run_id = ? AND source = ?').pluck();
  return (runId, source, inTx) => {
    if (source === undefined) return null;
    const key = geoSourceKey(runId, source);
    let id = inTx?.id(key);
    if (id === undefined) {
      insert.run(runId, source);
      id = select.get(runId, source) as number;
      inTx?.add(key, id);
    }
    return id;
  };
}

export function prepareWrites(db: Database.Database, now: () => Date): SqliteWrites {
  const stmt = prepare(db);
  const ids = knownIds();
  const geoSourceId = geoSourceIdOf(db);

  const textId = (inTx: KnownIdsInTransaction, f: CheckedService['findings'][number]): number => {
    const text = ruleText(f);
    const key = ruleTextKey(text);
    let id = inTx.id(key);
    if (id === undefined) {
      stmt.insertRuleText.run(...text);
      id = stmt.ruleTextId.get(...text) as number;
      inTx.add(key, id);
    }
    return id;
  };

  const insertCheckpoint = (runId: number, c: ScanCheckpoint, at: string): void => {
    stmt.upsertProgress.run(runId, c.watermark, JSON.stringify(c.counters), at);
    for (const step of c.done) if (step >= c.watermark) stmt.insertStep.run(runId, step);
    stmt.forgetSteps.run(runId, c.watermark);
  };

  const insertService = (inTx: KnownIdsInTransaction, runId: number, hostId: number, { observation: obs, findings, where }: CheckedService): void => {
    const serviceId = Number(stmt.insertService.run(...serviceValues(runId, hostId, obs)).lastInsertRowid);
    stmt.insertObservation.run(serviceId, observationJson(obs));
    for (const f of findings) stmt.insertFinding.run(runId, serviceId, f.ruleId, f.severity, textId(inTx, f), f.evidence);
    for (const row of inventoryValues(obs, where)) stmt.insertInventory.run(serviceId, ...row);
  };

  const insertHost = (inTx: KnownIdsInTransaction, runId: number, host: HostResult, merge: boolean): void => {
    const h = checkHost(host);
    const existing = stmt.hostId.get(runId, h.ip) as number | undefined;
    if (existing !== undefined && !merge) {
      throw new StoreError('HOST_ALREADY_RECORDED', `host ${h.ip} is already recorded in run ${runId}`);
    }
    const services = checkServices(h);
    const hostId = existing ?? Number(stmt.insertHost.run(...hostValues(runId, h, geoSourceId(runId, h.geo?.source, inTx))).lastInsertRowid);
    for (const service of services) {
      const { endpoint, protocol } = service.observation;
      // A result file may list one endpoint twice: merged hosts keep its first result.
      if (existing !== undefined && stmt.serviceExists.get(runId, endpoint.ip, endpoint.port, protocol)) continue;
      insertService(inTx, runId, hostId, service);
    }
  };

  const recordHosts = db.transaction((inTx: KnownIdsInTransaction, runId: number, batch: HostBatch): void => {
    if (!stmt.runExists.get(runId)) throw new StoreError('UNKNOWN_RUN', `run ${runId} does not exist`);
    for (const host of batch.hosts) insertHost(inTx, runId, host, batch.merge ?? false);
    if (batch.checkpoint) insertCheckpoint(runId, batch.checkpoint, now().toISOString());
  });

  return {
    recordHosts: (runId, batch) => {
      const inTx = ids.begin();
      recordHosts(inTx, runId, batch);
      inTx.committed();
    },
  };
}
