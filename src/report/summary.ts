/**
 * From the store to the report model. Reads only the store; never scans.
 */
import { severityRank } from '../observation/finding.ts';
import type { DicomDetails } from '../observation/observation.ts';
import { isExposed } from '../observation/exposed.ts';
import { productLabel, toolkitLabel } from '../observation/product.ts';
import type { CountSum, ServiceRow, StoreReader } from '../store/index.ts';
import type { ReportCount, ReportFinding, ReportHead, ReportModel, ServiceFinding, ServiceReport } from './model.ts';
import { findingProof } from './proof.ts';
import { withPortFindings } from './port-findings.ts';
import { runActions } from './run-actions.ts';
import { loginUsed, webSummary } from './web-summary.ts';
import { reportGeo, reportTables } from './tables.ts';
import { fileShareSummary } from './file-share.ts';
import { presentKeywords } from './inventory.ts';
import { worklistSummary } from './worklist.ts';

import { reportCount } from './numbers.ts';

export { reportCount };

export { ipSortKey } from '../observation/address-order.ts';

function byRisk(a: ReportFinding, b: ReportFinding): number {
  return severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId);
}

/** One stored service as the reports show it. */
export function serviceReport(s: ServiceRow): ServiceReport {
  const obs = s.observation;
  const d = obs.details?.protocol === 'dicom' ? obs.details : undefined;
  const findings: ServiceFinding[] = s.findings.map((f) => ({ ...f, references: [...f.references], proof: findingProof(f.ruleId, obs) })).sort(byRisk);
  const product = obs.product ? productLabel(obs.product) : undefined;
  const builtOn = obs.product ? toolkitLabel(obs.product) : undefined;
  const fileShare = fileShareSummary(obs);
  const exposed = isExposed(obs);
  const login = loginUsed(obs);
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
    ...(obs.product?.identifiedBy ? { productIdentifiedBy: obs.product.identifiedBy, productConfidence: obs.product.confidence } : {}),
    ...(builtOn ? { productBuiltOn: builtOn } : {}),
    aeTitlesTried: d ? [...new Set(d.attempts.map((a) => a.calledAeTitle))] : [],
    ...lastRefusal(d),
    acceptedAeTitle: d?.acceptedCalledAeTitle,
    acceptsAnyCalledAe: d?.acceptsAnyCalledAeTitle,
    ...(s.honeypot ? { honeypot: { ...s.honeypot, signals: [...s.honeypot.signals] } } : {}),
    echo: d?.echo.outcome,
    find: d?.find.outcome,
    findCapped: d?.find.capped,
    patients: obs.exposure.patients && reportCount(obs.exposure.patients),
    studies: obs.exposure.studies && reportCount(obs.exposure.studies),
    images: obs.exposure.images && reportCount(obs.exposure.images),
    files: obs.exposure.files && reportCount(obs.exposure.files),
    bytes: obs.exposure.bytes && reportCount(obs.exposure.bytes),
    ...(fileShare ? { fileShare } : {}),
    ...worklistSummary(obs),
    modalities: d ? [...d.find.modalities] : [],
    ...(d?.find.otherModalities ? { otherModalities: d.find.otherModalities } : {}),
    identifyingAttributes: presentKeywords(obs.inventory),
    exposed,
    findings,
    highestSeverity: findings[0]?.severity,
    ...(login ? { loginUsed: login } : {}),
    ...webSummary(obs),
    error: obs.error && (obs.error.phase ? `${obs.error.code} (${obs.error.phase})` : obs.error.code),
  };
}

/**
 * Everything of the report model but the per-service list, from the store's
 * aggregates alone: what the headline, the study's tables and the charts
 * need, at a cost that does not grow with the number of services read.
 */
export async function summariseHead(store: StoreReader, runId: number): Promise<ReportHead> {
  return {
    ...(await runHeadline(store, runId)),
    attributes: await store.inventory(runId),
    tables: await reportTables(store, runId),
    geo: await reportGeo(store, runId),
  };
}

/** The run and its headline totals (summed in the database): what every report opens with. */
export async function runHeadline(store: StoreReader, runId: number): Promise<Pick<ReportHead, 'run' | 'totals'>> {
  const run = await store.run(runId);
  if (!run) throw new Error(`run ${runId} does not exist in this database`);
  const t = await store.runTotals(runId);
  const count = (c: CountSum | undefined): ReportCount | undefined => c && reportCount(c);
  const actions = runActions(run.meta.options);
  return {
    run: {
      id: run.id,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      status: run.status,
      targets: run.meta.targets,
      ports: run.meta.ports,
      scanner: run.meta.scanner,
      ...(actions ? { actions } : {}),
    },
    totals: {
      services: t.services,
      exposedServices: t.exposedServices,
      patients: count(t.patients),
      studies: count(t.studies),
      images: count(t.images),
      files: count(t.files),
      bytes: count(t.bytes),
      ...(t.mostPatients !== undefined ? { distinctPatientsAtLeast: t.mostPatients } : {}),
      findings: t.findings,
      ...(t.likelyHoneypots ? { likelyHoneypots: { services: t.likelyHoneypots, counted: t.honeypotsKept === true } } : {}),
    },
  };
}

/**
 * The run's services as the report shows them, in report order, read a page
 * at a time; each names the findings the other services of its port hold
 * (port-findings.ts: they come one after another in report order).
 */
export function serviceReports(store: StoreReader, runId: number, pageSize?: number): AsyncIterable<ServiceReport> {
  return withPortFindings(reportsOf(store, runId, pageSize));
}

async function* reportsOf(store: StoreReader, runId: number, pageSize?: number): AsyncIterable<ServiceReport> {
  for await (const page of store.servicePages(runId, pageSize)) for (const s of page) yield serviceReport(s);
}

/** Builds the whole report model of one run, every service in memory: for renderers that need them all. */
export async function summarise(store: StoreReader, runId: number): Promise<ReportModel> {
  const head = await summariseHead(store, runId);
  const services: ServiceReport[] = [];
  for await (const s of serviceReports(store, runId)) services.push(s);
  // Key order is the JSON report's: services between the totals and the attribute table.
  return { run: head.run, totals: head.totals, services, attributes: head.attributes, tables: head.tables, geo: head.geo };
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
