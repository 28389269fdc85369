/**
 * The probe contract: one per protocol, each in its own folder under probes/,
 * listed in the explicit array of probes/index.ts.
 */
import { abortError, Deadline } from '../net/deadline.ts';
import type { Connection, Dialer, DialOptions } from '../net/dialer.ts';
import type { NetError } from '../net/errors.ts';
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

export type { Connection, Deadline, Endpoint, Observation };

/** A probe's logic, run by the harness with its context bounded by the probe's deadline. */
export type ProbeRun = (endpoint: Endpoint, ctx: ProbeContext, deadline: Deadline) => Promise<Observation>;

/**
 * After its deadline, how long a probe has to close its connections and say
 * what it learned before the harness answers for it: well under the second by
 * which no probe may outlive --probe-timeout.
 */
export const PROBE_GRACE_MS = 500;

/** A probe's sockets outlive its deadline by this much at most: its own goodbye (an A-ABORT, a close) goes first. */
const SOCKET_GRACE_MS = 250;

/**
 * The probe's dialer: every connection it opens is cut when the probe's time
 * is up (plus the socket grace), whoever holds the socket, and a dial without
 * a signal of its own stops with the probe.
 */
function dialerWithin(base: Dialer, deadline: Deadline): Dialer {
  const bound = (dial: DialOptions = {}): DialOptions => {
    const left = deadline.remainingMs() + SOCKET_GRACE_MS;
    return { ...dial, signal: dial.signal ?? deadline.signal, deadlineMs: Math.min(dial.deadlineMs ?? left, left) };
  };
  return { connect: (e, dial) => base.connect(e, bound(dial)), socket: (e, dial) => base.socket(e, bound(dial)) };
}

/**
 * The harness every probe runs in, the contract's bounds in one place:
 * - the deadline: --probe-timeout from the start, owned here (deadline.ts), its
 *   signal the one the probe sees as `ctx.signal`, its sockets cut with it;
 * - the backstop: a probe that has not answered PROBE_GRACE_MS after its
 *   deadline is answered for, so none outlives --probe-timeout by more, whatever
 *   the peer does and whatever path inside the probe forgot the signal;
 * - the last line of defence: whatever a probe's own logic throws past its status
 *   mapping becomes an `unknown-error` Observation whose error names only the
 *   error class (never a message that might quote a peer).
 */
export function definedProbe(
  id: ProtocolId,
  defaultPorts: readonly number[],
  summary: string,
  run: ProbeRun,
  options: { readonly tls?: boolean } = {},
): Probe {
  return {
    id,
    defaultPorts,
    summary,
    run: (endpoint, ctx) => {
      const started = performance.now();
      const startedAt = new Date().toISOString();
      const failed = (status: Observation['status'], error: NonNullable<Observation['error']>): Observation => ({
        protocol: id,
        endpoint,
        status,
        startedAt,
        durationMs: Math.round(performance.now() - started),
        tls: options.tls === true,
        exposure: {},
        error,
      });
      const deadline = new Deadline(ctx.limits.probeTimeoutMs, ctx.signal, 'the probe');
      const bounded: ProbeContext = { ...ctx, signal: deadline.signal, dialer: dialerWithin(ctx.dialer, deadline) };
      // One promise settled by whichever answers first, the probe or the backstop: not a race of two.
      return new Promise<Observation>((resolve) => {
        let grace: NodeJS.Timeout | undefined;
        let answered = false;
        const answer = (o: Observation): void => {
          if (answered) return;
          answered = true;
          clearTimeout(grace);
          deadline.signal.removeEventListener('abort', backstop);
          deadline.end();
          resolve(o);
        };
        // PROBE_GRACE_MS after the deadline ends, the harness answers for a probe that has not.
        const backstop = (): void => {
          grace = setTimeout(() => {
            const reason = abortError(deadline.signal, 'the probe was stopped');
            answer(
              failed(reason.code === 'aborted' ? 'aborted' : 'io-timeout', {
                code: reason.code,
                message: `the probe did not finish within ${PROBE_GRACE_MS} ms of its deadline (${reason.message})`,
                phase: 'deadline',
              }),
            );
          }, PROBE_GRACE_MS);
        };
        if (deadline.signal.aborted) backstop();
        else deadline.signal.addEventListener('abort', backstop, { once: true });
        const internal = (err: unknown): void => answer(failed('unknown-error', { code: 'INTERNAL', message: err instanceof Error ? err.name : 'internal error' }));
        try {
          run(endpoint, bounded, deadline).then(answer, internal);
        } catch (err) {
          internal(err);
        }
      });
    },
  };
}

