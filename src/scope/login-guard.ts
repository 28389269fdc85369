/**
 * --check-logins sends credentials, which goes past authentication: allowed
 * only for targets the user may test — loopback and private (RFC 1918) space
 * as given, anything else only when the --allow-list covers it. Checked
 * before a packet leaves, with its own message, whatever the scan guard says.
 */
import type { Ipv4Range } from './ipv4.ts';
import { parseTargetSpec } from './targets.ts';

const LOCAL = ['127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((s) => parseTargetSpec(s));

function covered(r: Ipv4Range, list: readonly Ipv4Range[]): boolean {
  return list.some((a) => a.first <= r.first && a.last >= r.last);
}

export class LoginCheckRefused extends Error {
  override readonly name = 'OutOfScopeError';
}

export function checkLoginsAllowed(targets: readonly Ipv4Range[], allowList: readonly Ipv4Range[]): void {
  for (const r of targets) {
    if (LOCAL.some((l) => covered(r, [l])) || covered(r, allowList)) continue;
    throw new LoginCheckRefused(
      '--check-logins tries blank and vendor-default credentials, so it is refused for targets outside loopback and private (RFC 1918) space ' +
        'unless --allow-list FILE names them as ranges you are authorised to test',
    );
  }
}
