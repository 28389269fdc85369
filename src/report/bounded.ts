/**
 * The reports a person reads, from the store at the size they are read: the
 * head from aggregates, and each list (the services to read first, the file
 * shares, the services each rule fired on) fetched by a query with a limit.
 * Nothing here reads every service, so the cost stays flat at any run size;
 * the CSV and NDJSON reports are where every service is.
 */
import { severityRank } from '../observation/finding.ts';
import { ipSortKey } from '../observation/address-order.ts';
import { isExposed } from '../observation/exposed.ts';
import type { ProtocolId } from '../observation/observation.ts';
import type { RuleCountRow, ServiceRow, StoreReader } from '../store/index.ts';
import type { BoundedReport, ExposedAccess, ReportHead, RuleHit, RuleHits, ScanSummary, ServiceReport } from './model.ts';
import { findingProof } from './proof.ts';
import { WEB_PROTOCOLS } from './protocol-groups.ts';
import { attachPortFindings } from './port-findings.ts';
import { runHeadline, serviceReport, summariseHead } from './summary.ts';
import { loginUsed } from './web-summary.ts';

/** How long each list of a report may be. */
export interface ReportBounds {
  services: number;
  fileShares: number;
  /** Services named under each rule. */
  hitsPerRule: number;
}

/** Protocols whose services the file-share list shows (report/file-share.ts sums them up). */
const FILE_SHARE_PROTOCOLS: readonly ProtocolId[] = ['ftp', 'smb', 'rsync', 'nfs'];
/** Exposed web services read at most to tell how they were reached; beyond, the split is a lower bound. */
const EXPOSED_ACCESS_READ = 2_000;

/** The head of a run and its lists, each at most as long as `bounds` says. */
export async function summariseBounded(store: StoreReader, runId: number, bounds: ReportBounds): Promise<BoundedReport> {
  const head = await summariseHead(store, runId);
  const fileShareServices = head.tables.byProtocol
    .filter((r) => (FILE_SHARE_PROTOCOLS as readonly string[]).includes(r.key))
    .reduce((n, r) => n + r.services, 0);
  const services = await attachPortFindings(store, runId, await firstToRead(store, runId, bounds.services, head.totals.services));
  const shares = await attachPortFindings(store, runId, await firstToRead(store, runId, bounds.fileShares, fileShareServices, FILE_SHARE_PROTOCOLS));
  return {
    ...head,
    services,
    // An FTP, SMB, rsync or NFS port that never spoke its protocol has no share to sum up.
    fileShares: shares.filter((s) => s.fileShare !== undefined),
    moreFileShares: fileShareServices - shares.length,
    rules: await ruleHits(store, runId, head.tables.findingsByRule, bounds.hitsPerRule),
    exposedAccess: await exposedAccess(store, runId, head, services),
  };
}

/** What the access split reads of a service: whether it was exposed, and the login that opened it. */
type Reached = Pick<ServiceReport, 'exposed' | 'loginUsed'>;

/** How these services were reached, of those exposed: `atLeast` when more exposed services exist than were given. */
export function exposedAccessOf(services: readonly Reached[], atLeast = false): ExposedAccess {
  const login = services.filter((s) => s.exposed && s.loginUsed !== undefined);
  return { withDefaultLogin: login.length, withBlankLogin: login.filter((s) => s.loginUsed === 'blank').length, atLeast };
}

/**
 * The run's exposed services split by how they were reached. Only web
 * services can need a login: their exposed count is an aggregate, and when
 * the list a report already holds does not have them all (exposed services
 * rank first), they are read, at most EXPOSED_ACCESS_READ of them.
 */
export async function exposedAccess(store: StoreReader, runId: number, head: ReportHead, listed: readonly ServiceReport[] = []): Promise<ExposedAccess> {
  const isWeb = (protocol: string): boolean => (WEB_PROTOCOLS as readonly string[]).includes(protocol);
  const exposedWeb = head.tables.byProtocol.filter((r) => isWeb(r.key)).reduce((n, r) => n + r.exposedServices, 0);
  if (exposedWeb === 0) return exposedAccessOf([]);
  let web: Reached[] = listed.filter((s) => s.exposed && isWeb(s.protocol));
  // Read from the observations alone: a whole service report (proofs, summaries) for each would be thrown away.
  if (web.length < exposedWeb) web = (await store.topServices(runId, Math.min(exposedWeb, EXPOSED_ACCESS_READ), WEB_PROTOCOLS)).map(reached);
  return exposedAccessOf(web, web.filter((s) => s.exposed).length < exposedWeb);
}

function reached(row: ServiceRow): Reached {
  const login = loginUsed(row.observation);
  return { exposed: isExposed(row.observation), ...(login ? { loginUsed: login } : {}) };
}

/** What the scan prints when it ends: the headline, services by protocol, and at most `exposedBound` exposed services. */
export async function summariseScan(store: StoreReader, runId: number, exposedBound: number): Promise<ScanSummary> {
  const { run, totals } = await runHeadline(store, runId);
  const byProtocol = await store.breakdown(runId, 'protocol');
  // Exposed services rank first: the first of the ranking are exactly they.
  const exposed = await attachPortFindings(store, runId, await firstToRead(store, runId, Math.min(exposedBound, totals.exposedServices), totals.exposedServices));
  return { run, totals, byProtocol, exposed };
}

/**
 * At most `limit` services in the order a reader should meet them (the
 * store ranks them); when all `total` of them fit, in address order instead,
 * as the full reports list them.
 */
async function firstToRead(store: StoreReader, runId: number, limit: number, total: number, protocols?: readonly ProtocolId[]): Promise<ServiceReport[]> {
  if (limit <= 0 || total === 0) return [];
  const rows = await store.topServices(runId, limit, protocols);
  if (total <= limit) rows.sort(inReportOrder);
  return rows.map(serviceReport);
}

function inReportOrder(a: ServiceRow, b: ServiceRow): number {
  const ka = ipSortKey(a.ip);
  const kb = ipSortKey(b.ip);
  if (ka !== kb) return ka < kb ? -1 : 1;
  if (a.port !== b.port) return a.port - b.port;
  return a.protocol === b.protocol ? 0 : a.protocol < b.protocol ? -1 : 1;
}

/** Each rule that fired, most severe first, with its text and the first `limit` services it fired on. */
async function ruleHits(store: StoreReader, runId: number, rules: RuleCountRow[], limit: number): Promise<RuleHits[]> {
  const ordered = [...rules].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId));
  const out: RuleHits[] = [];
  const seen = new Set<string>();
  for (const rule of ordered) {
    if (seen.has(rule.ruleId)) continue;
    seen.add(rule.ruleId);
    // One service at least, whatever the bound: the rule's text comes with its first finding.
    const rows = await store.ruleServices(runId, rule.ruleId, Math.max(1, limit));
    const hits: RuleHit[] = [];
    let first: ServiceRow['findings'][number] | undefined;
    for (const s of rows) {
      const f = s.findings.find((x) => x.ruleId === rule.ruleId);
      if (!f) continue;
      first ??= f;
      const where = { ip: s.ip, ...(s.hostname !== undefined ? { hostname: s.hostname } : {}), port: s.port, protocol: s.protocol };
      hits.push({ ...where, evidence: f.evidence, proof: findingProof(f.ruleId, s.observation) });
    }
    if (!first) continue;
    out.push({ finding: { ...first, references: [...first.references] }, services: rule.services, hits: hits.slice(0, Math.max(0, limit)) });
  }
  return out;
}
