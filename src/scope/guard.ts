/**
 * The authorisation guard: a scan stays on networks the user may test.
 *
 * Loopback (labs) and RFC 1918 private space (a hospital's own network) are
 * accepted; anything else needs an explicit allow-list of ranges the user is
 * authorised to scan. Excluded ranges always win.
 */
import { parseIpv4, inRange, type Ipv4Range } from './ipv4.ts';
import { parseTargetSpec } from './targets.ts';
import type { ScopePolicy } from './policy.ts';

const LOOPBACK = parseTargetSpec('127.0.0.0/8');
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((s) => parseTargetSpec(s));

export interface GuardOptions {
  readonly targets: readonly Ipv4Range[];
  readonly allowList: readonly Ipv4Range[];
  readonly exclude: readonly Ipv4Range[];
}

export class OutOfScopeError extends Error {
  override readonly name = 'OutOfScopeError';
}

function isLocal(n: number): boolean {
  return inRange(LOOPBACK, n) || PRIVATE.some((r) => inRange(r, n));
}

function coveredBy(r: Ipv4Range, list: readonly Ipv4Range[]): boolean {
  return list.some((a) => a.first <= r.first && a.last >= r.last);
}

/** Refuses, before any packet is sent, targets outside local space and outside the allow-list. */
export function checkAuthorised(options: GuardOptions): void {
  for (const r of options.targets) {
    const local = isLocal(r.first) && isLocal(r.last) && (coveredBy(r, [LOOPBACK]) || PRIVATE.some((p) => coveredBy(r, [p])));
    if (local || coveredBy(r, options.allowList)) continue;
    throw new OutOfScopeError(
      'refusing to scan targets outside loopback and private (RFC 1918) space without an allow-list: ' +
        'pass --allow-list FILE naming the ranges you are authorised to test',
    );
  }
}

/** The policy the dialer enforces on every connect: in the targets, not excluded. */
export function scopePolicy(options: GuardOptions): ScopePolicy {
  return {
    check(ip) {
      const n = parseIpv4(ip);
      if (n === undefined) return { allowed: false, reason: `${ip} is not an IPv4 address in scope` };
      if (options.exclude.some((r) => inRange(r, n))) return { allowed: false, reason: `${ip} is excluded` };
      if (!options.targets.some((r) => inRange(r, n))) return { allowed: false, reason: `${ip} is not in the scan's targets` };
      return { allowed: true };
    },
  };
}
