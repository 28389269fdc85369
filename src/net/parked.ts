/**
 * One connection per service: the connection discovery opened to a port is
 * held ("parked") for the first probe that dials the same endpoint, instead of
 * being closed and opened again.
 *
 * - `handOff(dialer)` is the probe's dialer for that endpoint: its first
 *   connect() or socket() there returns the parked socket (upgraded to TLS in
 *   place when TLS is asked: the handshake runs on the discovery connection,
 *   bounded by the connect timeout); every later call dials anew. Probes do not
 *   change: the first connection they open may simply be one already open.
 * - A parked socket sends nothing and holds no per-host slot (a host with many
 *   open ports would otherwise have its slots held by idle connections while
 *   its first port is probed); it takes a slot again when a probe takes it.
 * - It does not linger: closed when released unused, when its idle bound runs
 *   out, or when the peer hangs up without a word (the probe then dials anew).
 * - What the peer sends first is learnt without reading it off the stream
 *   (socket-guard.ts), so a greeting waited for is still there for the probe.
 */
import type net from 'node:net';
import tls from 'node:tls';
import type { Endpoint } from '../observation/observation.ts';
import { SocketConnection } from './connection.ts';
import type { Connection, Dialer, DialOptions } from './dialer.ts';
import { onAbort } from './abort-watch.ts';
import { handshake, tlsClientOptions } from './handshake.ts';
import { SocketGuard, type PeerAct } from './socket-guard.ts';

/** Bytes of the peer's first answer kept to tell what a port speaks (never recorded). */
export const FIRST_BYTES = 16;

/** What a wait for a server-first greeting saw: bytes, silence, or the connection gone (closed, expired, or the scan stopped). */
export type GreetingWait = 'spoke' | 'silent' | 'gone';

export interface ParkedSocket {
  readonly endpoint: Endpoint;
  /** How long discovery's connect took, in milliseconds: about one round trip to the peer. */
  readonly connectMs: number;
  /**
   * The first bytes the peer sent on this connection (up to FIRST_BYTES),
   * whoever read them: in memory only, to tell what the port speaks.
   */
  firstBytes(): Buffer;
  /** Waits up to `ms` for the peer to speak first; reads nothing, so the probe that takes the socket sees the greeting. */
  greeting(ms: number, signal: AbortSignal): Promise<GreetingWait>;
  /** `base`, except that its first dial of this endpoint takes this socket. */
  handOff(base: Dialer): Dialer;
  /** Closes the socket unless a probe took it. */
  release(): void;
}

export interface ParkOptions {
  readonly endpoint: Endpoint;
  readonly socket: net.Socket;
  readonly guard: SocketGuard;
  /** How long the connect took (ms). */
  readonly connectMs: number;
  /** Longest the socket waits to be taken. */
  readonly idleMs: number;
  /** Bound on an in-place TLS handshake when the dial names none. */
  readonly connectTimeoutMs: number;
  /** Takes a per-host slot again when a probe takes the socket; absent without per-host limits. */
  readonly reacquire?: ((signal?: AbortSignal) => Promise<() => void>) | undefined;
}

/** A parked peer's error has no one to tell until a probe takes the socket; the guard already saw it close. */
const ignore = (): void => undefined;

export class Parked implements ParkedSocket {
  readonly endpoint: Endpoint;
  readonly connectMs: number;
  private state: 'parked' | 'taken' | 'gone' = 'parked';
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly o: ParkOptions) {
    this.endpoint = o.endpoint;
    this.connectMs = o.connectMs;
    o.socket.on('error', ignore);
    o.guard.keepFirstBytes(FIRST_BYTES);
    this.timer = setTimeout(() => this.release(), o.idleMs);
    o.guard.onceClosed(() => {
      clearTimeout(this.timer);
      if (this.state === 'parked') this.state = 'gone';
    });
  }

  firstBytes(): Buffer {
    return this.o.guard.first;
  }

  greeting(ms: number, signal: AbortSignal): Promise<GreetingWait> {
    const { guard } = this.o;
    if (this.state !== 'parked' || signal.aborted) return Promise.resolve('gone');
    if (guard.first.length > 0) return Promise.resolve('spoke');
    if (guard.peerEnded) return Promise.resolve('gone');
    return new Promise((resolve) => {
      let settled = false;
      const settle = (w: GreetingWait): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        forget();
        guard.offNextAct(onAct);
        resolve(w);
      };
      const onAct = (act: PeerAct): void => settle(act === 'data' ? 'spoke' : 'gone');
      const timer = setTimeout(() => settle('silent'), ms);
      guard.onNextAct(onAct);
      guard.onceClosed(() => settle('gone'));
      const forget = onAbort(signal, () => settle('gone'));
    });
  }

  handOff(base: Dialer): Dialer {
    const mine = (e: Endpoint): boolean => e.ip === this.endpoint.ip && e.port === this.endpoint.port;
    return {
      connect: async (endpoint, dial = {}): Promise<Connection> => {
        const taken = mine(endpoint) ? await this.take(dial) : undefined;
        return taken ? new SocketConnection(endpoint, taken.socket, taken.guard) : base.connect(endpoint, dial);
      },
      socket: async (endpoint, dial = {}): Promise<net.Socket> => {
        const taken = mine(endpoint) ? await this.take(dial) : undefined;
        return taken ? taken.socket : base.socket(endpoint, dial);
      },
    };
  }

  release(): void {
    if (this.state !== 'parked') return;
    this.state = 'gone';
    clearTimeout(this.timer);
    this.o.socket.destroy();
  }

  /** The socket for a probe's first dial, with the dial's TLS and deadline; undefined when there is none to take. */
  private async take(dial: DialOptions): Promise<{ socket: net.Socket; guard: SocketGuard } | undefined> {
    if (this.state !== 'parked') return undefined;
    this.state = 'taken';
    clearTimeout(this.timer);
    const { socket, guard } = this.o;
    socket.off('error', ignore);
    // Hung up while parked without a word: nothing to hand on, the probe dials anew.
    if (socket.destroyed || (guard.peerEnded && guard.bytesReceived === 0)) {
      socket.destroy();
      return undefined;
    }
    try {
      if (this.o.reacquire) guard.onceClosed(await this.o.reacquire(dial.signal));
      if (socket.destroyed) return undefined;
      const taken = dial.tls ? await this.upgrade(dial.tls, dial) : { socket, guard };
      if (dial.deadlineMs !== undefined) taken.guard.deadline(dial.deadlineMs);
      return taken;
    } catch (err) {
      socket.destroy();
      throw err;
    }
  }

  /** TLS on the parked connection: a guard of its own counts what TLS delivers, and closing either side closes both. */
  private async upgrade(options: { readonly servername?: string }, dial: DialOptions): Promise<{ socket: net.Socket; guard: SocketGuard }> {
    const raw = this.o.socket;
    const secure = tls.connect({ socket: raw, ...tlsClientOptions(this.endpoint, options) });
    const guard = new SocketGuard(secure, this.o.guard.maxBytes);
    guard.onceClosed(() => raw.destroy());
    this.o.guard.onceClosed(() => secure.destroy());
    await handshake(secure, 'secureConnect', { timeoutMs: dial.connectTimeoutMs ?? this.o.connectTimeoutMs, signal: dial.signal, what: 'the TLS handshake' });
    return { socket: secure, guard };
  }
}
