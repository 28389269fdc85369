/**
 * The store's two roles: what a scan writes (a sink) and what reports, the
 * dashboard and alerts read (a reader). Report code is handed a reader only,
 * so it cannot write; a scan holds the sink and the one read a resume needs.
 *
 * Methods are async although the default implementation (better-sqlite3) is
 * synchronous, so that a PostgreSQL implementation can satisfy the same roles
 * for scale-out without changing any caller (docs/decisions/0003-store.md).
 */
import type { AttributeClass, Observation, ProbeStatus, ProtocolId } from '../observation/observation.ts';
import type { Finding, Severity } from '../observation/finding.ts';
import type { HoneypotAssessment } from '../observation/honeypot.ts';
import type { HoneypotInput } from '../assess/honeypot/assess.ts';
import type {
  Breakdown,
  BreakdownRow,
  ImageDistribution,
  RuleCountRow,
  RunCounts,
  RunTotals,
  ServerRow,
  StoredHostGeo,
} from './aggregates.ts';
import type { AggregateView } from './aggregate-queries.ts';
import type { FindingFilter, FindingOrder, FindingPage } from './finding-list.ts';

/** What a run was asked to do, recorded when it starts. */
export interface RunMeta {
  targets: string[];
  ports: number[];
  options: Record<string, unknown>;
  scanner: { callingAeTitle: string; userAgent: string };
}

export const RUN_END_STATUSES = ['completed', 'interrupted', 'failed'] as const;
export type RunEndStatus = (typeof RUN_END_STATUSES)[number];
/** A run is 'running' from startRun until finishRun (or forever, if the process was killed). */
export type RunStatus = 'running' | RunEndStatus;

export interface RunSummary {
  targetsTotal: number;
  hostsDone: number;
  openPorts: number;
  excluded: number;
  status: RunEndStatus;
}

/** One probe on one endpoint, and what the rules concluded from it. */
export interface ServiceResult {
  observation: Observation;
  findings: Finding[];
}

/** Everything learned about one address: written as one unit, in a batch with its checkpoint. */
export interface HostResult {
  ip: string;
  hostname?: string;
  services: ServiceResult[];
  /** Country, AS and organisation (or a special-space label) looked up at scan time. */
  geo?: StoredHostGeo;
}

export interface RunRow {
  id: number;
  startedAt: string;
  finishedAt: string | undefined;
  status: RunStatus;
  meta: RunMeta;
  /** Set by finishRun; undefined while running or when the scan was killed. */
  summary: Omit<RunSummary, 'status'> | undefined;
  /** Hosts recorded so far, each with all its services: live progress, and what a resume will not probe again. */
  hostsRecorded: number;
}

/** A service without its observation: where it is, what answered, and its findings. */
export interface ServiceFindingsRow {
  id: number;
  runId: number;
  ip: string;
  hostname: string | undefined;
  /** Filled later by the geo step; undefined until then. */
  country: string | undefined;
  asn: number | undefined;
  org: string | undefined;
  /** 'public', a special-space label ("private", "loopback", …), or undefined when not looked up. */
  space: string | undefined;
  port: number;
  protocol: ProtocolId;
  tls: boolean;
  status: ProbeStatus;
  product: string | undefined;
  version: string | undefined;
  /** The honeypot assessment of a DICOM service at its run's end; absent when not assessed. */
  honeypot?: HoneypotAssessment;
  findings: Finding[];
}

export interface ServiceRow extends ServiceFindingsRow {
  observation: Observation;
}

/** A rule that fired in a run, in the words (and at the severity) of its first finding in report order. */
export type FiredRule = Omit<Finding, 'evidence'>;

export interface FindingRow extends Finding {
  id: number;
  runId: number;
  serviceId: number;
  ip: string;
  port: number;
  protocol: ProtocolId;
}

/** A run of one scope, as the lifecycle of its findings reads it (completed runs only: a cut-short run saw too little). */
export interface ScopeRun {
  readonly id: number;
  /** The run scanned this one endpoint only (a verification): it says nothing of any other. */
  readonly endpoint?: { readonly ip: string; readonly port: number };
}

/**
 * One finding's identity (rule, address, port, protocol) across the runs of a
 * scope: first and last seen, and the runs that show it fixed or back again.
 */
export interface FindingLifecycleRow {
  ruleId: string;
  ip: string;
  port: number;
  protocol: ProtocolId;
  /** Severity and title as of its latest sighting. */
  severity: Severity;
  title: string;
  /** The finding row of its latest sighting: what `exposure verify` takes. */
  findingId: number;
  firstRun: number;
  lastRun: number;
  /** Runs it was seen in. */
  runsSeen: number;
  /** The first run after the last sighting that looked at the endpoint and did not find it: fixed since. */
  fixedRun: number | undefined;
  /** The first sighting after a run that looked and did not find it: it came back then. */
  reopenedRun: number | undefined;
  /** Its latest sighting's service is a likely honeypot (the run-end pass, docs/decisions/0027-honeypots-told-apart.md). */
  likelyHoneypot: boolean;
}

/** A stored finding, by its row id or by rule and endpoint (then the latest run's). */
export type FindingRef = { readonly id: number } | { readonly ruleId: string; readonly ip: string; readonly port: number };

/** How many services of a run expose one identifying attribute. */
export interface InventoryRow {
  keyword: string;
  tag: string;
  class: AttributeClass;
  /** Services where the attribute was present in at least one record. */
  services: number;
  /** Records (summed over services) in which it was present. */
  records: number;
}

/** Counters a run keeps while it goes, saved with its checkpoint so a resumed run goes on counting. */
export interface ScanCounters {
  hostsDone: number;
  openPorts: number;
  unreachable: number;
  services: number;
  findings: number;
}

/**
 * Where a run stands: every step below the watermark is done, and so are the
 * listed steps above it (out of order, because hosts finish out of order).
 */
export interface ScanCheckpoint {
  watermark: number;
  done: number[];
  counters: ScanCounters;
}

/**
 * Finished hosts written together, with the checkpoint they move: one
 * transaction per batch (in PostgreSQL too), so the stored checkpoint and the
 * stored results always describe the same hosts.
 */
export interface HostBatch {
  /** Hosts with results; a batch of hosts with nothing to store has none and only moves the checkpoint. */
  readonly hosts: readonly HostResult[];
  /** Add services to hosts already recorded in this run (a result file may name one address on several lines). */
  readonly merge?: boolean;
  /** Saved in the same transaction: every step of the batch is below its watermark or among its done steps. */
  readonly checkpoint?: ScanCheckpoint;
}

/** How recordHost writes its one host: a batch without the list. */
export type RecordOptions = Omit<HostBatch, 'hosts'>;

/** What a scan writes: a run's start and end, its hosts in batches with their checkpoint, and what a resume needs. */
export interface StoreSink {
  /** Records the run's parameters and returns its id. */
  startRun(meta: RunMeta): Promise<number>;
  /**
   * One transaction per batch: host rows, services, observations, findings,
   * inventories, then the checkpoint. Either all of it is stored or none of
   * it; an invalid observation or finding rejects with a StoreValidationError.
   */
  recordHosts(runId: number, batch: HostBatch): Promise<void>;
  /** A batch of one host: for tools and tests that write hosts by hand (a scan writes through recordHosts). */
  recordHost(runId: number, host: HostResult, options?: RecordOptions): Promise<void>;
  finishRun(runId: number, summary: RunSummary): Promise<void>;
  /** The last checkpoint saved with a batch; undefined for a run that never saved one. */
  loadCheckpoint(runId: number): Promise<ScanCheckpoint | undefined>;
  /** Marks a killed or interrupted run as running again, for `scan --resume`. */
  reopenRun(runId: number): Promise<void>;
  /** True when the host is recorded in this run (its batch committed): a resumed scan skips it. */
  isHostDone(runId: number, ip: string): Promise<boolean>;
  /** Fills the geo columns of hosts of a run, in one transaction (hosts stored before geo was looked up). */
  setHostGeo(runId: number, hosts: ReadonlyArray<{ ip: string; geo: StoredHostGeo }>): Promise<void>;
  close(): Promise<void>;
}

/** How far a running run has gone: the counters saved with its last checkpoint, and when. */
export interface RunProgress {
  counters: ScanCounters;
  updatedAt: string;
}

/** One page of a list: at most `limit` rows after the first `offset`. */
export interface PageRequest {
  limit: number;
  offset: number;
}

/**
 * What reports, diffs, the dashboard and alerts read. Nothing here writes.
 * The aggregates (totals, counts, breakdowns, top servers, images per server, rules,
 * attributes) leave likely honeypots out unless `view.keepHoneypots` says to count them.
 */
export interface StoreReader {
  runs(): Promise<RunRow[]>;
  run(id: number): Promise<RunRow | undefined>;
  latestRunId(): Promise<number | undefined>;
  /**
   * Services of a run with their parsed observation and findings, in report
   * order (address numerically, then port, then protocol): all of them at once,
   * for small runs and tests. Reports read servicePages.
   */
  services(runId: number): Promise<ServiceRow[]>;
  /**
   * The same services in the same order, a page at a time (keyset pages, each
   * with its findings): what reports stream, so memory stays flat at any size.
   */
  servicePages(runId: number, pageSize?: number): AsyncIterable<ServiceRow[]>;
  /**
   * The services that have findings, in report order, a page at a time, with
   * their findings but not their observation: what the findings table and
   * SARIF's results are written from, without reading any observation.
   */
  findingPages(runId: number, pageSize?: number): AsyncIterable<ServiceFindingsRow[]>;
  /** Each rule that fired in the run, by rule id, in the words of its first finding in report order. */
  firedRules(runId: number): Promise<FiredRule[]>;
  /**
   * At most `limit` services, those a reader should see first: exposed, then
   * by most severe finding, then in report order; only of `protocols` when
   * given. Ranked in the database, so only the rows handed out are read in full.
   */
  topServices(runId: number, limit: number, protocols?: readonly ProtocolId[]): Promise<ServiceRow[]>;
  /** At most `limit` of the services one rule fired on, in report order. */
  ruleServices(runId: number, ruleId: string, limit: number): Promise<ServiceRow[]>;
  /**
   * Findings of a run on the services of these addresses, most severe first:
   * a report's cards read what the other services of a port hold (one port
   * carries a rule's finding once, on the first service it fired on). The
   * list of addresses is the caller's bound.
   */
  hostFindings(runId: number, ips: readonly string[]): Promise<FindingRow[]>;
  /** Services, exposed services, patients/studies/images per host, files, bytes and findings by severity, summed in the database. */
  runTotals(runId: number, view?: AggregateView): Promise<RunTotals>;
  /** Findings of a run, most severe first. */
  findings(runId: number): Promise<FindingRow[]>;
  inventory(runId: number, view?: AggregateView): Promise<InventoryRow[]>;
  /** Hosts, services, exposure and counts grouped by one dimension, most exposed first. */
  breakdown(runId: number, by: Breakdown, view?: AggregateView): Promise<BreakdownRow[]>;
  /** Exposed hosts with the most images (then studies) first. */
  topServers(runId: number, limit: number, view?: AggregateView): Promise<ServerRow[]>;
  imagesPerServer(runId: number, view?: AggregateView): Promise<ImageDistribution>;
  /** Findings grouped by rule, most severe first. */
  findingsByRule(runId: number, view?: AggregateView): Promise<RuleCountRow[]>;
  runCounts(runId: number, view?: AggregateView): Promise<RunCounts>;
  /** Distinct geo source texts of the run's hosts: which databases labelled them. */
  geoSources(runId: number): Promise<string[]>;
  /**
   * Addresses of the run's hosts never looked up (geo columns empty), a page
   * at a time: at most `limit` (10,000 unless said), in text order, after the
   * address `after` (the last of the page before; '' for the first page).
   */
  hostsWithoutGeo(runId: number, limit?: number, after?: string): Promise<string[]>;
  /**
   * Whether the run has a DICOM service that answered and has no honeypot level: the pass never
   * ran on it (a run stored before the pass existed), or stopped before its end. The pass writes a
   * level on every such service, "unlikely" when nothing points at a honeypot: that is its mark.
   */
  honeypotsPending(runId: number): Promise<boolean>;
  /**
   * Per run asked for, as the honeypot pass left its DICOM services that answered: how many there
   * are, how many have a level, how many are likely. One grouped query; a run with no such service is absent.
   */
  honeypotTallies(runIds: readonly number[]): Promise<Map<number, HoneypotTally>>;
  /** One service of a run with its findings; undefined when the run has no such service. */
  service(runId: number, serviceId: number): Promise<ServiceRow | undefined>;
  /** A page of the run's findings that pass `filter`, filtered and cut in the database (at most 1,000 rows a page). */
  findingPage(runId: number, filter: FindingFilter, order: FindingOrder, page: PageRequest): Promise<FindingPage>;
  /** The counters of the run's last checkpoint; undefined before its first batch. */
  runProgress(runId: number): Promise<RunProgress | undefined>;
  /** Each finding identity of these runs with its first and last sighting, fixed and reopened runs; most severe first. */
  findingLifecycles(runs: readonly ScopeRun[]): Promise<FindingLifecycleRow[]>;
  /** One stored finding with its endpoint; by rule and endpoint, the one of the latest run that has it. */
  finding(ref: FindingRef): Promise<FindingRow | undefined>;
  close(): Promise<void>;
}

/** What keeps a store to a retention: a whole run removed, its hosts, services, findings and checkpoint with it. */
export interface StoreKeeper {
  /** False when there was no such run. */
  deleteRun(runId: number): Promise<boolean>;
}

/** A run's DICOM services that answered, as the honeypot pass left them (StoreReader.honeypotTallies). */
export interface HoneypotTally {
  readonly candidates: number;
  /** With a level: all of them once the pass ran to its end. */
  readonly assessed: number;
  readonly likely: number;
}

/** The honeypot assessment a pass applies (assess/honeypot/ HONEYPOT_ASSESSOR). */
export interface HoneypotAssessor {
  /** How many hosts accepting any called AE title must serve one dataset digest for it to be a crowd. */
  readonly crowdHosts: number;
  /** One service's assessment, given the run's crowd digests. */
  assess(service: HoneypotInput, crowds: ReadonlySet<string>): HoneypotAssessment;
}
export type { HoneypotInput };

/** One service's assessment as the pass writes it. */
export interface HoneypotRow extends HoneypotAssessment {
  readonly id: number;
}

/**
 * What assesses a run's DICOM services once the run has ended: a scan's end, a merge,
 * the worker that completes a distributed run, and `report` on a run never assessed.
 */
export interface HoneypotPass {
  /** Writes the honeypot columns of every DICOM service of the run that answered; resolves to how many are likely honeypots. */
  assessHoneypots(runId: number, assess: HoneypotAssessor): Promise<number>;
}

/**
 * What a scan holds: the sink, and the one read a resume (or a worker probing
 * under a run's recorded parameters) needs: the run, its status and its meta.
 */
export interface ScanStore extends StoreSink {
  run(id: number): Promise<RunRow | undefined>;
}
