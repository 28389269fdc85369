/**
 * The authorisation guard: a scan stays on networks the user may test.
 *
 * Loopback (labs) and private space — RFC 1918 for IPv4, unique-local and
 * link-local for IPv6 — are accepted; anything else, including a hostname that
 * resolves outside that space, needs an explicit allow-list of ranges the user
 * is authorised to scan. Excluded ranges always win.
 *
 * The one guard, IPv4 and IPv6: a scan's plan (target specs, a result file, or
 * a resumed run, which is planned again from its recorded flags) is checked
 * here before a packet leaves, and the dialer's policy comes from here too.
 */
import { formatIpv4, parseIpv4 } from './ipv4.ts';
import { formatIpv6, inRange6, parseIpv6 } from './ipv6.ts';
import { RangeList } from './range-list.ts';
import { rangeTable } from './spec.ts';
import type { ExclusionList } from './exclusions.ts';
import type { TargetSpace } from './space.ts';
import type { ScopePolicy } from './policy.ts';

/** Loopback (RFC 1122), private (RFC 1918); IPv6 loopback, unique-local (RFC 4193) and link-local (RFC 4291 2.5.6). */
const LOCAL = rangeTable(['127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '::1/128', 'fc00::/7', 'fe80::/10']);
const LOCAL_V4 = RangeList.of(LOCAL.v4);
const LOCAL_V6 = LOCAL.v6;

const HOW = 'pass --allow-list FILE naming the ranges you are authorised to test';

export class OutOfScopeError extends Error {
  override readonly name = 'OutOfScopeError';
}

/** Whether one address may be scanned: local space or the allow-list. */
export function isAuthorisedAddress(ip: string, allowList: ExclusionList): boolean {
  const v4 = parseIpv4(ip);
  if (v4 !== undefined) return LOCAL_V4.contains(v4) || allowList.v4.contains(v4);
  const v6 = parseIpv6(ip);
  if (v6 === undefined) return false;
  return LOCAL_V6.some((r) => inRange6(r, v6)) || allowList.v6.some((r) => inRange6(r, v6));
}

/**
 * The guard over a whole target space (after exclusions: excluded addresses are never touched).
 * Says which address first falls outside, and how to authorise it.
 */
export function checkSpaceAuthorised(space: TargetSpace, allowList: ExclusionList): void {
  const allowed = RangeList.of([...LOCAL_V4.ranges(), ...allowList.v4.ranges()]);
  for (const r of space.v4.ranges()) {
    let outside: number | undefined;
    allowed.subtractFrom(r.first, r.last, (f) => (outside ??= f));
    if (outside !== undefined) {
      throw new OutOfScopeError(
        `refusing to scan ${formatIpv4(outside)} and other addresses outside loopback and private (RFC 1918) space without an allow-list: ${HOW}`,
      );
    }
  }
  const allowed6 = [...LOCAL_V6, ...allowList.v6];
  for (const r of space.v6) {
    if (!allowed6.some((a) => a.first <= r.first && a.last >= r.last)) {
      throw new OutOfScopeError(
        `refusing to scan ${formatIpv6(r.first)} and other IPv6 addresses outside loopback, unique-local and link-local space without an allow-list: ${HOW}`,
      );
    }
  }
  for (const h of space.named) {
    if (!isAuthorisedAddress(h.ip, allowList)) {
      throw new OutOfScopeError(`refusing to scan ${h.hostname ?? h.ip}: it resolves to ${h.ip}, outside loopback and private space, and no allow-list covers it: ${HOW}`);
    }
  }
}

/** The dialer's policy for a target space: exclusions were subtracted when it was built. */
export function spacePolicy(space: TargetSpace): ScopePolicy {
  return {
    check: (ip) => (space.contains(ip) ? { allowed: true } : { allowed: false, reason: `${ip} is not in the scan's targets or is excluded` }),
  };
}
