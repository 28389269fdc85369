/**
 * The order reports list endpoints in: addresses numerically (10.0.0.2 before
 * 10.0.0.10), IPv4 before IPv6, anything unparsable last by its text. The key
 * is plain ASCII whose byte order is that order, so a store can keep it in an
 * indexed column and hand out services already sorted, a page at a time.
 */
export function ipSortKey(ip: string): string {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) return '4' + v4.slice(1).map((o) => o.padStart(3, '0')).join('.');
  if (/^[0-9a-fA-F:]+$/.test(ip) && ip.includes(':')) {
    const [head = '', tail] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
    return '6' + groups.map((g) => g.toLowerCase().padStart(4, '0')).join(':');
  }
  return '9' + ip;
}
