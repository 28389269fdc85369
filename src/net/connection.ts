/**
 * The dialer's Connection over a connected socket: reads as awaited chunks,
 * each wait bounded, the socket paused while too much is buffered.
 */
import tls from 'node:tls';
import type net from 'node:net';
import type { Endpoint } from '../observation/observation.ts';
import type { Connection } from './dialer.ts';
import { NetError, toNetError } from './errors.ts';
import type { SocketMeter } from './socket-guard.ts';

/** Buffers what the peer sends until read, pausing the socket so an eager peer cannot fill memory. */
export class SocketConnection implements Connection {
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private ended = false;
  private failure: NetError | undefined;
  private waiter: (() => void) | undefined;
  /** Frees the socket a second after close() if the peer has not closed it by then. */
  private lingerTimer: NodeJS.Timeout | undefined;
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
      clearTimeout(this.lingerTimer);
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
      // Cleared at the close: a pending timer would hold the socket and this connection for that second.
      this.lingerTimer ??= setTimeout(() => this.socket.destroy(), 1000).unref();
    }
  }
}
