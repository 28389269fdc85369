/**
 * Who an export's group list lets in, in closed words: the names themselves
 * (host names, netgroups, networks) are peer text and are not kept.
 *
 * exports(5) and ganesha's CLIENT blocks write "*" for every client; servers
 * send an empty list for an export with no client restriction (Linux mountd
 * did so before it learnt to send "*"). "@name" is a netgroup, "a.b.c.d/n" or
 * "a.b.c.d/m.m.m.m" a network, an address a host; anything else is a host
 * name or a wildcard pattern, which only the server's resolver can judge.
 */
export interface ClientSummary {
  readonly clients: 'everyone' | 'listed';
  readonly scannerListed: 'yes' | 'no' | 'unknown';
}

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function ipv4Number(text: string): number | undefined {
  const m = DOTTED_QUAD.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((n, octet) => n * 256 + octet, 0);
}

/** The prefix length of "/n" or of a dotted mask, or undefined when it is neither. */
function prefixOf(mask: string): number | undefined {
  if (/^\d{1,2}$/.test(mask)) {
    const n = Number(mask);
    return n <= 32 ? n : undefined;
  }
  const m = ipv4Number(mask);
  if (m === undefined) return undefined;
  const bits = m.toString(2).padStart(32, '0');
  return /^1*0*$/.test(bits) ? bits.indexOf('0') === -1 ? 32 : bits.indexOf('0') : undefined;
}

/** Whether one group names `scanner` ('yes'), cannot ('no'), or is a name we cannot judge ('unknown'). */
function groupMatches(group: string, scanner: number | undefined): ClientSummary['scannerListed'] {
  const [address, mask, ...rest] = group.split('/');
  const network = ipv4Number(address ?? '');
  if (network === undefined || rest.length > 0) return 'unknown';
  if (scanner === undefined) return 'unknown';
  const prefix = mask === undefined ? 32 : prefixOf(mask);
  if (prefix === undefined) return 'unknown';
  const size = 2 ** (32 - prefix);
  return Math.floor(network / size) === Math.floor(scanner / size) ? 'yes' : 'no';
}

/** `groups`: the list as the server sent it (already capped); `scannerAddress`: our side of the MOUNT connection. */
export function summariseClients(groups: readonly string[], groupCount: number, scannerAddress: string | undefined): ClientSummary {
  if (groupCount === 0 || groups.some((g) => g.trim() === '*')) return { clients: 'everyone', scannerListed: 'yes' };
  const scanner = scannerAddress === undefined ? undefined : ipv4Number(scannerAddress.replace(/^::ffff:/, ''));
  let verdict: ClientSummary['scannerListed'] = 'no';
  for (const g of groups) {
    const m = groupMatches(g.trim(), scanner);
    if (m === 'yes') return { clients: 'listed', scannerListed: 'yes' };
    if (m === 'unknown') verdict = 'unknown';
  }
  // Groups past the cap were not read: they could name us.
  if (groupCount > groups.length && verdict === 'no') verdict = 'unknown';
  return { clients: 'listed', scannerListed: verdict };
}
