/**
 * The dialer's Connection over a connected socket: reads as awaited chunks,
 * each wait bounded, the socket paused while too much is buffered.
 *
 * A scan holds hundreds of these at once and waits on each a few times, so a
 * wait is one promise and one timer: the socket's events settle it directly,
 * and the read's signal is listened to once per connection, not once per wait.
 */
import tls from 'node:tls';
import type net from 'node:net';
import type { Endpoint } from '../observation/observation.ts';
import type { Connection } from './dialer.ts';
import { abortError } from './deadline.ts';
import { onAbortOf } from './abort-watch.ts';
import { NetError, toNetError } from './errors.ts';
import type { SocketMeter } from './socket-guard.ts';

/** Past this many bytes unread the socket is paused; below half of it, resumed. */
const HIGH_WATER = 1 << 20;

/** What every write resolves to: one settled promise, not one per write. */
const WRITTEN: Promise<void> = Promise.resolve();

/** A read waiting for the peer. */
interface Reader {
  readonly resolve: (chunk: Buffer | null) => void;
  readonly reject: (err: NetError) => void;
  readonly timer: NodeJS.Timeout;
}

/** Buffers what the peer sends until read, pausing the socket so an eager peer cannot fill memory. */
export class SocketConnection implements Connection {
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private ended = false;
  private failure: NetError | undefined;
  private reader: Reader | undefined;
  /** The signal of the reads, listened to until it changes or the socket closes. */
  private signal: AbortSignal | undefined;
  private forgetSignal: () => void = () => undefined;
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
      if (this.queuedBytes > HIGH_WATER) socket.pause();
      this.settle();
    });
    socket.on('end', () => {
      this.ended = true;
      this.settle();
    });
    socket.on('close', () => {
      this.ended = true;
      clearTimeout(this.lingerTimer);
      // A long-lived signal must not hold a closed connection.
      this.listenTo(undefined);
      this.settle();
    });
    socket.on('error', (err) => this.fail(toNetError(err)));
  }

  get bytesReceived(): number {
    return this.meter.bytesReceived;
  }

  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }

  private fail(err: NetError): void {
    this.failure ??= err;
    this.socket.destroy();
    this.settle();
  }

  /**
   * Hands the bytes to the socket. No callback waits for the kernel to take them: a write that
   * fails destroys the socket with its error, which the 'error' listener keeps as this
   * connection's failure, so the next read (or write) rejects with it. Every exchange reads its
   * answer after writing, and close() flushes what is still queued before the FIN.
   */
  write(bytes: Uint8Array): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.socket.destroyed || this.socket.writableEnded) return Promise.reject(new NetError('closed', 'connection already closed'));
    this.socket.write(bytes);
    return WRITTEN;
  }

  read(timeoutMs: number, signal?: AbortSignal): Promise<Buffer | null> {
    // One read at a time: a second would take the first's place and leave it waiting.
    if (this.reader) return Promise.reject(new NetError('closed', 'a read is already waiting on this connection'));
    const ready = this.next();
    if (ready !== undefined) return ready instanceof NetError ? Promise.reject(ready) : Promise.resolve(ready);
    // The signal's reason says which bound ran out (a probe's deadline is an io-timeout).
    if (signal?.aborted) return Promise.reject(abortError(signal, 'aborted while reading'));
    this.listenTo(signal);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.finish(new NetError('io-timeout', `no data from the peer within ${timeoutMs} ms`)), timeoutMs);
      this.reader = { resolve, reject, timer };
    });
  }

  /** What a read gets now: a chunk, null at the end, the failure; undefined when it has to wait. */
  private next(): Buffer | null | NetError | undefined {
    const chunk = this.queue.shift();
    if (chunk) {
      this.queuedBytes -= chunk.length;
      if (this.socket.isPaused() && this.queuedBytes < HIGH_WATER / 2) this.socket.resume();
      return chunk;
    }
    if (this.failure) return this.failure;
    if (this.ended) return null;
    return undefined;
  }

  /** Hands the waiting read what has happened: data, the end, a failure, or its signal's abort. */
  private settle(): void {
    if (!this.reader) return;
    const ready = this.next();
    if (ready !== undefined) this.finish(ready);
    else if (this.signal?.aborted) this.finish(abortError(this.signal, 'aborted while reading'));
  }

  private finish(outcome: Buffer | null | NetError): void {
    const reader = this.reader;
    if (!reader) return;
    this.reader = undefined;
    clearTimeout(reader.timer);
    if (outcome instanceof NetError) reader.reject(outcome);
    else reader.resolve(outcome);
  }

  private listenTo(signal: AbortSignal | undefined): void {
    if (signal === this.signal) return;
    this.forgetSignal();
    this.signal = signal;
    this.forgetSignal = onAbortOf(signal, () => this.settle());
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
