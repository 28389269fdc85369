/**
 * An alert as a webhook: the alert's JSON POSTed to the configured URL, the
 * body signed with HMAC-SHA-256 under the configured key in
 * `X-Exposure-Signature: sha256=HEX` (a receiver recomputes it over the raw
 * body and compares in constant time), and one delivery id kept across
 * retries so a receiver can drop a repeat.
 *
 * Node's fetch, not the scan's dialer: the dialer exists to keep probes inside
 * the scanned scope, and a webhook is the operator's own endpoint, outside it
 * by nature. Redirects are not followed (a 3xx is a failure, not a hop), the
 * answer's body is never read, and each attempt has its deadline (delivery.ts).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { userAgent } from '../scan/run-parameters.ts';
import { deliver, type AttemptOutcome, type DeliveryPolicy, type DeliveryReport } from './delivery.ts';

export const SIGNATURE_HEADER = 'X-Exposure-Signature';
export const DELIVERY_HEADER = 'X-Exposure-Delivery';

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** The URL as messages may show it: scheme, host and port; a path may hold a token. */
export function webhookLabel(url: string): string {
  return new URL(url).origin;
}

/** An answer worth trying again: the server failed, was overloaded or timed out. */
function transient(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

export async function postWebhook(url: string, secret: string, body: string, policy: DeliveryPolicy, stop?: AbortSignal): Promise<DeliveryReport> {
  const headers = {
    'content-type': 'application/json',
    'user-agent': userAgent(),
    [SIGNATURE_HEADER]: signature(secret, body),
    [DELIVERY_HEADER]: randomUUID(),
  };
  return deliver(
    'webhook',
    policy,
    async (signal): Promise<AttemptOutcome> => {
      const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal });
      // The answer's body is not ours to read: dropped, so the connection is freed at once.
      await res.body?.cancel().catch(() => undefined);
      const detail = `HTTP ${res.status}`;
      return res.status >= 200 && res.status < 300 ? { ok: true, detail } : { ok: false, retry: transient(res.status), detail };
    },
    stop,
  );
}
