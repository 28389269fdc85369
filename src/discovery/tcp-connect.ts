/**
 * TCP connect discovery: which of a host's candidate ports answer.
 * Sockets come from the dialer, so scope, rate and per-host limits hold here too.
 * A connect timeout is tried again (`retries` times): a SYN lost to a busy
 * link is common; a refusal or an unreachable host is an answer and is not retried.
 */
import type { Dialer } from '../net/dialer.ts';
import { NetError, toNetError } from '../net/errors.ts';

export type PortState = 'open' | 'closed' | 'filtered' | 'out-of-scope' | 'error';

export interface PortResult {
  readonly port: number;
  readonly state: PortState;
}

export interface DiscoveryOptions {
  readonly connectTimeoutMs: number;
  readonly signal: AbortSignal;
  readonly retries?: number;
}

export async function discoverPorts(dialer: Dialer, ip: string, ports: readonly number[], options: DiscoveryOptions): Promise<PortResult[]> {
  return Promise.all(ports.map((port) => probePort(dialer, ip, port, options)));
}

async function probePort(dialer: Dialer, ip: string, port: number, options: DiscoveryOptions): Promise<PortResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      const socket = await dialer.socket({ ip, port }, { connectTimeoutMs: options.connectTimeoutMs, signal: options.signal });
      socket.destroy();
      return { port, state: 'open' };
    } catch (err) {
      const e = toNetError(err);
      if (e.code === 'connection-timeout' && attempt < (options.retries ?? 0) && !options.signal.aborted) continue;
      return { port, state: stateOf(e) };
    }
  }
}

function stateOf(err: NetError): PortState {
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
