/**
 * How long a port no probe claims is given to speak first (scan/identify.ts).
 *
 * A server that greets (FTP, RFC 959 4.2) does so as it accepts: its greeting
 * reaches us about one round trip after the connect completed, and the
 * connect itself took one round trip (SYN, SYN-ACK). So the wait is three
 * connect times: the greeting's round trip and two more for a server slow to
 * accept, at least 50 ms (on a LAN or loopback a round trip is nothing, but a
 * server forking per connection is not), at most 300 ms. A greeting later
 * than that is not lost: it arrives as the answer to our A-ASSOCIATE-RQ and
 * still gets the FTP probe. Pure.
 */

export const GREETING_WAIT = {
  minMs: 50,
  maxMs: 300,
  /** Connect times waited. */
  connectTimes: 3,
} as const;

/** The wait on one connection: `--greeting-wait` when given, else from how long its connect took. */
export function greetingWaitMs(connectMs: number, fixedMs?: number): number {
  if (fixedMs !== undefined) return fixedMs;
  // A connect time not measured waits the longest.
  if (!Number.isFinite(connectMs) || connectMs < 0) return GREETING_WAIT.maxMs;
  return Math.round(Math.max(GREETING_WAIT.minMs, Math.min(GREETING_WAIT.maxMs, GREETING_WAIT.connectTimes * connectMs)));
}
