/**
 * Address ranges excluded by default: the IANA special-purpose registries
 * (not globally reachable, documentation, benchmarking), multicast and reserved space.
 * Sources: IANA IPv4 Special-Purpose Address Registry (RFC 6890 as updated),
 * IANA IPv6 Special-Purpose Address Registry, RFC 5771 (IPv4 multicast), RFC 4291 (IPv6 multicast).
 *
 * The rule (docs/decisions/0010-default-exclusions.md): a default range is not
 * applied to a target spec that lies wholly inside it. `10.0.0.0/8` or the
 * lab's `127.0.0.2-127.0.0.9` are scanned as typed; `0.0.0.0/0` loses all of these.
 */
export interface SpecialRange {
  readonly cidr: string;
  readonly name: string;
  readonly source: string;
}

export const SPECIAL_PURPOSE_V4: readonly SpecialRange[] = [
  { cidr: '0.0.0.0/8', name: 'this network', source: 'RFC 791, IANA IPv4 special-purpose registry' },
  { cidr: '10.0.0.0/8', name: 'private use', source: 'RFC 1918' },
  { cidr: '100.64.0.0/10', name: 'shared address space', source: 'RFC 6598' },
  { cidr: '127.0.0.0/8', name: 'loopback', source: 'RFC 1122' },
  { cidr: '169.254.0.0/16', name: 'link local', source: 'RFC 3927' },
  { cidr: '172.16.0.0/12', name: 'private use', source: 'RFC 1918' },
  { cidr: '192.0.0.0/24', name: 'IETF protocol assignments', source: 'RFC 6890' },
  { cidr: '192.0.2.0/24', name: 'documentation (TEST-NET-1)', source: 'RFC 5737' },
  { cidr: '192.88.99.0/24', name: 'deprecated 6to4 relay anycast', source: 'RFC 7526' },
  { cidr: '192.168.0.0/16', name: 'private use', source: 'RFC 1918' },
  { cidr: '198.18.0.0/15', name: 'benchmarking', source: 'RFC 2544' },
  { cidr: '198.51.100.0/24', name: 'documentation (TEST-NET-2)', source: 'RFC 5737' },
  { cidr: '203.0.113.0/24', name: 'documentation (TEST-NET-3)', source: 'RFC 5737' },
  { cidr: '224.0.0.0/4', name: 'multicast', source: 'RFC 5771' },
  { cidr: '240.0.0.0/4', name: 'reserved', source: 'RFC 1112' },
  // 255.255.255.255/32 (limited broadcast, RFC 919) lies inside 240.0.0.0/4.
];

export const SPECIAL_PURPOSE_V6: readonly SpecialRange[] = [
  { cidr: '::/128', name: 'unspecified', source: 'RFC 4291' },
  { cidr: '::1/128', name: 'loopback', source: 'RFC 4291' },
  { cidr: '::ffff:0:0/96', name: 'IPv4-mapped', source: 'RFC 4291' },
  { cidr: '64:ff9b:1::/48', name: 'local-use IPv4/IPv6 translation', source: 'RFC 8215' },
  { cidr: '100::/64', name: 'discard only', source: 'RFC 6666' },
  { cidr: '2001::/23', name: 'IETF protocol assignments', source: 'RFC 2928' },
  { cidr: '2001:db8::/32', name: 'documentation', source: 'RFC 3849' },
  { cidr: 'fc00::/7', name: 'unique local', source: 'RFC 4193' },
  { cidr: 'fe80::/10', name: 'link local', source: 'RFC 4291' },
  { cidr: 'ff00::/8', name: 'multicast', source: 'RFC 4291' },
];
