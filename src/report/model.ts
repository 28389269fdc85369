/**
 * The report model: plain data summarised from the store, which every
 * renderer turns into its format as a pure function. Strings in it are raw
 * (some came from peers); escaping is each renderer's job, for its format.
 */
import type { Severity } from '../observation/finding.ts';
import type { DimseOutcome, ProbeStatus, Product, ProductIdentifiedBy, ProtocolId } from '../observation/observation.ts';
import type { HoneypotAssessment } from '../observation/honeypot.ts';
import type { BreakdownRow, InventoryRow, RunStatus } from '../store/index.ts';
import type { Proof } from './proof.ts';
import type { RunActions } from './run-actions.ts';
import type { ReportGeo, ReportTables } from './tables.ts';

export const REPORT_SCHEMA = 'exposure-report/1';

/** A count as the report shows it: "1000", or "≥ 1000" when enumeration stopped at a cap. */
export interface ReportCount {
  n: number;
  atLeast: boolean;
  text: string;
}

export interface ReportFinding {
  ruleId: string;
  severity: Severity;
  title: string;
  evidence: string;
  remediation: string;
  references: string[];
  cwe?: string;
}

/** A finding on one service: the rule's text, what was seen there, and how the owner sees it for themselves (proof.ts). */
export interface ServiceFinding extends ReportFinding {
  /** Computed from the stored observation when the model is built, never stored. */
  proof: Proof;
}

/**
 * A finding another service of the same address and port holds. One port can
 * carry several services (Orthanc's portal, REST API and DICOMweb on 8042); a
 * rule that fires on several of them is one finding for the port, kept on the
 * first service it fired on (scan/run-scan.ts). The cards of the others name
 * it, so an exposed service never shows as finding-free; it is counted once,
 * where it is kept.
 */
export interface PortFinding {
  ruleId: string;
  severity: Severity;
  title: string;
  /** The service of the port that holds it. */
  protocol: ProtocolId;
}

/** How a web service let us in when it needed a login: a blank one, or the vendor's documented default (only with --check-logins). */
export type LoginUsed = 'blank' | 'vendor-default';

export interface ServiceReport {
  ip: string;
  hostname?: string;
  /** 'public' or a special-space label ("private", "loopback", …); absent when never looked up. */
  space?: string;
  /** ISO 3166-1 alpha-2 country, AS number and its organisation (public space only). */
  country?: string;
  asn?: number;
  org?: string;
  port: number;
  protocol: ProtocolId;
  tls: boolean;
  status: ProbeStatus;
  /** Product name and version as one string, e.g. "Orthanc 1.12.1"; "Orthanc (DICOM behaviour, likely)" when only its behaviour named it. */
  product?: string;
  productName?: string;
  productVersion?: string;
  /** How a DICOM service's product was named (implementation UID, DICOM behaviour, REST) and how sure that is. */
  productIdentifiedBy?: ProductIdentifiedBy;
  productConfidence?: Product['confidence'];
  /** The toolkit whose identifiers the product answered with, e.g. "DCMTK 3.6.7". */
  productBuiltOn?: string;
  /** Called AE titles tried, in order, without repeats. */
  aeTitlesTried: string[];
  acceptedAeTitle?: string;
  /** Why the last association attempt failed, in PS3.8's words (reject or abort reason). */
  lastRefusal?: string;
  /** Undefined when the protocol has no AE titles. */
  acceptsAnyCalledAe?: boolean;
  /** The honeypot assessment at the run's end, when the run was assessed and this is a DICOM service that answered (observation/honeypot.ts). */
  honeypot?: HoneypotAssessment;
  echo?: DimseOutcome;
  find?: DimseOutcome;
  findCapped?: boolean;
  patients?: ReportCount;
  studies?: ReportCount;
  images?: ReportCount;
  /** DICOM files and their bytes found on a file share (FTP, SMB). */
  files?: ReportCount;
  bytes?: ReportCount;
  /** FTP/SMB: login, listing, DICOM, headers, indicators and write access in one line (report/file-share.ts). */
  fileShare?: string;
  /**
   * DICOM: the Modality Worklist C-FIND in one line (report/worklist.ts): outcome, scheduled steps and
   * patients, modalities, identifying attributes present. Absent where no worklist was offered.
   */
  worklist?: string;
  /** Worklist items (scheduled procedure steps) read, and the distinct patients among them. */
  worklistItems?: ReportCount;
  worklistPatients?: ReportCount;
  /** Modality defined terms (PS3.3 C.7.3.1.1.1) seen: a closed vocabulary, never a peer's free text. */
  modalities: string[];
  /** How many values in the modality fields were not a defined term: only counted. Absent when none. */
  otherModalities?: number;
  /** Keywords of identifying attributes present in at least one record read. */
  identifyingAttributes: string[];
  /** C-FIND returned at least one match (however the exchange ended), or another probe counted records or files (observation/exposed.ts). */
  exposed: boolean;
  /** Most severe first. */
  findings: ServiceFinding[];
  highestSeverity?: Severity;
  /** Web services reached only with a blank or vendor-default login; absent when open, locked or not a web service. */
  loginUsed?: LoginUsed;
  /** Web services: how they were reached, e.g. "open (no login)", "vendor-default login accepted (user orthanc)". */
  access?: string;
  /** Web services: the login asked for, e.g. 'HTTP Basic, realm "Orthanc Secure Area"'. */
  login?: string;
  /** TLS services: protocol version and certificate summary. */
  certificate?: string;
  /** Our error code and phase when the probe did not succeed, e.g. "ECONNREFUSED (connect)". */
  error?: string;
  /** Findings kept on another service of this address and port, most severe first; absent when none (PortFinding). */
  portFindings?: PortFinding[];
}

/** A rule as SARIF describes it: a finding's words without what one service showed. */
export type RuleWords = Omit<ReportFinding, 'evidence'>;

export interface ReportTotals {
  services: number;
  exposedServices: number;
  /**
   * Patient records summed over servers (per server the largest count of its
   * services); one person held by three servers counts three times.
   * Undefined when no service reported the count.
   */
  patients?: ReportCount;
  studies?: ReportCount;
  images?: ReportCount;
  files?: ReportCount;
  bytes?: ReportCount;
  /**
   * At least this many distinct patients: the most one service counted (each
   * service counts distinct patients, by keyed hash or the server's own count).
   * Undefined when no service counted patients.
   */
  distinctPatientsAtLeast?: number;
  findings: Record<Severity, number>;
  /** Likely honeypots of the run, and whether the figures above count them (--keep-honeypots); absent when none. */
  likelyHoneypots?: { services: number; counted: boolean };
}

export interface ReportRun {
  id: number;
  startedAt: string;
  finishedAt?: string;
  status: RunStatus;
  targets: string[];
  ports: number[];
  scanner: { callingAeTitle: string; userAgent: string };
  /** What the scan was set to do, from its recorded parameters (report/run-actions.ts); absent for a run that recorded none. */
  actions?: RunActions;
}

export interface ReportModel {
  run: ReportRun;
  totals: ReportTotals;
  services: ServiceReport[];
  /** How many services expose each identifying attribute, most widespread first. */
  attributes: InventoryRow[];
  /** The study's tables: by country, AS, product, protocol; top servers; images per server; findings by rule; counts. */
  tables: ReportTables;
  /** Which geo databases (and of which date) labelled the hosts, and their licence credits. */
  geo: ReportGeo;
}

/** The model without its per-service list: what a streaming renderer holds while services go by. */
export type ReportHead = Omit<ReportModel, 'services'>;

/** One service a rule fired on, as a findings list names it. */
export interface RuleHit {
  ip: string;
  hostname?: string;
  port: number;
  protocol: ProtocolId;
  evidence: string;
  /** The command that shows it from the owner's side, or why there is none. */
  proof: Proof;
}

/** A rule that fired in the run: its text as assessed, how many services it fired on, and the first of them. */
export interface RuleHits {
  finding: ReportFinding;
  /** Services the rule fired on in the whole run (one finding per rule and service). */
  services: number;
  /** The first of them in address order, as many as the renderer's bound. */
  hits: RuleHit[];
}

/**
 * What the reports a person reads (HTML, Markdown, the terminal table) are
 * rendered from: the head, from aggregates, and lists cut to what a reader
 * reads, each fetched from the store at that size. The CSV and NDJSON reports
 * carry every service; the counts here say how many a list left out.
 */
export interface BoundedReport extends ReportHead {
  /**
   * Services a reader should see first: exposed, then by most severe finding,
   * then in address order; every service in address order when all fit.
   */
  services: ServiceReport[];
  /** FTP, SMB, rsync and NFS services with a file-share summary, chosen and ordered the same way. */
  fileShares: ServiceReport[];
  /** FTP, SMB, rsync and NFS services beyond the file-share list's bound (0 when every one was read). */
  moreFileShares: number;
  /** Every rule that fired, most severe first, then by rule id. */
  rules: RuleHits[];
  /** How the exposed services were reached: by anyone, or only with a blank or vendor-default login. */
  exposedAccess: ExposedAccess;
}

/**
 * The exposed services split by what it took to get the records: nothing
 * (anyone who asks), or a blank or vendor-default web login. Counted over
 * the exposed web services the report reads (bounded.ts), so `atLeast` says
 * when there were more than it read.
 */
export interface ExposedAccess {
  /** Exposed services reached only with a blank or vendor-default login. */
  withDefaultLogin: number;
  /** Of them, those a blank login opened. */
  withBlankLogin: number;
  /** More exposed web services than were read: the counts above are lower bounds. */
  atLeast: boolean;
}

/** The scan's closing summary: only what it prints, from aggregates and one bounded list. */
export interface ScanSummary {
  run: ReportRun;
  totals: ReportTotals;
  /** Services and exposed services by protocol. */
  byProtocol: BreakdownRow[];
  /** Exposed services, most severe finding first, at most the summary's bound. */
  exposed: ServiceReport[];
}
