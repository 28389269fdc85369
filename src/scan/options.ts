/**
 * `exposure scan`'s options as values, and what a scan does when not told
 * otherwise: the command line's options and a watch configuration's scopes
 * are both read through here, so a scheduled run of a scope probes as the
 * same command line would.
 */
import type { ProtocolId } from '../observation/observation.ts';
import { PROBE_CATALOGUE } from '../probes/catalogue.ts';
import { DEFAULT_FILE_WALK } from '../probes/nas/index.ts';
import { probesAndPorts } from './probe-ports.ts';
import type { RequestedParameters } from './run-parameters.ts';
export { validateAeTitle } from '../probes/catalogue.ts';
/** The whole scan order, not a shard of it: what a new run walks unless told --shard. */
export { WHOLE } from '../scope/permutation.ts';

export const SCAN_DEFAULTS = {
  callingAeTitle: 'EXPOSURE-SCAN',
  maxRecords: 5000,
  concurrency: 64,
  rate: 500,
  perHost: 4,
  retries: 1,
  connectTimeoutMs: 3000,
  ioTimeoutMs: 10_000,
  probeTimeoutMs: 120_000,
  fileWalk: DEFAULT_FILE_WALK,
} as const;

/** The options by their long names in camelCase (--io-timeout: ioTimeout), as commander hands them over. */
export interface ScanOptionValues {
  readonly callingAe: string;
  readonly contact?: string | undefined;
  readonly aeTitles: readonly string[];
  readonly guessList: boolean;
  readonly maxRecords: number;
  readonly concurrency: number;
  readonly rate: number;
  readonly perHost: number;
  readonly retries: number;
  readonly connectTimeout: number;
  readonly ioTimeout: number;
  readonly probeTimeout: number;
  /** Absent: derived from each connect time. */
  readonly greetingWait?: number | undefined;
  readonly checkLogins?: boolean | undefined;
  readonly exclude: readonly string[];
  readonly defaultExclusions: boolean;
  readonly allowList?: string | undefined;
  readonly maxDepth: number;
  readonly maxDirs: number;
  readonly maxEntries: number;
  readonly maxHeaderSamples: number;
  readonly maxHeaderBytes: number;
  readonly walkTime: number;
  /**
   * --check-write changes state on the peer (a file appears and disappears), so
   * it is allowed only where the scan itself is authorised: loopback, private
   * space or the allow-list. The scan's one guard (scope/guard.ts, applied when
   * the scan is planned) refuses anything else before a packet leaves.
   */
  readonly checkWrite?: boolean | undefined;
}

/** What the caller decides itself, around the options: what to scan, in which order and shard. */
export type RunScope = Pick<RequestedParameters, 'targets' | 'ports' | 'webPorts' | 'probes' | 'seed' | 'shard'>;

/** A new run's parameters as asked for, from the options' values. */
export function requestedFrom(o: ScanOptionValues, run: RunScope): RequestedParameters {
  return {
    ...run,
    exclude: [...o.exclude],
    defaultExclusions: o.defaultExclusions,
    allowList: o.allowList,
    identity: { callingAeTitle: o.callingAe, contact: o.contact },
    dicom: { aeTitles: [...o.aeTitles], guessList: o.guessList },
    checkLogins: o.checkLogins === true,
    fileWalk: {
      maxDepth: o.maxDepth,
      maxDirectories: o.maxDirs,
      maxEntries: o.maxEntries,
      maxHeaderSamples: o.maxHeaderSamples,
      maxHeaderBytes: o.maxHeaderBytes,
      walkTimeMs: o.walkTime,
      checkWrite: o.checkWrite === true,
    },
    limits: {
      maxRecords: o.maxRecords,
      connectTimeoutMs: o.connectTimeout,
      ioTimeoutMs: o.ioTimeout,
      probeTimeoutMs: o.probeTimeout,
      // Left out, not undefined, when not given: the record equals what a resume reads back.
      ...(o.greetingWait === undefined ? {} : { greetingWaitMs: o.greetingWait }),
    },
    pace: { concurrency: o.concurrency, rate: o.rate, perHost: o.perHost, retries: o.retries },
  };
}

/** The ports a scan goes through: the list given, else the selected probes' defaults (web ones replaced by `webPorts`). */
export function portsToScan(ports: readonly number[] | undefined, webPorts: readonly number[] | undefined, probes: readonly ProtocolId[] | undefined): number[] {
  return probesAndPorts(PROBE_CATALOGUE, ports, webPorts, probes).ports;
}
