/**
 * The probe contract: one per protocol, each in its own folder under probes/,
 * listed in the explicit array of probes/index.ts.
 */
import type { Connection, Dialer } from '../net/dialer.ts';
import type { PatientPseudonyms } from '../privacy/pseudonyms.ts';
import type { Endpoint, Observation, ProtocolId } from '../observation/observation.ts';

export interface ScannerIdentity {
  /** Calling AE title for DICOM associations: says who scans. */
  readonly callingAeTitle: string;
  /** HTTP User-Agent and FTP anonymous password text. */
  readonly userAgent: string;
}

export interface ProbeLimits {
  /** Records to enumerate (C-FIND matches, files) before stopping and reporting "at least N". */
  readonly maxRecords: number;
  readonly connectTimeoutMs: number;
  /** Longest silence accepted from the peer within one exchange. */
  readonly ioTimeoutMs: number;
  /** Wall-clock bound for one probe on one endpoint. */
  readonly probeTimeoutMs: number;
  /** Largest PDU (or message) we accept from a peer, whatever length it declares. */
  readonly maxPduBytes: number;
}

export interface DicomProbeOptions {
  /** Called AE titles to try after the unlikely one is rejected, in order (user list first). */
  readonly userAeTitles: readonly string[];
  /** Whether to fall back to the product default list. */
  readonly useGuessList: boolean;
}

export interface WebProbeOptions {
  /** Try a blank and the product's documented default credentials (opt-in: --check-logins). */
  readonly checkLogins: boolean;
  /** The scheme the port was seen to speak when it was identified (scan/identify.ts): tried first. */
  readonly scheme?: 'http' | 'https';
}

/** Bounds and opt-ins of the FTP and SMB share walks (probes/nas/limits.ts has the defaults). */
export interface FileWalkOptions {
  readonly maxDepth: number;
  readonly maxDirectories: number;
  readonly maxEntries: number;
  /** Files whose first bytes are read to confirm DICOM and inventory the header. */
  readonly maxHeaderSamples: number;
  /** Bytes read from one file at most; the read stops earlier at Pixel Data. */
  readonly maxHeaderBytes: number;
  readonly walkTimeMs: number;
  /** --check-write: create and remove one uniquely named empty file. */
  readonly checkWrite: boolean;
}

export interface ProbeContext {
  /**
   * Every connection a probe opens comes from here. One connection per
   * service: the first one a probe opens to its endpoint may be the one that
   * found the port open (and, on a port no probe claims, the one that
   * identified what it speaks), already connected, possibly with the peer's
   * greeting waiting to be read; later ones are new (net/parked.ts).
   */
  readonly dialer: Dialer;
  readonly signal: AbortSignal;
  readonly identity: ScannerIdentity;
  readonly limits: ProbeLimits;
  readonly dicom: DicomProbeOptions;
  /** Keyed hashes for distinct-patient counts; the key never leaves the process. */
  readonly pseudonyms: PatientPseudonyms;
  /** Web probes (portal, orthanc, dicomweb); absent means no login attempts. */
  readonly web?: WebProbeOptions;
  /** Absent: the defaults of probes/nas/limits.ts, no write check. */
  readonly fileWalk?: FileWalkOptions;
}

export interface Probe {
  readonly id: ProtocolId;
  readonly defaultPorts: readonly number[];
  /** What it does, in one line (`exposure scan --probes help`). */
  readonly summary: string;
  /** Always resolves: failures are a status in the Observation, never a throw. */
  run(endpoint: Endpoint, ctx: ProbeContext): Promise<Observation>;
}

export type { Connection, Endpoint, Observation };

/**
 * The contract's last line of defence, in one place: whatever a probe's own
 * logic throws past its status mapping becomes an `unknown-error` Observation
 * whose error names only the error class (never a message that might quote a peer).
 */
export function definedProbe(
  id: ProtocolId,
  defaultPorts: readonly number[],
  summary: string,
  run: (endpoint: Endpoint, ctx: ProbeContext) => Promise<Observation>,
  options: { readonly tls?: boolean } = {},
): Probe {
  return {
    id,
    defaultPorts,
    summary,
    run: (endpoint, ctx) =>
      run(endpoint, ctx).catch(
        (err: unknown): Observation => ({
          protocol: id,
          endpoint,
          status: 'unknown-error',
          startedAt: new Date().toISOString(),
          durationMs: 0,
          tls: options.tls === true,
          exposure: {},
          error: { code: 'INTERNAL', message: err instanceof Error ? err.name : 'internal error' },
        }),
      ),
  };
}
