/**
 * Client patterns that admit every address, as rsync's "hosts allow", the
 * kernel server's exports(5) and nfs-ganesha's Clients read them: a wildcard
 * of stars alone, or a network with a zero-bit mask. A host name pattern
 * ("*.example.org") or any narrower network is a limit.
 */
export function matchesEveryone(pattern: string): boolean {
  return /^\*+$/.test(pattern) || /^(?:0\.0\.0\.0|::|0)\/(?:0|0\.0\.0\.0|::)$/.test(pattern);
}
