/**
 * From the store to the report model. Reads only the store; never scans.
 */
import { SEVERITIES, severityRank, type Severity } from '../observation/finding.ts';
import type { Count, DicomDetails } from '../observation/observation.ts';
import { isExposed } from '../observation/exposed.ts';
import { countText } from '../observation/count.ts';
import type { ServiceRow, StoreReader } from '../store/index.ts';
import type { ReportCount, ReportFinding, ReportModel, ServiceReport } from './model.ts';
import { webSummary } from './web-summary.ts';
import { reportGeo, reportTables } from './tables.ts';
import { fileShareSummary } from './file-share.ts';

export function reportCount(c: Count): ReportCount {
  return { n: c.n, atLeast: c.atLeast, text: countText(c, '≥ ') };
}

/**
 * Sums counts; the sum is a lower bound as soon as one term is. Undefined when
 * no service reported the count at all: "not counted" is not "zero".
 */
function sumCounts(counts: Array<ReportCount | undefined>): ReportCount | undefined {
  const present = counts.filter((c): c is ReportCount => c !== undefined);
  if (present.length === 0) return undefined;
  const n = present.reduce((sum, c) => sum + c.n, 0);
  return reportCount({ n, atLeast: present.some((c) => c.atLeast) });
}

/**
 * One count per host, the largest its services reported: the DICOM port, the
 * REST API and DICOMweb of one archive (Orthanc has all three) report the same
 * studies, and summing them would count each patient three times.
 */
function perHost(services: readonly ServiceReport[], pick: (s: ServiceReport) => ReportCount | undefined): Array<ReportCount | undefined> {
  const best = new Map<string, ReportCount>();
  for (const s of services) {
    const c = pick(s);
    if (!c) continue;
    const prev = best.get(s.ip);
    if (!prev || c.n > prev.n || (c.n === prev.n && c.atLeast && !prev.atLeast)) best.set(s.ip, c);
  }
  return [...best.values()];
}

/**
 * Orders addresses numerically (10.0.0.2 before 10.0.0.10), IPv4 before IPv6.
 * Anything unparsable sorts last, by its text.
 */
export function ipSortKey(ip: string): string {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) return '4' + v4.slice(1).map((o) => o.padStart(3, '0')).join('.');
  if (/^[0-9a-fA-F:]+$/.test(ip) && ip.includes(':')) {
    const [head = '', tail] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
    return '6' + groups.map((g) => g.toLowerCase().padStart(4, '0')).join(':');
  }
  return '9' + ip;
}

function byRisk(a: ReportFinding, b: ReportFinding): number {
  return severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId);
}

function serviceReport(s: ServiceRow): ServiceReport {
  const obs = s.observation;
  const d = obs.details?.protocol === 'dicom' ? obs.details : undefined;
  const findings: ReportFinding[] = s.findings.map((f) => ({ ...f, references: [...f.references] })).sort(byRisk);
  const product = obs.product ? [obs.product.name, obs.product.version].filter(Boolean).join(' ') : undefined;
  const fileShare = fileShareSummary(obs);
  const exposed = isExposed(obs);
  return {
    ip: s.ip,
    hostname: s.hostname,
    ...geoFields(s),
    port: s.port,
    protocol: s.protocol,
    tls: s.tls,
    status: s.status,
    product,
    productName: obs.product?.name,
    productVersion: obs.product?.version,
    aeTitlesTried: d ? [...new Set(d.attempts.map((a) => a.calledAeTitle))] : [],
    ...lastRefusal(d),
    acceptedAeTitle: d?.acceptedCalledAeTitle,
    acceptsAnyCalledAe: d?.acceptsAnyCalledAeTitle,
    echo: d?.echo.outcome,
    find: d?.find.outcome,
    findCapped: d?.find.capped,
    patients: obs.exposure.patients && reportCount(obs.exposure.patients),
    studies: obs.exposure.studies && reportCount(obs.exposure.studies),
    images: obs.exposure.images && reportCount(obs.exposure.images),
    files: obs.exposure.files && reportCount(obs.exposure.files),
    bytes: obs.exposure.bytes && reportCount(obs.exposure.bytes),
    ...(fileShare ? { fileShare } : {}),
    modalities: d ? [...d.find.modalities] : [],
    ...(d?.find.otherModalities ? { otherModalities: d.find.otherModalities } : {}),
    identifyingAttributes: (obs.inventory?.attributes ?? []).filter((a) => a.present > 0).map((a) => a.keyword),
    exposed,
    findings,
    highestSeverity: findings[0]?.severity,
    ...webSummary(obs),
    error: obs.error && (obs.error.phase ? `${obs.error.code} (${obs.error.phase})` : obs.error.code),
  };
}

/** A web API that handed out study records or counts (without a login, or through a blank/default one). */
/** Builds the report model of one run; throws if the run does not exist. */
export async function summarise(store: StoreReader, runId: number): Promise<ReportModel> {
  const run = await store.run(runId);
  if (!run) throw new Error(`run ${runId} does not exist in this database`);
  const services = (await store.services(runId))
    .map(serviceReport)
    .sort((a, b) => ipSortKey(a.ip).localeCompare(ipSortKey(b.ip)) || a.port - b.port || a.protocol.localeCompare(b.protocol));
  const findings = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const s of services) for (const f of s.findings) findings[f.severity] += 1;
  return {
    run: {
      id: run.id,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      status: run.status,
      targets: run.meta.targets,
      ports: run.meta.ports,
      scanner: run.meta.scanner,
    },
    totals: {
      services: services.length,
      exposedServices: services.filter((s) => s.exposed).length,
      patients: sumCounts(perHost(services, (s) => s.patients)),
      studies: sumCounts(perHost(services, (s) => s.studies)),
      images: sumCounts(perHost(services, (s) => s.images)),
      files: sumCounts(services.map((s) => s.files)),
      bytes: sumCounts(services.map((s) => s.bytes)),
      findings,
    },
    services,
    attributes: await store.inventory(runId),
    tables: await reportTables(store, runId),
    geo: await reportGeo(store, runId),
  };
}

function lastRefusal(d: DicomDetails | undefined): { lastRefusal?: string } {
  const last = d?.attempts.at(-1);
  if (!last || d?.acceptedCalledAeTitle !== undefined) return {};
  const text = last.reject?.text ?? last.abort?.text ?? (last.outcome === 'closed' ? 'connection closed without an answer' : undefined);
  return text ? { lastRefusal: text } : {};
}

function geoFields(s: ServiceRow): Pick<ServiceReport, 'space' | 'country' | 'asn' | 'org'> {
  const out: Pick<ServiceReport, 'space' | 'country' | 'asn' | 'org'> = {};
  if (s.space !== undefined) out.space = s.space;
  if (s.country !== undefined) out.country = s.country;
  if (s.asn !== undefined) out.asn = s.asn;
  if (s.org !== undefined) out.org = s.org;
  return out;
}
