/**
 * TCP connect discovery: which of a host's candidate ports answer.
 * Sockets come from the dialer, so scope, rate and per-host limits hold here too.
 * A connect timeout is tried again (`retries` times): a SYN lost to a busy
 * link is common; a refusal or an unreachable host is an answer and is not retried.
 *
 * An open port's connection is not closed: it is parked (net/parked.ts) for
 * the probe that runs on the port, which is handed it instead of connecting
 * again. The caller owns it: every parked socket must be released.
 */
import type { ParkedSocket, ParkingDialer } from '../net/dialer.ts';
import { NetError, toNetError } from '../net/errors.ts';

export type PortState = 'open' | 'closed' | 'filtered' | 'out-of-scope' | 'error';

export type PortResult =
  | { readonly port: number; readonly state: 'open'; readonly parked: ParkedSocket }
  | { readonly port: number; readonly state: Exclude<PortState, 'open'> };

export interface DiscoveryOptions {
  readonly connectTimeoutMs: number;
  readonly signal: AbortSignal;
  readonly retries?: number;
  /** Longest an open port's connection waits for its probe before it is closed (the probe then connects anew). */
  readonly parkedIdleMs: number;
  /** Carried on every endpoint discovered (the name the target was given as). */
  readonly hostname?: string;
}

export function discoverPorts(dialer: ParkingDialer, ip: string, ports: readonly number[], options: DiscoveryOptions): Promise<PortResult[]> {
  // One port (a sweep of one port, a port a result file names) needs no Promise.all.
  if (ports.length === 1) return probePort(dialer, ip, ports[0]!, options).then(asList);
  return Promise.all(ports.map((port) => probePort(dialer, ip, port, options)));
}

const asList = (r: PortResult): PortResult[] => [r];

async function probePort(dialer: ParkingDialer, ip: string, port: number, options: DiscoveryOptions): Promise<PortResult> {
  const endpoint = { ip, port, ...(options.hostname ? { hostname: options.hostname } : {}) };
  for (let attempt = 0; ; attempt++) {
    try {
      const parked = await dialer.park(endpoint, { connectTimeoutMs: options.connectTimeoutMs, signal: options.signal, idleMs: options.parkedIdleMs });
      return { port, state: 'open', parked };
    } catch (err) {
      const e = toNetError(err);
      if (e.code === 'connection-timeout' && attempt < (options.retries ?? 0) && !options.signal.aborted) continue;
      return { port, state: stateOf(e) };
    }
  }
}

/** Closes the connections of the open ports no probe took. */
export function releaseAll(results: readonly PortResult[]): void {
  for (const r of results) if (r.state === 'open') r.parked.release();
}

function stateOf(err: NetError): Exclude<PortState, 'open'> {
  switch (err.code) {
    case 'connection-refused':
      return 'closed';
    case 'connection-timeout':
    case 'host-unreachable':
    case 'network-unreachable':
      return 'filtered';
    case 'out-of-scope':
      return 'out-of-scope';
    default:
      return 'error';
  }
}
