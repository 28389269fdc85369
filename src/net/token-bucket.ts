import { NetError } from './errors.ts';

/**
 * A token bucket for the global connection rate. Waiters are served in order
 * by one timer at a time, set for when the next token is due (no polling loop).
 */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();
  private readonly waiters: Array<{ resolve: () => void; reject: (e: Error) => void; signal?: AbortSignal }> = [];
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
      const waiter = { resolve, reject, signal };
      this.waiters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(new NetError('aborted', 'aborted while waiting for the rate limit'));
        },
        { once: true },
      );
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
