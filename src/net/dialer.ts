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

export interface DialOptions {
  readonly signal?: AbortSignal;
  /** Bound on the TCP (and TLS) handshake. */
  readonly connectTimeoutMs?: number;
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
   * (node:http's createConnection, an FTP client). Scope, rate and the connect
   * timeout still apply here; read bounds are the caller's to enforce.
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
  const socket = async (endpoint: Endpoint, dial: DialOptions = {}): Promise<net.Socket> => {
    const decision = options.scope.check(endpoint.ip);
    if (!decision.allowed) throw new NetError('out-of-scope', decision.reason);
    const release = hosts ? await hosts.acquire(endpoint.ip, dial.signal) : undefined;
    try {
      if (bucket) await bucket.take(dial.signal);
      const s = await openSocket(endpoint, dial, dial.connectTimeoutMs ?? options.connectTimeoutMs);
      if (release) releaseOnClose(s, release);
      return s;
    } catch (err) {
      release?.();
      throw err;
    }
  };
  return {
    socket,
    async connect(endpoint, dial = {}) {
      return new SocketConnection(endpoint, await socket(endpoint, dial), options.maxBytesPerConnection);
    },
  };
}

/**
 * The per-host slot is held until the socket is gone, whoever closes it. A
 * listener is not enough: protocol libraries strip a socket's listeners when
 * they let go of it (basic-ftp's removeAllListeners), and the slot would leak.
 * So the release rides on the socket's own emit of 'close', which Node makes
 * whether or not anyone listens.
 */
function releaseOnClose(s: net.Socket, release: () => void): void {
  const emit = s.emit.bind(s) as (event: string | symbol, ...args: unknown[]) => boolean;
  s.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
    if (event === 'close') release();
    return emit(event, ...args);
  }) as typeof s.emit;
}

function openSocket(endpoint: Endpoint, dial: DialOptions, timeoutMs: number): Promise<net.Socket> {
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
        resolve(socket);
      }
    };
    const onReady = (): void => finish();
    const onError = (e: unknown): void => finish(toNetError(e));
    const onAbort = (): void => finish(new NetError('aborted', 'aborted during connect'));
    const timer = setTimeout(
      () => finish(new NetError('connection-timeout', `no answer to connect within ${timeoutMs} ms`)),
      timeoutMs,
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
  bytesReceived = 0;
  readonly peerCertificate?: tls.PeerCertificate;
  readonly tlsProtocol?: string;

  constructor(
    readonly endpoint: Endpoint,
    private readonly socket: net.Socket,
    private readonly maxBytes: number,
  ) {
    if (socket instanceof tls.TLSSocket) {
      this.peerCertificate = socket.getPeerCertificate(true);
      this.tlsProtocol = socket.getProtocol() ?? undefined;
    }
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.bytesReceived += chunk.length;
      if (this.bytesReceived > this.maxBytes) {
        this.fail(new NetError('byte-cap', `peer sent more than ${this.maxBytes} bytes on one connection`));
        return;
      }
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
