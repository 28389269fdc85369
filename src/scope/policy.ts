/**
 * The scope a dialer enforces: every connect asks it first.
 * Target parsing and the exclusion list build one of these; the dialer only asks.
 */
export type ScopeDecision = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

export interface ScopePolicy {
  check(ip: string): ScopeDecision;
}

/** A policy built from a predicate, for tests and simple callers. */
export function scopeFrom(allowed: (ip: string) => boolean, reason = 'not in the scan scope'): ScopePolicy {
  return {
    check: (ip) => (allowed(ip) ? { allowed: true } : { allowed: false, reason: `${ip} is ${reason}` }),
  };
}
