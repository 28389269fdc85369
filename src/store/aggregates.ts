/**
 * The aggregate tables a report, an export or a dashboard reads: the tables
 * of the 2020 study (services and images by country, by AS, by product, by
 * protocol; top servers; images per server; identifying attributes; findings
 * by rule; run counts). Each is one SQL query over the flattened columns,
 * with nothing engine-specific, so a PostgreSQL store answers them the same.
 */
import type { Severity } from '../observation/finding.ts';

/** What a breakdown groups by. */
export const BREAKDOWNS = ['country', 'asn', 'product', 'product-version', 'protocol'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

/** A sum that is a lower bound when any term was ("at least"); undefined when no service counted it. */
export interface CountSum {
  n: number;
  atLeast: boolean;
}

export interface BreakdownRow {
  /**
   * Country code ("US"), "AS15169", product, "product version", protocol id.
   * Hosts without a value get their special-space label ("private",
   * "loopback", …) or "unknown".
   */
  key: string;
  /** The AS's organisation name, for the asn breakdown. */
  label?: string;
  hosts: number;
  services: number;
  exposedHosts: number;
  exposedServices: number;
  patients?: CountSum;
  studies?: CountSum;
  images?: CountSum;
}

export interface ServerRow {
  ip: string;
  /** Same wording as BreakdownRow.key for the country breakdown. */
  country: string;
  asn?: number;
  org?: string;
  services: number;
  exposedServices: number;
  /** One product seen on the host (the alphabetically last if several). */
  product?: string;
  patients?: CountSum;
  studies?: CountSum;
  images?: CountSum;
}

/** Exposed hosts ("servers") by how many images they hold, summed over their services. */
export interface ImageDistribution {
  servers: number;
  notCounted: number;
  buckets: Array<{ label: string; min: number; max?: number; servers: number }>;
  over1k: number;
  over100k: number;
  over1M: number;
}

export interface RuleCountRow {
  ruleId: string;
  severity: Severity;
  title: string;
  services: number;
  hosts: number;
}

export interface RunCounts {
  /** Addresses in the targets (after nothing was excluded; undefined while a run is unfinished). */
  targets?: number;
  excluded?: number;
  /** Addresses scanned to the end. */
  scanned?: number;
  openPorts?: number;
  /** Hosts with at least one service stored. */
  hosts: number;
  services: number;
  /** Services that spoke their protocol (status success or rejected). */
  responding: number;
  exposedHosts: number;
  exposedServices: number;
  /** Hosts whose geo columns are still empty. */
  hostsWithoutGeo: number;
  /**
   * Services the honeypot assessment found likely (observation/honeypot.ts): left out of every
   * other figure here and of the study's tables, unless they were read keeping them. Absent when none.
   */
  likelyHoneypots?: number;
}

/** Geo data as stored on a host row. */
export interface StoredHostGeo {
  /** 'public' or a special-purpose label. */
  space: string;
  country?: string;
  asn?: number;
  org?: string;
  /** Which databases gave the values (JSON text written by the caller). */
  source?: string;
}

/**
 * The headline of a report: services, exposed services, what they hold and
 * findings by severity. Patients, studies and images are summed over hosts,
 * each host counted once with the largest figure any of its services gave
 * (one archive answers on DICOM, REST and DICOMweb alike); files and bytes are
 * summed over services.
 */
export interface RunTotals {
  services: number;
  exposedServices: number;
  patients?: CountSum;
  studies?: CountSum;
  images?: CountSum;
  files?: CountSum;
  bytes?: CountSum;
  /**
   * The most patients one service counted. Each service's count is of
   * distinct patients (keyed hashes of the records read, or the server's own
   * count), so the run holds at least this many distinct people; `patients`
   * sums over servers and counts a person once per server that holds them.
   * Undefined when no service counted patients.
   */
  mostPatients?: number;
  findings: Record<Severity, number>;
  /** Likely honeypots in the run: left out of the figures above unless they were read keeping them. Absent when none. */
  likelyHoneypots?: number;
  /** True when the figures above count the likely honeypots (read with keepHoneypots). */
  honeypotsKept?: boolean;
}
