/**
 * Where a run stands, for the live view: counters from its last checkpoint
 * (written with every batch of hosts), the rate since it started, the time
 * left when its number of targets is known, and the latest findings written.
 */
import type { Severity } from '../observation/finding.ts';
import type { FindingListRow, RunProgress, RunRow, RunStatus } from '../store/index.ts';
import { endpointText } from '../report/format.ts';

/** Findings the live view lists: the latest written. */
export const LIVE_FINDINGS = 10;

export interface LiveFinding {
  severity: Severity;
  ruleId: string;
  title: string;
  endpoint: string;
  /** The service's page. */
  href: string;
}

/** What live.json answers and the live page shows: numbers and our own words, no peer text but the endpoint. */
export interface LiveStatus {
  run: number;
  status: RunStatus;
  startedAt: string;
  finishedAt?: string;
  hostsDone: number;
  total?: number;
  /** 0–100, one decimal; absent when the total is not known. */
  percent?: number;
  /** Hosts a second since the start. */
  rate?: number;
  /** "4 min", absent when not running or the total is not known. */
  eta?: string;
  openPorts: number;
  services: number;
  findings: number;
  latest: LiveFinding[];
}

/** 45 → "45 s", 600 → "10 min", 9000 → "2.5 h". */
export function durationText(seconds: number): string {
  if (seconds < 120) return `${Math.ceil(seconds)} s`;
  if (seconds < 7200) return `${Math.ceil(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * `progress` is the last checkpoint's; a run written without one (a merge,
 * a file written by hand) has only `stored`: what its rows sum to.
 */
export function liveStatus(
  run: RunRow,
  progress: RunProgress | undefined,
  targets: number | undefined,
  latest: readonly FindingListRow[],
  now: number,
  stored?: { services: number; findings: number },
): LiveStatus {
  const c = progress?.counters;
  const hostsDone = run.summary?.hostsDone ?? c?.hostsDone ?? run.hostsRecorded;
  const total = run.summary?.targetsTotal ?? targets;
  const until = run.finishedAt ? Date.parse(run.finishedAt) : progress ? Date.parse(progress.updatedAt) : now;
  const seconds = (until - Date.parse(run.startedAt)) / 1000;
  const rate = seconds > 0 && hostsDone > 0 ? Math.round((10 * hostsDone) / seconds) / 10 : undefined;
  const status: LiveStatus = {
    run: run.id,
    status: run.status,
    startedAt: run.startedAt,
    hostsDone,
    openPorts: run.summary?.openPorts ?? c?.openPorts ?? 0,
    services: c?.services ?? stored?.services ?? 0,
    findings: c?.findings ?? stored?.findings ?? 0,
    latest: latest.map((f) => ({ severity: f.severity, ruleId: f.ruleId, title: f.title, endpoint: endpointText(f.ip, f.port), href: `/runs/${run.id}/services/${f.serviceId}` })),
  };
  if (run.finishedAt) status.finishedAt = run.finishedAt;
  if (rate !== undefined) status.rate = rate;
  if (total !== undefined && total > 0) {
    status.total = total;
    status.percent = Math.min(100, Math.round((1000 * hostsDone) / total) / 10);
    if (run.status === 'running' && rate !== undefined && total > hostsDone) status.eta = durationText((total - hostsDone) / rate);
  }
  return status;
}
