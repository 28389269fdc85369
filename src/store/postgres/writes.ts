/**
 * A batch of hosts written to PostgreSQL inside the caller's transaction: the
 * same checks and rows as SQLite (write-rows.ts), but a table at a time. Each
 * table's rows go in one INSERT … SELECT FROM unnest(arrays), one array per
 * column, and the ids of new hosts and services are taken from their
 * sequences first, so a batch of hundreds of hosts costs about ten round
 * trips, not several per row.
 */
import type pg from 'pg';
import type { StoredHostGeo } from '../aggregates.ts';
import { StoreError } from '../errors.ts';
import type { HostBatch, HoneypotRow, ScanCheckpoint } from '../store.ts';
import {
  checkHost,
  checkServices,
  endpointKey,
  geoSourceKey,
  HOST_COLUMNS,
  hostValues,
  inventoryValues,
  observationJson,
  ruleText,
  ruleTextKey,
  SERVICE_COLUMNS,
  serviceValues,
  type CheckedHostShape,
  type CheckedService,
  type ColumnKind,
  type InventoryValues,
  type KnownIdsInTransaction,
  type RuleText,
} from '../write-rows.ts';

type Db = Pick<pg.PoolClient, 'query'>;

const PG_TYPE: Record<ColumnKind, string> = { id: 'bigint', count: 'bigint', flag: 'integer', int: 'integer', real: 'double precision', text: 'text' };

type Column = readonly [string, ColumnKind];

/**
 * PostgreSQL text cannot hold U+0000, which a peer may send (a version, a
 * share name quoted in evidence): it is stored as U+FFFD. The observation's
 * JSON escapes it, and keeps a product name or version that has one
 * (stored-observation.ts), so the observation itself reads back exactly.
 */
const NUL = '\u0000';
const holdsExactly = (text: string): boolean => !text.includes(NUL);
const pgText = (value: unknown): unknown => (typeof value === 'string' && value.includes(NUL) ? value.replaceAll(NUL, '\ufffd') : value);

/**
 * Inserts rows (values in the order of `columns`) with one statement: the rows
 * are turned into one array per column and unnested back, in their order,
 * so identity ids follow the order given.
 */
async function insertRows(db: Db, table: string, columns: readonly Column[], rows: ReadonlyArray<readonly unknown[]>, onConflict = ''): Promise<void> {
  if (rows.length === 0) return;
  const arrays = columns.map(([, kind], i) => rows.map((r) => (kind === 'text' ? pgText(r[i]) : r[i]) ?? null));
  const names = columns.map(([name]) => (name === 'references' ? '"references"' : name));
  const unnest = columns.map(([, kind], i) => `$${i + 1}::${PG_TYPE[kind]}[]`).join(', ');
  const alias = columns.map((_c, i) => `c${i}`);
  await db.query(
    `INSERT INTO ${table} (${names.join(', ')})
     SELECT ${alias.join(', ')} FROM unnest(${unnest}) WITH ORDINALITY AS u(${alias.join(', ')}, n) ORDER BY n ${onConflict}`,
    arrays,
  );
}

const HOST_ROW: readonly Column[] = [['id', 'id'], ...HOST_COLUMNS.map((c): Column => [c, c === 'run_id' || c === 'geo_source_id' ? 'id' : c === 'asn' ? 'count' : 'text'])];
const SERVICE_ROW: readonly Column[] = [['id', 'id'], ...SERVICE_COLUMNS];
const OBSERVATION_ROW: readonly Column[] = [
  ['service_id', 'id'],
  ['json', 'text'],
];
const FINDING_ROW: readonly Column[] = [
  ['run_id', 'id'],
  ['service_id', 'id'],
  ['rule_id', 'text'],
  ['severity', 'text'],
  ['rule_text_id', 'id'],
  ['evidence', 'text'],
];
const INVENTORY_ROW: readonly Column[] = [
  ['service_id', 'id'],
  ['keyword', 'text'],
  ['tag', 'text'],
  ['class', 'text'],
  ['present', 'count'],
  ['records', 'count'],
  ['ord', 'int'],
];
const RULE_TEXT_ROW: readonly Column[] = ['rule_id', 'title', 'remediation', 'references', 'cwe'].map((c): Column => [c, 'text']);

/** `n` new ids of a table's sequence, ascending: rows get them in batch order, as SQLite's rowids would be. */
async function newIds(db: Db, sequence: string, n: number): Promise<number[]> {
  if (n === 0) return [];
  const r = await db.query<{ ids: string[] }>(`SELECT array_agg(nextval('${sequence}')) AS ids FROM generate_series(1, $1::integer)`, [n]);
  return (r.rows[0]?.ids ?? []).map(Number).sort((a, b) => a - b);
}

/** The ids of the texts, inserting those the database lacks; in one sorted order, so concurrent writers lock alike. */
async function ruleTextIdsOf(db: Db, texts: KnownIdsInTransaction, wanted: readonly RuleText[]): Promise<void> {
  const missing = [...new Map(wanted.filter((t) => texts.id(ruleTextKey(t)) === undefined).map((t) => [ruleTextKey(t), t])).entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, t]) => t);
  if (missing.length === 0) return;
  // Another writer may be storing the same new text: its row is taken as ours once it commits.
  await insertRows(db, 'rule_texts', RULE_TEXT_ROW, missing, 'ON CONFLICT DO NOTHING');
  const found = await db.query<{ id: number; rule_id: string; title: string; remediation: string; references: string; cwe: string }>(
    `SELECT t.id, t.rule_id, t.title, t.remediation, t."references", t.cwe
     FROM rule_texts t JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(rule_id, title, remediation, refs, cwe)
       ON t.rule_id = u.rule_id AND t.title = u.title AND t.remediation = u.remediation AND t."references" = u.refs AND t.cwe = u.cwe`,
    RULE_TEXT_ROW.map((_c, i) => missing.map((t) => pgText(t[i]))),
  );
  const ids = new Map(found.rows.map((r) => [ruleTextKey([r.rule_id, r.title, r.remediation, r.references, r.cwe]), r.id]));
  for (const text of missing) {
    const id = ids.get(ruleTextKey(text.map((t) => pgText(t) as string) as unknown as RuleText));
    if (id !== undefined) texts.add(ruleTextKey(text), id);
  }
}

/** The run's geo source texts (as PostgreSQL holds them), a row each unless it has one already. */
async function insertGeoSources(db: Db, runId: number, texts: readonly string[]): Promise<void> {
  await db.query('INSERT INTO geo_sources (run_id, source) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [runId, texts]);
}

/** The ids of the run's geo sources, inserting those the database lacks (its text as PostgreSQL holds it). */
async function geoSourceIdsOf(db: Db, ids: KnownIdsInTransaction, runId: number, wanted: ReadonlyArray<string | undefined>): Promise<void> {
  const missing = [...new Set(wanted.filter((s): s is string => s !== undefined && ids.id(geoSourceKey(runId, s)) === undefined))].sort();
  if (missing.length === 0) return;
  const texts = missing.map((source) => pgText(source) as string);
  await insertGeoSources(db, runId, texts);
  const found = await db.query<{ id: number; source: string }>('SELECT id, source FROM geo_sources WHERE run_id = $1 AND source = ANY($2::text[])', [runId, texts]);
  const byText = new Map(found.rows.map((r) => [r.source, r.id]));
  for (const [i, source] of missing.entries()) {
    const id = byText.get(texts[i] as string);
    if (id !== undefined) ids.add(geoSourceKey(runId, source), id);
  }
}

async function writeCheckpoint(db: Db, runId: number, c: ScanCheckpoint, at: string): Promise<void> {
  await db.query(
    `INSERT INTO scan_progress (run_id, watermark, counters, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (run_id) DO UPDATE SET watermark = excluded.watermark, counters = excluded.counters, updated_at = excluded.updated_at`,
    [runId, c.watermark, JSON.stringify(c.counters), at],
  );
  const above = c.done.filter((step) => step >= c.watermark);
  if (above.length > 0) {
    await db.query('INSERT INTO scan_steps (run_id, step) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING', [runId, above]);
  }
  await db.query('DELETE FROM scan_steps WHERE run_id = $1 AND step < $2', [runId, c.watermark]);
}

/** A service to insert, under a host stored before or one of this batch (by its place in `newHosts`). */
interface PlannedService {
  host: { stored: number } | { fresh: number };
  service: CheckedService;
  inventory: InventoryValues[];
}

/**
 * Checks the batch in SQLite's order (host shape, already recorded, its
 * services, their inventories), against the hosts and endpoints the run
 * already holds: nothing is written until every host passed.
 */
async function plan(db: Db, runId: number, batch: HostBatch): Promise<{ newHosts: CheckedHostShape[]; services: PlannedService[] }> {
  const merge = batch.merge ?? false;
  const addresses = [...new Set(batch.hosts.flatMap((h) => (typeof h?.ip === 'string' ? [h.ip] : [])))];
  const stored = new Map<string, number>();
  const endpoints = new Set<string>();
  if (addresses.length > 0) {
    const r = await db.query<{ id: number; ip: string }>('SELECT id, ip FROM hosts WHERE run_id = $1 AND ip = ANY($2::text[])', [runId, addresses]);
    for (const row of r.rows) stored.set(row.ip, row.id);
  }
  if (merge && stored.size > 0) {
    const r = await db.query<{ ip: string; port: number; protocol: string }>(
      'SELECT ip, port, protocol FROM services WHERE run_id = $1 AND ip = ANY($2::text[])',
      [runId, [...stored.keys()]],
    );
    for (const row of r.rows) endpoints.add(endpointKey(row.ip, row.port, row.protocol));
  }
  const newHosts: CheckedHostShape[] = [];
  const fresh = new Map<string, number>();
  const services: PlannedService[] = [];
  for (const raw of batch.hosts) {
    const h = checkHost(raw);
    const known = stored.get(h.ip);
    const earlier = fresh.get(h.ip);
    if ((known !== undefined || earlier !== undefined) && !merge) {
      throw new StoreError('HOST_ALREADY_RECORDED', `host ${h.ip} is already recorded in run ${runId}`);
    }
    const checked = checkServices(h);
    let host: PlannedService['host'];
    if (known !== undefined) host = { stored: known };
    else if (earlier !== undefined) host = { fresh: earlier };
    else {
      host = { fresh: newHosts.length };
      fresh.set(h.ip, newHosts.length);
      newHosts.push(h);
    }
    const existing = known !== undefined || earlier !== undefined;
    for (const service of checked) {
      const { endpoint, protocol } = service.observation;
      const key = endpointKey(endpoint.ip, endpoint.port, protocol);
      // A result file may list one endpoint twice: merged hosts keep its first result.
      if (existing && endpoints.has(key)) continue;
      endpoints.add(key);
      services.push({ host, service, inventory: inventoryValues(service.observation, service.where) });
    }
  }
  return { newHosts, services };
}

/** Every host of the batch, then its checkpoint, on `db` inside a transaction the caller opened and will end. */
export async function writeBatch(db: Db, texts: KnownIdsInTransaction, runId: number, batch: HostBatch, at: string): Promise<void> {
  const run = await db.query('SELECT 1 FROM runs WHERE id = $1', [runId]);
  if (run.rowCount === 0) throw new StoreError('UNKNOWN_RUN', `run ${runId} does not exist`);
  const { newHosts, services } = await plan(db, runId, batch);

  await geoSourceIdsOf(db, texts, runId, newHosts.map((h) => h.geo?.source));
  const sourceId = (source: string | undefined): number | null => (source === undefined ? null : (texts.id(geoSourceKey(runId, source)) ?? null));
  const hostIds = await newIds(db, 'hosts_id_seq', newHosts.length);
  await insertRows(db, 'hosts', HOST_ROW, newHosts.map((h, i) => [hostIds[i], ...hostValues(runId, h, sourceId(h.geo?.source))]));
  const serviceIds = await newIds(db, 'services_id_seq', services.length);
  const hostIdOf = (p: PlannedService): number => ('stored' in p.host ? p.host.stored : (hostIds[p.host.fresh] as number));
  await insertRows(db, 'services', SERVICE_ROW, services.map((p, i) => [serviceIds[i], ...serviceValues(runId, hostIdOf(p), p.service.observation)]));
  await insertRows(db, 'observations', OBSERVATION_ROW, services.map((p, i) => [serviceIds[i], observationJson(p.service.observation, holdsExactly)]));

  await ruleTextIdsOf(db, texts, services.flatMap((p) => p.service.findings.map(ruleText)));
  const findings = services.flatMap((p, i) =>
    p.service.findings.map((f) => [runId, serviceIds[i], f.ruleId, f.severity, texts.id(ruleTextKey(ruleText(f))), f.evidence]),
  );
  await insertRows(db, 'findings', FINDING_ROW, findings);
  const inventories = services.flatMap((p, i) => p.inventory.map((row, ord) => [serviceIds[i], ...row, ord]));
  await insertRows(db, 'inventories', INVENTORY_ROW, inventories);
  if (batch.checkpoint) await writeCheckpoint(db, runId, batch.checkpoint, at);
}

/** Geo of hosts of a run, in one statement after the run's geo sources. */
export async function writeHostGeo(db: Db, runId: number, hosts: ReadonlyArray<{ ip: string; geo: StoredHostGeo }>): Promise<void> {
  if (hosts.length === 0) return;
  const sources = [...new Set(hosts.flatMap((h) => (h.geo.source === undefined ? [] : [pgText(h.geo.source) as string])))].sort();
  if (sources.length > 0) await insertGeoSources(db, runId, sources);
  await db.query(
    `UPDATE hosts h SET space = u.space, country = u.country, asn = u.asn, org = u.org,
            geo_source_id = (SELECT g.id FROM geo_sources g WHERE g.run_id = $1 AND g.source = u.source)
     FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[]) AS u(ip, space, country, asn, org, source)
     WHERE h.run_id = $1 AND h.ip = u.ip`,
    [
      runId,
      hosts.map((h) => h.ip),
      hosts.map((h) => h.geo.space),
      hosts.map((h) => h.geo.country ?? null),
      hosts.map((h) => h.geo.asn ?? null),
      hosts.map((h) => h.geo.org ?? null),
      hosts.map((h) => pgText(h.geo.source) ?? null),
    ],
  );
}

/** A page of the honeypot pass's results (store/sql-store.ts assessHoneypots), in one statement. */
export async function writeHoneypots(db: Db, runId: number, rows: readonly HoneypotRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `UPDATE services s SET honeypot = u.level, honeypot_score = u.score, honeypot_signals = u.signals
     FROM unnest($2::bigint[], $3::text[], $4::int[], $5::text[]) AS u(id, level, score, signals)
     WHERE s.run_id = $1 AND s.id = u.id`,
    [runId, rows.map((r) => r.id), rows.map((r) => r.level), rows.map((r) => r.score), rows.map((r) => JSON.stringify(r.signals))],
  );
}
