import { onAbortOf } from './abort-watch.ts';
import { NetError } from './errors.ts';

/**
 * A token bucket for the global connection rate. Waiters are served in order
 * by one timer at a time, set for when the next token is due (no polling loop).
 */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();
  private readonly waiters: Array<{ readonly resolve: () => void }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst = Math.max(1, Math.ceil(ratePerSecond / 10)),
  ) {
    this.tokens = this.burst;
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
    this.last = now;
  }

  take(signal?: AbortSignal): Promise<void> {
    this.refill();
    if (this.waiters.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      // Served or aborted, the wait leaves nothing on the signal (the scan's, shared by every connect).
      const waiter = {
        resolve: () => {
          forget();
          resolve();
        },
      };
      const forget = onAbortOf(signal, () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new NetError('aborted', 'aborted while waiting for the rate limit'));
      });
      this.waiters.push(waiter);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer || this.waiters.length === 0) return;
    const wait = Math.max(0, ((1 - this.tokens) * 1000) / this.ratePerSecond);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
      while (this.tokens >= 1 && this.waiters.length > 0) {
        this.tokens -= 1;
        this.waiters.shift()!.resolve();
      }
      this.schedule();
    }, wait);
  }
}
