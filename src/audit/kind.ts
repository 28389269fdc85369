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

/**
 * Content tests in order: rsyncd.conf and smb.conf share their syntax (and
 * "read only", "hosts allow"), so rsync goes first on parameters only rsync
 * has; /etc/exports lines open with an absolute path and a client or option
 * list; ganesha by its top-level blocks.
 */
const BY_CONTENT: readonly [ConfigKind, RegExp | ((text: string) => boolean)][] = [
  ['orthanc', opensJsonObject],
  ['ganesha', /^[ \t]*(?:EXPORT|EXPORT_DEFAULTS|NFS_CORE_PARAM|NFSV4|NFS_KRB5|LOG)[ \t]*\{/im],
  ['rsyncd', /^[ \t]*(?:auth users|secrets file|use chroot|refuse options|dont compress|munge symlinks|fake super|transfer logging|incoming chmod|outgoing chmod|numeric ids)[ \t]*=/im],
  ['exports', /^[ \t]*(?:\/\S*|"\/[^"\n]*")[ \t]+(?:-\S+[ \t]+)?[^\s(]*\([^)\s]*\)/m],
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
  if (name.startsWith('rsyncd') && name.endsWith('.conf')) return 'rsyncd';
  if (name === 'exports' || name.endsWith('.exports')) return 'exports';
  if (name.startsWith('ganesha') && name.endsWith('.conf')) return 'ganesha';
  return BY_CONTENT.find(([, test]) => (typeof test === 'function' ? test(text) : test.test(text)))?.[0];
}
