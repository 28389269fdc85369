/**
 * TCP connect discovery: which of a host's candidate ports answer.
 * Sockets come from the dialer, so scope and rate limits hold here too.
 */
import type { Dialer } from '../net/dialer.ts';
import { NetError, toNetError } from '../net/errors.ts';

export type PortState = 'open' | 'closed' | 'filtered' | 'out-of-scope' | 'error';

export interface PortResult {
  readonly port: number;
  readonly state: PortState;
}

export async function discoverPorts(
  dialer: Dialer,
  ip: string,
  ports: readonly number[],
  options: { readonly connectTimeoutMs: number; readonly signal: AbortSignal },
): Promise<PortResult[]> {
  return Promise.all(
    ports.map(async (port): Promise<PortResult> => {
      try {
        const conn = await dialer.connect({ ip, port }, { connectTimeoutMs: options.connectTimeoutMs, signal: options.signal });
        conn.close();
        return { port, state: 'open' };
      } catch (err) {
        return { port, state: stateOf(toNetError(err)) };
      }
    }),
  );
}

function stateOf(err: NetError): PortState {
  switch (err.code) {
    case 'connection-refused':
      return 'closed';
    case 'connection-timeout':
    case 'host-unreachable':
      return 'filtered';
    case 'out-of-scope':
      return 'out-of-scope';
    default:
      return 'error';
  }
}
