/**
 * Delivering an alert, whatever the channel: a bounded number of attempts,
 * each cut at its deadline whether or not the library under it keeps its own,
 * a doubling wait between them (each wait at most MAX_WAIT_MS), and a stop
 * signal that ends the waiting at once. A permanent refusal (a 4xx answer,
 * an SMTP 5xx) is not tried again.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface DeliveryPolicy {
  /** Attempts in all, at least one. */
  readonly attempts: number;
  /** Deadline of one attempt. */
  readonly timeoutMs: number;
  /** Wait after the first failed attempt; doubled after each further one. */
  readonly backoffMs: number;
}

/** One wait between attempts at most, however the doubling goes. */
const MAX_WAIT_MS = 300_000;

export type AttemptOutcome = { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly retry: boolean; readonly detail: string };

export type Channel = 'webhook' | 'email';

export interface DeliveryReport {
  readonly channel: Channel;
  readonly delivered: boolean;
  readonly attempts: number;
  /** The last attempt's outcome, in words: "HTTP 200", "250 accepted", "no answer within 10000 ms". */
  readonly detail: string;
}

/** The wait before attempt `n + 1` (n ≥ 1 attempts made). */
export function backoff(policy: DeliveryPolicy, n: number): number {
  return Math.min(policy.backoffMs * 2 ** (n - 1), MAX_WAIT_MS);
}

/** One attempt, settled by its deadline at the latest. */
async function bounded(attempt: (signal: AbortSignal) => Promise<AttemptOutcome>, timeoutMs: number, stop: AbortSignal | undefined): Promise<AttemptOutcome> {
  const deadline = new AbortController();
  const signal = stop ? AbortSignal.any([stop, deadline.signal]) : deadline.signal;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<AttemptOutcome>((settle) => {
    timer = setTimeout(() => {
      deadline.abort();
      settle({ ok: false, retry: true, detail: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      attempt(signal).catch((err: unknown): AttemptOutcome => ({ ok: false, retry: true, detail: failure(err) })),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a failed attempt says: the error's code and message, without a stack. */
export function failure(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause : undefined;
  const code = (e: Error | undefined): string | undefined => (e && 'code' in e && typeof e.code === 'string' ? e.code : undefined);
  const c = code(cause) ?? code(err);
  return c ? `${c}: ${(cause ?? err).message}` : err.message;
}

/** Runs `attempt` until it succeeds, refuses for good, the attempts run out or `stop` fires. */
export async function deliver(channel: Channel, policy: DeliveryPolicy, attempt: (signal: AbortSignal) => Promise<AttemptOutcome>, stop?: AbortSignal): Promise<DeliveryReport> {
  let outcome: AttemptOutcome = { ok: false, retry: false, detail: 'not attempted' };
  let n = 0;
  while (n < Math.max(1, policy.attempts) && !stop?.aborted) {
    if (n > 0) {
      try {
        await sleep(backoff(policy, n), undefined, stop ? { signal: stop } : {});
      } catch {
        break; // stopped while waiting
      }
    }
    n++;
    outcome = await bounded(attempt, policy.timeoutMs, stop);
    if (outcome.ok || !outcome.retry) break;
  }
  return { channel, delivered: outcome.ok, attempts: n, detail: outcome.detail };
}
