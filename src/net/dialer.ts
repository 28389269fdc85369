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
import { NetError, toNetError } from './errors.ts';
import { TokenBucket } from './token-bucket.ts';
import { HostLimiter } from './host-limiter.ts';
import { SocketGuard, type SocketMeter } from './socket-guard.ts';

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

export function createDialer(options: DialerOptions): Dialer {
  const bucket = options.connectionsPerSecond > 0 ? new TokenBucket(options.connectionsPerSecond) : undefined;
  const hosts = options.perHostLimit ? new HostLimiter(options.perHostLimit) : undefined;
  /** Both `socket()` and `connect()` go through here, so the limits are applied once, in one way. */
  const guarded = async (endpoint: Endpoint, dial: DialOptions): Promise<Guarded> => {
    const decision = options.scope.check(endpoint.ip);
    if (!decision.allowed) throw new NetError('out-of-scope', decision.reason);
    const release = hosts ? await hosts.acquire(endpoint.ip, dial.signal) : undefined;
    try {
      if (bucket) await bucket.take(dial.signal);
      return await openSocket(endpoint, dial, {
        timeoutMs: dial.connectTimeoutMs ?? options.connectTimeoutMs,
        maxBytes: options.maxBytesPerConnection,
        ...(release ? { release } : {}),
      });
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
      const { socket, meter } = await guarded(endpoint, dial);
      return new SocketConnection(endpoint, socket, meter);
    },
  };
}

interface Guarded {
  readonly socket: net.Socket;
  readonly meter: SocketMeter;
}

interface SocketLimits {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** Frees the per-host slot; runs when the socket closes, whoever closes it. */
  readonly release?: () => void;
}

function openSocket(endpoint: Endpoint, dial: DialOptions, limits: SocketLimits): Promise<Guarded> {
  return new Promise((resolve, reject) => {
    if (dial.signal?.aborted) return reject(new NetError('aborted', 'aborted before connect'));
    const socket = dial.tls
      ? tls.connect({
          host: endpoint.ip,
          port: endpoint.port,
          servername: dial.tls.servername ?? (net.isIP(endpoint.hostname ?? '') ? undefined : endpoint.hostname),
          rejectUnauthorized: false,
        })
      : net.connect({ host: endpoint.ip, port: endpoint.port });
    // Guarded from its first byte: a TLS peer's data can arrive with its handshake.
    const guard = new SocketGuard(socket, limits.maxBytes);
    if (limits.release) guard.onceClosed(limits.release);
    const readyEvent = dial.tls ? 'secureConnect' : 'connect';
    const finish = (err?: NetError): void => {
      clearTimeout(timer);
      dial.signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off(readyEvent, onReady);
      if (err) {
        socket.destroy();
        reject(err);
      } else {
        if (dial.deadlineMs !== undefined) guard.deadline(dial.deadlineMs);
        resolve({ socket, meter: guard });
      }
    };
    const onReady = (): void => finish();
    const onError = (e: unknown): void => finish(toNetError(e));
    const onAbort = (): void => finish(new NetError('aborted', 'aborted during connect'));
    const timer = setTimeout(
      () => finish(new NetError('connection-timeout', `no answer to connect within ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    );
    socket.once(readyEvent, onReady);
    socket.once('error', onError);
    dial.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Buffers what the peer sends until read, pausing the socket so an eager peer cannot fill memory. */
class SocketConnection implements Connection {
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private ended = false;
  private failure: NetError | undefined;
  private waiter: (() => void) | undefined;
  readonly peerCertificate?: tls.PeerCertificate;
  readonly tlsProtocol?: string;

  constructor(
    readonly endpoint: Endpoint,
    private readonly socket: net.Socket,
    /** The dialer's count, which also enforces the byte cap: no second cap here. */
    private readonly meter: SocketMeter,
  ) {
    if (socket instanceof tls.TLSSocket) {
      this.peerCertificate = socket.getPeerCertificate(true);
      this.tlsProtocol = socket.getProtocol() ?? undefined;
    }
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.queue.push(chunk);
      this.queuedBytes += chunk.length;
      if (this.queuedBytes > 1 << 20) socket.pause();
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', (err) => this.fail(toNetError(err)));
  }

  get bytesReceived(): number {
    return this.meter.bytesReceived;
  }

  private fail(err: NetError): void {
    this.failure ??= err;
    this.socket.destroy();
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.socket.destroyed || this.socket.writableEnded) return Promise.reject(new NetError('closed', 'connection already closed'));
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (err) => (err ? reject(toNetError(err)) : resolve()));
    });
  }

  async read(timeoutMs: number, signal?: AbortSignal): Promise<Buffer | null> {
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk) {
        this.queuedBytes -= chunk.length;
        if (this.socket.isPaused() && this.queuedBytes < 1 << 19) this.socket.resume();
        return chunk;
      }
      if (this.failure) throw this.failure;
      if (this.ended) return null;
      await this.waitForEvent(timeoutMs, signal);
    }
  }

  private waitForEvent(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new NetError('aborted', 'aborted while reading'));
      const done = (err?: NetError): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiter = undefined;
        if (err) reject(err);
        else resolve();
      };
      const onAbort = (): void => done(new NetError('aborted', 'aborted while reading'));
      const timer = setTimeout(() => done(new NetError('io-timeout', `no data from the peer within ${timeoutMs} ms`)), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = () => done();
    });
  }

  close(): void {
    if (!this.socket.destroyed) {
      this.socket.end();
      // Do not wait for the peer's FIN: a scanner frees its socket now.
      this.socket.destroySoon();
      setTimeout(() => this.socket.destroy(), 1000).unref();
    }
  }
}
