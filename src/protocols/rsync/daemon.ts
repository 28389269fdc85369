/**
 * The text half of the rsync daemon protocol (rsync's csprotocol.txt and
 * clientserver.c), on TCP port 873: each side sends "@RSYNCD: <version>.<sub>",
 * the client names a module (an empty line asks for the module list), and the
 * daemon answers with lines: a message of the day, "@RSYNCD: OK", "@RSYNCD:
 * AUTHREQD <challenge>", "@ERROR: …" or, after a list, "@RSYNCD: EXIT".
 * Then the client sends its arguments and the binary protocol begins.
 *
 * Pure: lines in, meanings out. Reading lines from a socket, with their caps,
 * is the probe's.
 */

/** The protocol version we announce: rsync 3.1's; the session runs on the lower of ours and the daemon's. */
const OUR_PROTOCOL = 31;
/** The oldest version whose file list we decode (rsync 2.6.0; s2length in the sum head). */
export const MIN_WALK_PROTOCOL = 27;

/** An rsync daemon line is at most BIGPATHBUFLEN (MAXPATHLEN + 1024) in rsync itself: longer is not rsync. */
export const MAX_LINE_BYTES = 4096 + 1024;

export interface Greeting {
  readonly version: number;
  readonly sub: number;
}

const GREETING = /^@RSYNCD: (\d{1,4})(?:\.(\d{1,4}))?(?: .*)?$/;

/** The daemon's first line, or undefined when it is not an rsync greeting. */
export function parseGreeting(line: string): Greeting | undefined {
  const m = GREETING.exec(line);
  if (!m) return undefined;
  return { version: Number(m[1]), sub: m[2] === undefined ? 0 : Number(m[2]) };
}

export function encodeGreeting(version = OUR_PROTOCOL): Buffer {
  return Buffer.from(`@RSYNCD: ${version}.0\n`, 'latin1');
}

/** The version both sides speak (clientserver.c: each takes the lower). */
export function sessionProtocol(peer: Greeting): number {
  return Math.min(peer.version, OUR_PROTOCOL);
}

/** What one line after a module request (or a list request) says. */
export type DaemonLine =
  | { readonly kind: 'ok' }
  | { readonly kind: 'auth-required' }
  | { readonly kind: 'error' }
  | { readonly kind: 'exit' }
  /** A module list line: "%-15s\t%s" (clientserver.c send_listing), the name without its padding. */
  | { readonly kind: 'module'; readonly name: string }
  /** Anything else: the message of the day, free text, read and dropped. */
  | { readonly kind: 'text' };

export function classifyLine(line: string): DaemonLine {
  if (line === '@RSYNCD: OK') return { kind: 'ok' };
  if (line.startsWith('@RSYNCD: AUTHREQD')) return { kind: 'auth-required' };
  if (line === '@RSYNCD: EXIT') return { kind: 'exit' };
  if (line.startsWith('@ERROR')) return { kind: 'error' };
  const tab = line.indexOf('\t');
  if (tab > 0) {
    const name = line.slice(0, tab).trimEnd();
    if (name.length > 0 && !name.includes(' ')) return { kind: 'module', name };
  }
  return { kind: 'text' };
}

/** The module request: its name alone on a line; an empty line asks for the list (clientserver.c start_daemon). */
export function encodeModuleRequest(module: string): Buffer {
  return Buffer.from(`${module}\n`, 'latin1');
}

/**
 * The server's arguments (clientserver.c read_args): NUL-terminated from
 * protocol 30 on, newline-terminated before, an empty one ending the list.
 * No "-e" capability string is sent, so the daemon uses no incremental
 * recursion and no varint flags: one file list, flags as bytes.
 */
export function encodeArguments(args: readonly string[], protocol: number): Buffer {
  const end = protocol >= 30 ? '\0' : '\n';
  return Buffer.from(`${args.map((a) => `${a}${end}`).join('')}${end}`, 'latin1');
}

/**
 * What the sender is asked for. Only -r: no -l, -o, -g, -D, -H or -c, so the
 * file list carries no link targets, owners, devices, hard links or checksums,
 * and the entries hold a name, a length, a time and a mode.
 */
export function listArguments(module: string): string[] {
  return ['--server', '--sender', '-r', '.', `${module}/`];
}

/** One file, no recursion: a file list of one entry, then its data on request. */
export function fileArguments(module: string, path: readonly string[]): string[] {
  return ['--server', '--sender', '.', `${module}/${path.join('/')}`];
}
