/**
 * What a scan writes to SQLite: batches of hosts with their checkpoint, one
 * transaction each. A transaction's BEGIN and COMMIT cost more than the rows
 * of one host, so a scan writes hundreds of hosts per transaction
 * (scan/host-writer.ts); the checkpoint goes in the same transaction, so a
 * killed process leaves results and checkpoint in step whatever the batch size.
 *
 * Each part of a service is written once (store/stored-observation.ts): its
 * columns, its inventory rows, the rest of its observation as JSON, and its
 * findings as rule, severity and evidence pointing at their rule's text.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { Finding } from '../observation/finding.ts';
import { ipSortKey } from '../observation/address-order.ts';
import { isExposed } from '../observation/exposed.ts';
import { Observation } from '../observation/observation.ts';
import { StoreError, StoreValidationError, validate } from './errors.ts';
import { countColumns, storedObservation } from './stored-observation.ts';
import type { HostBatch, HostResult, ScanCheckpoint } from './store.ts';

export const HostGeoSchema = z.object({
  space: z.string().regex(/^[a-z-]{1,32}$/),
  country: z.string().regex(/^[A-Z]{2}$/).optional(),
  asn: z.number().int().nonnegative().max(4_294_967_295).optional(),
  org: z.string().max(512).optional(),
  source: z.string().max(4096).optional(),
});

// Services and findings are checked one by one below, so an error names which one failed.
const HostShape = z.object({
  ip: z.string().min(1),
  hostname: z.string().optional(),
  services: z.array(z.unknown()),
  geo: HostGeoSchema.optional(),
});

const ServiceShape = z.object({ observation: z.unknown(), findings: z.array(z.unknown()) });

function prepare(db: Database.Database) {
  return {
    runExists: db.prepare('SELECT 1 FROM runs WHERE id = ?').pluck(),
    insertHost: db.prepare(
      'INSERT INTO hosts (run_id, ip, hostname, space, country, asn, org, geo_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertService: db.prepare(
      `INSERT INTO services (run_id, host_id, ip, port, protocol, tls, status, product, version, started_at, duration_ms,
         exposed, patients, patients_at_least, studies, studies_at_least, series, series_at_least,
         images, images_at_least, files, files_at_least, bytes, bytes_at_least, ip_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertObservation: db.prepare('INSERT INTO observations (service_id, json) VALUES (?, ?)'),
    insertFinding: db.prepare(
      'INSERT INTO findings (run_id, service_id, rule_id, severity, rule_text_id, evidence) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    // ON CONFLICT with no target: PostgreSQL reads it the same.
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

/** Distinct rule texts a writer remembers the ids of: rules times their versions, far fewer in practice. */
const RULE_TEXTS_REMEMBERED = 4096;

/**
 * The id of each rule text, inserted the first time it is met. Ids met inside
 * a transaction are remembered only once it commits: a rolled-back batch
 * takes its new rows with it, and their ids must not outlive them.
 */
function ruleTexts(stmt: ReturnType<typeof prepare>) {
  const known = new Map<string, number>();
  const pending = new Map<string, number>();
  return {
    id(f: Finding): number {
      const text = [f.ruleId, f.title, f.remediation, JSON.stringify(f.references), f.cwe ?? ''] as const;
      const key = JSON.stringify(text);
      let id = known.get(key) ?? pending.get(key);
      if (id === undefined) {
        stmt.insertRuleText.run(...text);
        id = stmt.ruleTextId.get(...text) as number;
        pending.set(key, id);
      }
      return id;
    },
    committed(): void {
      for (const [key, id] of pending) if (known.size < RULE_TEXTS_REMEMBERED) known.set(key, id);
      pending.clear();
    },
    rolledBack: (): void => pending.clear(),
  };
}

/** A service as it enters the store: parsed by its schemas (once each), nothing else kept. */
interface CheckedService {
  observation: Observation;
  findings: Finding[];
  where: string;
}

function checkService(raw: unknown, ip: string, where: string): CheckedService {
  const service = validate(ServiceShape, raw, 'INVALID_OBSERVATION', where);
  const observation = validate(Observation, service.observation, 'INVALID_OBSERVATION', `observation of ${where}`);
  if (observation.endpoint.ip !== ip) {
    throw new StoreValidationError('INVALID_OBSERVATION', `observation of ${where}`, [{ path: 'endpoint.ip', code: 'not_this_host' }]);
  }
  const findings = service.findings.map((f, j) => validate(Finding, f, 'INVALID_FINDING', `finding ${j + 1} of ${where}`));
  return { observation, findings, where };
}

export interface SqliteWrites {
  /** Every host of the batch, then its checkpoint, in one transaction: any throw rolls back the whole batch. */
  recordHosts(runId: number, batch: HostBatch): void;
}

export function prepareWrites(db: Database.Database, now: () => Date): SqliteWrites {
  const stmt = prepare(db);
  const texts = ruleTexts(stmt);

  const insertCheckpoint = (runId: number, c: ScanCheckpoint, at: string): void => {
    stmt.upsertProgress.run(runId, c.watermark, JSON.stringify(c.counters), at);
    for (const step of c.done) if (step >= c.watermark) stmt.insertStep.run(runId, step);
    stmt.forgetSteps.run(runId, c.watermark);
  };

  const insertService = (runId: number, hostId: number, { observation: obs, findings, where }: CheckedService): void => {
    const serviceId = Number(
      stmt.insertService.run(
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
        ipSortKey(obs.endpoint.ip),
      ).lastInsertRowid,
    );
    stmt.insertObservation.run(serviceId, JSON.stringify(storedObservation(obs)));
    for (const f of findings) stmt.insertFinding.run(runId, serviceId, f.ruleId, f.severity, texts.id(f), f.evidence);
    const inventory = obs.inventory;
    if (!inventory) return;
    const seen = new Set<string>();
    inventory.attributes.forEach((a, k) => {
      if (seen.has(a.tag)) {
        throw new StoreValidationError('INVALID_OBSERVATION', `observation of ${where}`, [{ path: `inventory.attributes.${k}.tag`, code: 'duplicate' }]);
      }
      seen.add(a.tag);
      stmt.insertInventory.run(serviceId, a.keyword, a.tag, a.class, a.present, inventory.records);
    });
  };

  const insertHost = (runId: number, host: HostResult, merge: boolean): void => {
    const h = validate(HostShape, host, 'INVALID_HOST', 'host result');
    const existing = stmt.hostId.get(runId, h.ip) as number | undefined;
    if (existing !== undefined && !merge) {
      throw new StoreError('HOST_ALREADY_RECORDED', `host ${h.ip} is already recorded in run ${runId}`);
    }
    // Every service is checked before the host's first row, so a bad service stores nothing of it.
    const services = h.services.map((raw, i) => checkService(raw, h.ip, `service ${i + 1} of host ${h.ip}`));
    const g = h.geo;
    const hostId =
      existing ??
      Number(
        stmt.insertHost.run(runId, h.ip, h.hostname ?? null, g?.space ?? null, g?.country ?? null, g?.asn ?? null, g?.org ?? null, g?.source ?? null)
          .lastInsertRowid,
      );
    for (const service of services) {
      const { endpoint, protocol } = service.observation;
      // A result file may list one endpoint twice: merged hosts keep its first result.
      if (existing !== undefined && stmt.serviceExists.get(runId, endpoint.ip, endpoint.port, protocol)) continue;
      insertService(runId, hostId, service);
    }
  };

  const recordHosts = db.transaction((runId: number, batch: HostBatch): void => {
    if (!stmt.runExists.get(runId)) throw new StoreError('UNKNOWN_RUN', `run ${runId} does not exist`);
    for (const host of batch.hosts) insertHost(runId, host, batch.merge ?? false);
    if (batch.checkpoint) insertCheckpoint(runId, batch.checkpoint, now().toISOString());
  });

  return {
    recordHosts: (runId, batch) => {
      try {
        recordHosts(runId, batch);
      } catch (err) {
        texts.rolledBack();
        throw err;
      }
      texts.committed();
    },
  };
}
