/**
 * The only place in Exposure that opens sockets.
 *
 * Probes receive a Dialer through their ProbeContext and never call
 * net.connect themselves, so scope, timeouts, byte caps and pacing are
 * enforced here once, for every protocol.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Endpoint } from '../observation/observation.ts';
import type { ScopePolicy } from '../scope/policy.ts';
import { SocketConnection } from './connection.ts';
import { NetError } from './errors.ts';
import { handshake, tlsClientOptions } from './handshake.ts';
import { HostLimiter } from './host-limiter.ts';
import { Parked, type ParkedSocket } from './parked.ts';
import { SocketGuard } from './socket-guard.ts';
import { TokenBucket } from './token-bucket.ts';

export type { ParkedSocket };

export interface DialOptions {
  readonly signal?: AbortSignal;
  /** Bound on the TCP (and TLS) handshake. */
  readonly connectTimeoutMs?: number;
  /**
   * Bound on the connection's whole life once connected, whatever it does
   * (unlike an idle timeout, a peer trickling bytes does not extend it): past
   * it the socket is destroyed with NetError('io-timeout'). Absent: the
   * caller's own timeouts are the only bound.
   */
  readonly deadlineMs?: number;
  /** Wrap the connection in TLS; certificates are recorded, not verified (a scanner must see self-signed ones). */
  readonly tls?: { readonly servername?: string } | false;
}

export interface Connection {
  readonly endpoint: Endpoint;
  /** The peer certificate when the connection is TLS. */
  readonly peerCertificate?: tls.PeerCertificate;
  readonly tlsProtocol?: string;
  readonly bytesReceived: number;
  /** Our side's address, when the socket knows it: a peer's access list may name it (NFS exports). */
  readonly localAddress?: string;
  /**
   * Sends the bytes: resolves once the socket has them, rejects when the connection has
   * already failed or closed. A send that fails later shows as the failure of the next read.
   */
  write(bytes: Uint8Array): Promise<void>;
  /**
   * The next chunk the peer sent, or null once it has closed its side.
   * Rejects with NetError('io-timeout') when nothing arrives within timeoutMs.
   */
  read(timeoutMs: number, signal?: AbortSignal): Promise<Buffer | null>;
  /** Half-closes our side and frees the socket. */
  close(): void;
}

export interface Dialer {
  connect(endpoint: Endpoint, options?: DialOptions): Promise<Connection>;
  /**
   * A raw connected socket, for libraries that drive their own protocol over it
   * (node:http's createConnection, an FTP client). Every limit of the dialer
   * holds on it as on a Connection: scope, rate, the per-host slot, the connect
   * timeout, the byte cap and the deadline (see socket-guard.ts). Waiting for a
   * reply is the caller's to bound.
   */
  socket(endpoint: Endpoint, options?: DialOptions): Promise<net.Socket>;
}

export interface DialerOptions {
  readonly scope: ScopePolicy;
  readonly connectTimeoutMs: number;
  /** Total bytes a single connection may receive before it is cut. */
  readonly maxBytesPerConnection: number;
  /** New connections per second across the whole scan; 0 for no limit. */
  readonly connectionsPerSecond: number;
  /** Connections in flight to one address at most (politeness); 0 or absent for no limit. */
  readonly perHostLimit?: number;
}

/**
 * The scan's own dialer: a Dialer that can also park. Discovery's connect is
 * kept open for the probe that runs next on the port (parked.ts), so a service
 * costs one connection, not a connect to find it and another to probe it.
 */
export interface ParkingDialer extends Dialer {
  /** Connects under every limit of the dialer, then holds the socket (at most `idleMs`) for a probe to take. */
  park(endpoint: Endpoint, options: DialOptions & { readonly idleMs: number }): Promise<ParkedSocket>;
}

export function createDialer(options: DialerOptions): ParkingDialer {
  const bucket = options.connectionsPerSecond > 0 ? new TokenBucket(options.connectionsPerSecond) : undefined;
  const hosts = options.perHostLimit ? new HostLimiter(options.perHostLimit) : undefined;
  /** Every dial goes through here, so the limits are applied once, in one way. */
  const guarded = async (endpoint: Endpoint, dial: DialOptions): Promise<Guarded> => {
    const decision = options.scope.check(endpoint.ip);
    if (!decision.allowed) throw new NetError('out-of-scope', decision.reason);
    const release = hosts ? await hosts.acquire(endpoint.ip, dial.signal) : undefined;
    try {
      if (bucket) await bucket.take(dial.signal);
      const opened = await openSocket(endpoint, dial, { timeoutMs: dial.connectTimeoutMs ?? options.connectTimeoutMs, maxBytes: options.maxBytesPerConnection });
      // Bound to the socket's close, whoever closes it (the limiter's release runs once).
      if (release) opened.guard.onceClosed(release);
      return { ...opened, ...(release ? { release } : {}) };
    } catch (err) {
      release?.();
      throw err;
    }
  };
  return {
    async socket(endpoint, dial = {}) {
      return (await guarded(endpoint, dial)).socket;
    },
    async connect(endpoint, dial = {}) {
      const { socket, guard } = await guarded(endpoint, dial);
      return new SocketConnection(endpoint, socket, guard);
    },
    async park(endpoint, dial) {
      const { socket, guard, release, connectMs } = await guarded(endpoint, { ...dial, tls: false });
      // An idle parked connection holds no slot: it takes one again when a probe takes it.
      release?.();
      return new Parked({
        endpoint,
        socket,
        guard,
        connectMs,
        idleMs: dial.idleMs,
        connectTimeoutMs: dial.connectTimeoutMs ?? options.connectTimeoutMs,
        reacquire: hosts ? (signal) => hosts.acquire(endpoint.ip, signal) : undefined,
      });
    },
  };
}

interface Guarded {
  readonly socket: net.Socket;
  readonly guard: SocketGuard;
  /** Milliseconds from the connect call to the socket being ready: about one round trip for TCP. */
  readonly connectMs: number;
  /** Frees the per-host slot (also bound to the socket's close). */
  readonly release?: () => void;
}

interface SocketLimits {
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

async function openSocket(endpoint: Endpoint, dial: DialOptions, limits: SocketLimits): Promise<Guarded> {
  if (dial.signal?.aborted) throw new NetError('aborted', 'aborted before connect');
  const started = performance.now();
  const socket = dial.tls
    ? tls.connect({ host: endpoint.ip, port: endpoint.port, ...tlsClientOptions(endpoint, dial.tls) })
    : net.connect({ host: endpoint.ip, port: endpoint.port });
  // Guarded from its first byte: a TLS peer's data can arrive with its handshake.
  const guard = new SocketGuard(socket, limits.maxBytes);
  await handshake(socket, dial.tls ? 'secureConnect' : 'connect', { timeoutMs: limits.timeoutMs, signal: dial.signal });
  const connectMs = performance.now() - started;
  if (dial.deadlineMs !== undefined) guard.deadline(dial.deadlineMs);
  return { socket, guard, connectMs };
}
