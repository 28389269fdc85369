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
 * - Asked to, it keeps a copy of the first bytes the peer sent and tells when
 *   the peer first acts (sends or ends): what a port speaks, learnt without
 *   reading anything off the stream, so whoever reads it next reads it all.
 */
import type net from 'node:net';
import { NetError } from './errors.ts';

/** What the peer sent on one socket, as counted by the dialer (after TLS, before any decoding). */
export interface SocketMeter {
  readonly bytesReceived: number;
}

/**
 * `head` and `tail` in a buffer of their own. Not Buffer.concat: its small
 * results are slices of Node's shared allocation pool (64 KiB slabs on Node
 * 24), and a few bytes kept for a connection's life would hold a whole slab:
 * at 512 connections in flight, most of a scan's resident memory.
 */
function ownCopy(head: Uint8Array, tail: Uint8Array): Buffer {
  const out = Buffer.allocUnsafeSlow(head.length + tail.length);
  out.set(head, 0);
  out.set(tail, head.length);
  return out;
}

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;
type Push = (chunk: unknown, encoding?: BufferEncoding) => boolean;

/** What the peer did first on a socket: sent bytes, or ended its side without a byte. */
export type PeerAct = 'data' | 'end';

export class SocketGuard implements SocketMeter {
  bytesReceived = 0;
  /** The peer ended its side (EOF pushed), whether or not anyone has read up to it. */
  peerEnded = false;
  private closed = false;
  private readonly atClose: Array<() => void> = [];
  private readonly atAct: Array<(act: PeerAct) => void> = [];
  private firstBytesCap = 0;
  private firstBytes: Buffer = Buffer.alloc(0);
  /** The error we destroyed the socket with, if any. */
  private cut: NetError | undefined;

  constructor(
    private readonly socket: net.Socket,
    readonly maxBytes: number,
  ) {
    const push = socket.push.bind(socket) as Push;
    socket.push = ((chunk: unknown, encoding?: BufferEncoding): boolean => {
      if (chunk === null) this.peerActed('end');
      else if (chunk instanceof Uint8Array && chunk.byteLength > 0) this.peerSent(chunk);
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

  /** Keeps a copy of the first `cap` bytes the peer sends from now on (in memory only, never recorded). */
  keepFirstBytes(cap: number): void {
    this.firstBytesCap = cap;
  }

  /** The first bytes the peer sent, up to the cap given to keepFirstBytes (empty when not asked). */
  get first(): Buffer {
    return this.firstBytes;
  }

  /** Runs `hook` on the peer's next act: bytes pushed, or its end of the stream. */
  onNextAct(hook: (act: PeerAct) => void): void {
    this.atAct.push(hook);
  }

  /** Forgets a hook given to onNextAct that has not run. */
  offNextAct(hook: (act: PeerAct) => void): void {
    const i = this.atAct.indexOf(hook);
    if (i >= 0) this.atAct.splice(i, 1);
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

  private peerSent(chunk: Uint8Array): void {
    const room = this.firstBytesCap - this.firstBytes.length;
    if (room > 0) this.firstBytes = ownCopy(this.firstBytes, chunk.subarray(0, room));
    this.peerActed('data');
  }

  private peerActed(act: PeerAct): void {
    if (act === 'end') this.peerEnded = true;
    for (const hook of this.atAct.splice(0)) hook(act);
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const hook of this.atClose.splice(0)) hook();
  }
}
