/**
 * What a scan does when not told otherwise: the one list that `exposure
 * scan`'s options and a watch configuration's scopes both default to, so a
 * scheduled run of a scope probes as the same command line would.
 */
import type { ProtocolId } from '../observation/observation.ts';
import { PROBE_CATALOGUE } from '../probes/catalogue.ts';
export { validateAeTitle } from '../probes/catalogue.ts';
import { DEFAULT_FILE_WALK } from '../probes/nas/index.ts';
import { probesAndPorts } from './probe-ports.ts';
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

/** The ports a scan goes through: the list given, else the selected probes' defaults (web ones replaced by `webPorts`). */
export function portsToScan(ports: readonly number[] | undefined, webPorts: readonly number[] | undefined, probes: readonly ProtocolId[] | undefined): number[] {
  return probesAndPorts(PROBE_CATALOGUE, ports, webPorts, probes).ports;
}
