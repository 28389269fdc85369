/**
 * Which product a file configures: by its usual name first, then by what only
 * that format holds. A file matching none is refused with a hint to --kind.
 */
import { basename } from 'node:path';
import type { ConfigKind } from './finding.ts';

/** JSON: the first character neither blank nor in a line or block comment is "{" (a loop: no regex backtracking on hostile text). */
function opensJsonObject(text: string): boolean {
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) i++;
    else if (text.startsWith('//', i)) i = after(text, '\n', i + 2, 1);
    else if (text.startsWith('/*', i)) i = after(text, '*/', i + 2, 2);
    else return text[i] === '{';
  }
  return false;
}

function after(text: string, end: string, from: number, width: number): number {
  const at = text.indexOf(end, from);
  return at < 0 ? text.length : at + width;
}

const BY_CONTENT: readonly [ConfigKind, RegExp | ((text: string) => boolean)][] = [
  ['orthanc', opensJsonObject],
  ['dcmqrscp', /^[ \t]*AETable[ \t]+BEGIN\b/m],
  ['vsftpd', /^(?:anonymous_enable|local_enable|listen|listen_ipv6|anon_root|write_enable|ssl_enable|pasv_enable|ftpd_banner)=/m],
  ['samba', /^[ \t]*\[[^\]\n]+\][ \t]*\r?$/m],
];

export function detectKind(path: string, text: string): ConfigKind | undefined {
  const name = basename(path).toLowerCase();
  if (name.endsWith('.json')) return 'orthanc';
  if (name === 'dcmqrscp.cfg') return 'dcmqrscp';
  if (name.startsWith('vsftpd') && name.endsWith('.conf')) return 'vsftpd';
  if (name === 'smb.conf') return 'samba';
  return BY_CONTENT.find(([, test]) => (typeof test === 'function' ? test(text) : test.test(text)))?.[0];
}
