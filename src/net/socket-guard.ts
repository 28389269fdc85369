/**
 * The dialer's limits on one socket, whoever drives it: our own Connection,
 * node:http, basic-ftp's control and data channels, discovery.
 *
 * They ride on the socket's own methods, not on listeners: protocol libraries
 * strip a socket's listeners when they let go of it (basic-ftp's
 * removeAllListeners), and a cap or a per-host slot tied to a listener would
 * silently go with them.
 * - Received bytes are counted in `push()`, where Node hands over each chunk
 *   it read from the kernel (before any setEncoding turns it into text, and
 *   whether or not anyone is reading). Past the cap the chunk is dropped and
 *   the socket destroyed with NetError('byte-cap').
 * - A deadline, when asked for, destroys the socket with NetError('io-timeout').
 * - On 'close', which Node emits whether or not anyone listens, the deadline
 *   is cleared and the close hooks run (the per-host slot is one).
 */
import type net from 'node:net';
import { NetError } from './errors.ts';

/** What the peer sent on one socket, as counted by the dialer (after TLS, before any decoding). */
export interface SocketMeter {
  readonly bytesReceived: number;
}

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;
type Push = (chunk: unknown, encoding?: BufferEncoding) => boolean;

export class SocketGuard implements SocketMeter {
  bytesReceived = 0;
  private closed = false;
  private readonly atClose: Array<() => void> = [];
  /** The error we destroyed the socket with, if any. */
  private cut: NetError | undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly maxBytes: number,
  ) {
    const push = socket.push.bind(socket) as Push;
    socket.push = ((chunk: unknown, encoding?: BufferEncoding): boolean => {
      this.bytesReceived += chunk instanceof Uint8Array ? chunk.byteLength : typeof chunk === 'string' ? Buffer.byteLength(chunk) : 0;
      if (this.bytesReceived > this.maxBytes) {
        this.destroy(new NetError('byte-cap', `peer sent more than ${this.maxBytes} bytes on one connection`));
        return false;
      }
      return push(chunk, encoding);
    }) as typeof socket.push;

    const emit = socket.emit.bind(socket) as Emit;
    socket.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
      if (event === 'close') this.onClose();
      // Our own cut on a socket nobody listens to any more (a library let go
      // of it) must not become an uncaught 'error' that ends the process.
      if (event === 'error' && args[0] === this.cut && socket.listenerCount('error') === 0) return false;
      return emit(event, ...args);
    }) as typeof socket.emit;
  }

  /** Runs `hook` once the socket is closed (at once if it already is). */
  onceClosed(hook: () => void): void {
    if (this.closed) hook();
    else this.atClose.push(hook);
  }

  /** Destroys the socket with NetError('io-timeout') if it is still open `ms` from now. */
  deadline(ms: number): void {
    // A plain, referenced timer: the process must not exit while a socket it bounds is open.
    const timer = setTimeout(() => this.destroy(new NetError('io-timeout', `connection open longer than its ${ms} ms deadline`)), ms);
    this.onceClosed(() => clearTimeout(timer));
  }

  private destroy(err: NetError): void {
    if (this.socket.destroyed) return;
    this.cut = err;
    this.socket.destroy(err);
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const hook of this.atClose.splice(0)) hook();
  }
}
