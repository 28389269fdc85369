/**
 * Politeness: at most `perHost` connections in flight to one address. Waiters
 * are served in order as connections close (event-driven, no polling); the map
 * holds only hosts with a connection open or waiting.
 */
import { onAbortOf } from './abort-watch.ts';
import { NetError } from './errors.ts';

interface HostSlots {
  active: number;
  readonly waiters: Array<() => void>;
}

export class HostLimiter {
  private readonly hosts = new Map<string, HostSlots>();

  constructor(private readonly perHost: number) {}

  /** Resolves with a release function once a slot for `ip` is free. */
  acquire(ip: string, signal?: AbortSignal): Promise<() => void> {
    let h = this.hosts.get(ip);
    if (!h) {
      h = { active: 0, waiters: [] };
      this.hosts.set(ip, h);
    }
    const slots = h;
    const release = once(() => this.release(ip, slots));
    if (slots.active < this.perHost) {
      slots.active++;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new NetError('aborted', 'aborted while waiting for a connection slot to the host'));
      const grant = (): void => {
        forget();
        slots.active++;
        resolve(release);
      };
      const forget = onAbortOf(signal, () => {
        const i = slots.waiters.indexOf(grant);
        if (i >= 0) slots.waiters.splice(i, 1);
        if (slots.active === 0 && slots.waiters.length === 0) this.hosts.delete(ip);
        reject(new NetError('aborted', 'aborted while waiting for a connection slot to the host'));
      });
      slots.waiters.push(grant);
    });
  }

  /** Connections in flight to `ip` (for tests and progress). */
  inFlight(ip: string): number {
    return this.hosts.get(ip)?.active ?? 0;
  }

  private release(ip: string, slots: HostSlots): void {
    slots.active--;
    const next = slots.waiters.shift();
    if (next) next();
    else if (slots.active === 0) this.hosts.delete(ip);
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
