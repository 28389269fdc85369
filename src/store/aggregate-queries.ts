/**
 * The aggregate queries (aggregates.ts) as SQL both engines run unchanged,
 * and their rows turned into the store's types. The SQL is plain: CASE,
 * GROUP BY, sum/max/count, a window max, "||" and NULLS LAST, which SQLite and
 * PostgreSQL read the same (docs/decisions/0021-aggregates-in-sql.md).
 * Parameters are "?": the PostgreSQL engine numbers them.
 */
import { SEVERITIES, type Severity } from '../observation/finding.ts';
import type { Breakdown, BreakdownRow, CountSum, ImageDistribution, RuleCountRow, RunCounts, RunTotals, ServerRow } from './aggregates.ts';

// A host's place: its country, else its special-space label, else 'unknown'.
const COUNTRY_KEY = `CASE WHEN h.country IS NOT NULL THEN h.country
  WHEN h.space IS NOT NULL AND h.space <> 'public' THEN h.space ELSE 'unknown' END`;
const ASN_KEY = `CASE WHEN h.asn IS NOT NULL THEN 'AS' || h.asn
  WHEN h.space IS NOT NULL AND h.space <> 'public' THEN h.space ELSE 'unknown' END`;

/** Each breakdown's key as SQL over services `s` and hosts `h`: what a filter on a breakdown's key compares with. */
export const KEYS: Record<Breakdown, string> = {
  country: COUNTRY_KEY,
  asn: ASN_KEY,
  product: `COALESCE(s.product, 'unidentified')`,
  'product-version': `CASE WHEN s.product IS NULL THEN 'unidentified'
    WHEN s.version IS NULL THEN s.product ELSE s.product || ' ' || s.version END`,
  protocol: 's.protocol',
};

const HOST_COUNTED = ['patients', 'studies', 'images'] as const;
type HostCounted = (typeof HOST_COUNTED)[number];

const SUMS = HOST_COUNTED.map((c) => `sum(s.${c}) AS ${c}, max(s.${c}_at_least) AS ${c}_at_least`).join(', ');

/** Most severe first, in SQL, from the one list in observation/finding.ts. */
export const SEVERITY_ORDER = `CASE f.severity ${SEVERITIES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} END`;

/** Images per exposed host: the buckets of the 2020 study (over 1,000, 100,000, 1,000,000), labelled in one style. */
const BUCKETS = [
  { label: '0', min: 0, max: 0 },
  { label: '1–999', min: 1, max: 999 },
  { label: '1,000–99,999', min: 1_000, max: 99_999 },
  { label: '100,000–999,999', min: 100_000, max: 999_999 },
  { label: '≥ 1,000,000', min: 1_000_000 },
] as const;

// One host often answers for one archive on several services (DICOM, REST, DICOMweb):
// per host, its counts are the largest any service reported, never their sum.
const HOST_MAX = HOST_COUNTED.map((c) => `max(s.${c}) AS ${c}, max(s.${c}_at_least) AS ${c}_at_least`).join(', ');
const SUM_OF_HOSTS = HOST_COUNTED.map((c) => `sum(${c}) AS ${c}, max(${c}_at_least) AS ${c}_at_least`).join(', ');

/**
 * Which services the study's tables count: every one but the likely honeypots, unless the
 * user keeps them (--keep-honeypots). A service never assessed (NULL) counts as an archive.
 */
export interface AggregateView {
  readonly keepHoneypots?: boolean;
}

const NOT_HONEYPOT = ` AND (s.honeypot IS NULL OR s.honeypot <> 'likely')`;
const viewFilter = (view: AggregateView): string => (view.keepHoneypots ? '' : NOT_HONEYPOT);

const hostKeyed = (key: string, f: string): string =>
  `SELECT key, max(label) AS label, count(*) AS hosts, sum(services) AS services,
          sum(exposed_host) AS exposed_hosts, sum(exposed_services) AS exposed_services, ${SUM_OF_HOSTS}
   FROM (SELECT ${key} AS key, max(h.org) AS label, count(*) AS services, max(s.exposed) AS exposed_host,
                sum(s.exposed) AS exposed_services, ${HOST_MAX}
         FROM services s JOIN hosts h ON h.id = s.host_id
         WHERE s.run_id = ?${f}
         GROUP BY s.host_id, 1) per_host
   GROUP BY key
   ORDER BY exposed_services DESC, images DESC NULLS LAST, services DESC, key`;

// Keys of a service's own columns: no host row is read (the label is the AS breakdown's only).
const serviceKeyed = (key: string, f: string): string =>
  `SELECT ${key} AS key, NULL AS label, count(DISTINCT s.host_id) AS hosts, count(*) AS services,
          count(DISTINCT CASE WHEN s.exposed = 1 THEN s.host_id END) AS exposed_hosts,
          sum(s.exposed) AS exposed_services, ${SUMS}
   FROM services s
   WHERE s.run_id = ?${f}
   GROUP BY 1
   ORDER BY exposed_services DESC, images DESC NULLS LAST, services DESC, key`;

const bucketSql = BUCKETS.map(
  (b, i) => `sum(CASE WHEN images >= ${b.min}${'max' in b ? ` AND images <= ${b.max}` : ''} THEN 1 ELSE 0 END) AS b${i}`,
).join(', ');

// Per host the largest figure, and whether that figure (not a smaller one) was a lower bound.
const perHostSum = (c: HostCounted, f: string): string =>
  `SELECT sum(n) AS n, max(at_least) AS at_least FROM (
     SELECT max(${c}) AS n, max(CASE WHEN ${c} = host_max THEN ${c}_at_least ELSE 0 END) AS at_least
     FROM (SELECT s.host_id, s.${c}, s.${c}_at_least, max(s.${c}) OVER (PARTITION BY s.host_id) AS host_max
           FROM services s WHERE s.run_id = ? AND s.${c} IS NOT NULL${f}) per_service
     GROUP BY host_id) per_host`;

/** Each aggregate's SQL over the services `view` counts: one parameter, the run id, unless said otherwise. */
function aggregateSql(view: AggregateView) {
  const f = viewFilter(view);
  return {
  breakdown: Object.fromEntries(
    Object.entries(KEYS).map(([by, key]) => [by, by === 'country' || by === 'asn' ? hostKeyed(key, f) : serviceKeyed(key, f)]),
  ) as Record<Breakdown, string>,
  /** Run id, then the limit. */
  topServers: `SELECT s.ip, ${COUNTRY_KEY} AS country, h.asn, h.org, count(*) AS services, sum(s.exposed) AS exposed_services,
            max(s.product) AS product, ${HOST_MAX}
     FROM services s JOIN hosts h ON h.id = s.host_id
     WHERE s.run_id = ?${f}
     GROUP BY s.host_id, s.ip, h.country, h.space, h.asn, h.org
     HAVING sum(s.exposed) > 0
     ORDER BY images DESC NULLS LAST, studies DESC NULLS LAST, s.ip
     LIMIT ?`,
  perServer: `SELECT count(*) AS servers, sum(CASE WHEN images IS NULL THEN 1 ELSE 0 END) AS not_counted, ${bucketSql},
            sum(CASE WHEN images > 1000 THEN 1 ELSE 0 END) AS over_1k,
            sum(CASE WHEN images > 100000 THEN 1 ELSE 0 END) AS over_100k,
            sum(CASE WHEN images > 1000000 THEN 1 ELSE 0 END) AS over_1m
     FROM (SELECT max(s.images) AS images FROM services s
           WHERE s.run_id = ?${f} GROUP BY s.host_id HAVING sum(s.exposed) > 0) per_host`,
  byRule: `SELECT f.rule_id, f.severity, max(t.title) AS title, count(DISTINCT f.service_id) AS services,
            count(DISTINCT s.host_id) AS hosts
     FROM findings f JOIN services s ON s.id = f.service_id JOIN rule_texts t ON t.id = f.rule_text_id
     WHERE f.run_id = ?${f}
     GROUP BY f.rule_id, f.severity
     ORDER BY ${SEVERITY_ORDER}, services DESC, f.rule_id`,
  counts: `SELECT r.targets_total, r.excluded, r.hosts_done, r.open_ports,
       (SELECT count(*) FROM hosts h WHERE h.run_id = r.id) AS hosts,
       (SELECT count(*) FROM services s WHERE s.run_id = r.id${f}) AS services,
       (SELECT count(*) FROM services s WHERE s.run_id = r.id AND s.status IN ('success', 'rejected')${f}) AS responding,
       (SELECT count(DISTINCT s.host_id) FROM services s WHERE s.run_id = r.id AND s.exposed = 1${f}) AS exposed_hosts,
       (SELECT count(*) FROM services s WHERE s.run_id = r.id AND s.exposed = 1${f}) AS exposed_services,
       (SELECT count(*) FROM hosts h WHERE h.run_id = r.id AND h.space IS NULL) AS hosts_without_geo,
       (SELECT count(*) FROM services s WHERE s.run_id = r.id AND s.honeypot = 'likely') AS likely_honeypots
     FROM runs r WHERE r.id = ?`,
  hostSums: Object.fromEntries(HOST_COUNTED.map((c) => [c, perHostSum(c, f)])) as Record<HostCounted, string>,
  serviceSums: `SELECT count(*) AS services, coalesce(sum(s.exposed), 0) AS exposed_services,
            sum(s.files) AS files, max(s.files_at_least) AS files_at_least, sum(s.bytes) AS bytes, max(s.bytes_at_least) AS bytes_at_least,
            max(s.patients) AS most_patients,
            (SELECT count(*) FROM services h WHERE h.run_id = ? AND h.honeypot = 'likely') AS likely_honeypots
     FROM services s WHERE s.run_id = ?${f}`,
  bySeverity: view.keepHoneypots
    ? 'SELECT severity, count(*) AS n FROM findings WHERE run_id = ? GROUP BY severity'
    : `SELECT f.severity, count(*) AS n FROM findings f JOIN services s ON s.id = f.service_id WHERE f.run_id = ?${f} GROUP BY f.severity`,
  /** Identifying attributes: services where each was present, and in how many records. */
  inventory: `SELECT i.keyword, i.tag, i.class, count(DISTINCT i.service_id) AS services, sum(i.present) AS records
       FROM inventories i JOIN services s ON s.id = i.service_id
       WHERE s.run_id = ? AND i.present > 0${f}
       GROUP BY i.tag, i.keyword, i.class ORDER BY services DESC, i.tag`,
  // A geo_sources row is written with the first host that points at it, in the same transaction.
  geoSources: 'SELECT source FROM geo_sources WHERE run_id = ? ORDER BY source',
  /** Run id, the last address of the page before ('' for the first), the page size: along the partial index hosts_without_geo. */
  withoutGeo: 'SELECT ip FROM hosts WHERE run_id = ? AND space IS NULL AND ip > ? ORDER BY ip LIMIT ?',
  } as const;
}

/** The study's tables as published: likely honeypots left out. */
export const AGGREGATE_SQL = aggregateSql({});
/** The same tables counting every service (--keep-honeypots). */
const AGGREGATE_SQL_KEEPING = aggregateSql({ keepHoneypots: true });

export function aggregatesFor(view: AggregateView = {}): typeof AGGREGATE_SQL {
  return view.keepHoneypots ? AGGREGATE_SQL_KEEPING : AGGREGATE_SQL;
}

interface SumColumns {
  patients: number | null;
  patients_at_least: number | null;
  studies: number | null;
  studies_at_least: number | null;
  images: number | null;
  images_at_least: number | null;
}

export type BreakdownDbRow = SumColumns & {
  key: string;
  label: string | null;
  hosts: number;
  services: number;
  exposed_hosts: number;
  exposed_services: number;
};

export type ServerDbRow = SumColumns & {
  ip: string;
  country: string;
  asn: number | null;
  org: string | null;
  services: number;
  exposed_services: number;
  product: string | null;
};

export interface CountsDbRow {
  targets_total: number | null;
  excluded: number | null;
  hosts_done: number | null;
  open_ports: number | null;
  hosts: number;
  services: number;
  responding: number;
  exposed_hosts: number;
  exposed_services: number;
  hosts_without_geo: number;
  likely_honeypots: number;
}

export interface ServiceSumsDbRow {
  services: number;
  exposed_services: number;
  files: number | null;
  files_at_least: number | null;
  bytes: number | null;
  bytes_at_least: number | null;
  most_patients: number | null;
  likely_honeypots: number;
}

export interface HostSumDbRow {
  n: number | null;
  at_least: number | null;
}

function sum(n: number | null, atLeast: number | null): CountSum | undefined {
  return n === null ? undefined : { n, atLeast: atLeast === 1 };
}

function sums(r: SumColumns): Pick<BreakdownRow, 'patients' | 'studies' | 'images'> {
  const out: Pick<BreakdownRow, 'patients' | 'studies' | 'images'> = {};
  for (const c of HOST_COUNTED) {
    const s = sum(r[c], r[`${c}_at_least`]);
    if (s) out[c] = s;
  }
  return out;
}

export function breakdownFromRows(by: Breakdown, rows: readonly BreakdownDbRow[]): BreakdownRow[] {
  return rows.map((r) => {
    const row: BreakdownRow = {
      key: r.key,
      hosts: r.hosts,
      services: r.services,
      exposedHosts: r.exposed_hosts,
      exposedServices: r.exposed_services,
      ...sums(r),
    };
    if (by === 'asn' && r.label !== null && r.key.startsWith('AS')) row.label = r.label;
    return row;
  });
}

export function serversFromRows(rows: readonly ServerDbRow[]): ServerRow[] {
  return rows.map((r) => {
    const row: ServerRow = { ip: r.ip, country: r.country, services: r.services, exposedServices: r.exposed_services, ...sums(r) };
    if (r.asn !== null) row.asn = r.asn;
    if (r.org !== null) row.org = r.org;
    if (r.product !== null) row.product = r.product;
    return row;
  });
}

export function imageDistributionFromRow(r: Record<string, number | null>): ImageDistribution {
  // sum() over no rows is NULL: an empty run has zero servers in every bucket.
  const n = (k: string): number => r[k] ?? 0;
  return {
    servers: n('servers'),
    notCounted: n('not_counted'),
    buckets: BUCKETS.map((b, i) => ({ label: b.label, min: b.min, ...('max' in b ? { max: b.max } : {}), servers: n(`b${i}`) })),
    over1k: n('over_1k'),
    over100k: n('over_100k'),
    over1M: n('over_1m'),
  };
}

export function rulesFromRows(rows: ReadonlyArray<{ rule_id: string; severity: Severity; title: string; services: number; hosts: number }>): RuleCountRow[] {
  return rows.map((r) => ({ ruleId: r.rule_id, severity: r.severity, title: r.title, services: r.services, hosts: r.hosts }));
}

export function runCountsFromRow(r: CountsDbRow): RunCounts {
  const out: RunCounts = {
    hosts: r.hosts,
    services: r.services,
    responding: r.responding,
    exposedHosts: r.exposed_hosts,
    exposedServices: r.exposed_services,
    hostsWithoutGeo: r.hosts_without_geo,
  };
  if (r.likely_honeypots > 0) out.likelyHoneypots = r.likely_honeypots;
  if (r.targets_total !== null) out.targets = r.targets_total;
  if (r.excluded !== null) out.excluded = r.excluded;
  if (r.hosts_done !== null) out.scanned = r.hosts_done;
  if (r.open_ports !== null) out.openPorts = r.open_ports;
  return out;
}

export function runTotalsFromRows(
  s: ServiceSumsDbRow,
  bySeverity: ReadonlyArray<{ severity: Severity; n: number }>,
  hostSums: Readonly<Record<HostCounted, HostSumDbRow>>,
): RunTotals {
  const findings = Object.fromEntries(SEVERITIES.map((v) => [v, 0])) as Record<Severity, number>;
  for (const r of bySeverity) findings[r.severity] = r.n;
  const out: RunTotals = { services: s.services, exposedServices: s.exposed_services, findings };
  if (s.likely_honeypots > 0) out.likelyHoneypots = s.likely_honeypots;
  for (const c of HOST_COUNTED) {
    const total = sum(hostSums[c].n, hostSums[c].at_least);
    if (total) out[c] = total;
  }
  const files = sum(s.files, s.files_at_least);
  const bytes = sum(s.bytes, s.bytes_at_least);
  if (files) out.files = files;
  if (bytes) out.bytes = bytes;
  if (s.most_patients !== null) out.mostPatients = s.most_patients;
  return out;
}

export { HOST_COUNTED };
