/**
 * FTP scripts of the hostile peers (RFC 959): a control connection that
 * logs anyone in, and data connections whose content is a script of its own
 * (a listing, a file dripping a byte at a time, a listing that never ends).
 */
import type net from 'node:net';
import type { Step } from './script.ts';

/** Where a data connection goes: EPSV to a listener of our own (RFC 2428), or a PASV reply naming another host (RFC 959 4.1.2). */
export type Passive = { readonly kind: 'epsv' } | { readonly kind: 'pasv-elsewhere'; readonly host: string; readonly port: number };

export interface FtpScript {
  /** The 220 greeting's text. */
  readonly banner: string;
  readonly passive: Passive;
  /** What a LIST (or NLST, MLSD) sends on the data connection. */
  readonly listing: readonly Step[];
  /** What a RETR sends on the data connection. */
  readonly file: readonly Step[];
}

/** A listener for this control connection's data connections: the next one accepted, or undefined after a while. */
export interface DataChannel {
  readonly port: number;
  next(): Promise<net.Socket | undefined>;
}

const CRLF = '\r\n';
const reply = (text: string): Step => ({ send: `${text}${CRLF}` });

/** Lines of a LIST in the Unix `ls -l` form every client parses. */
export function listLine(name: string, size: number): string {
  return `-rw-r--r--    1 ftp      ftp      ${String(size).padStart(10)} Jan 01 00:00 ${name}${CRLF}`;
}

/** `count` LIST lines, a thousand to a chunk: a listing far past any client's cap, made as it is read. */
export function* listingLines(count: number): Generator<Buffer> {
  const perChunk = 1000;
  for (let first = 0; first < count; first += perChunk) {
    let chunk = '';
    for (let i = first; i < Math.min(count, first + perChunk); i++) chunk += listLine(`IM${String(i).padStart(7, '0')}.dcm`, 1024);
    yield Buffer.from(chunk, 'latin1');
  }
}

/**
 * The control connection: greeting, then every command answered at once.
 * `open` makes this connection's data listener when a client asks for EPSV.
 */
export function ftpControl(script: FtpScript, open: () => Promise<DataChannel>): Step[] {
  let channel: Promise<DataChannel> | undefined;
  const transfer = async (steps: readonly Step[]): Promise<readonly Step[]> => {
    if (!channel) return [reply('425 Use EPSV first.')];
    const data = await channel;
    return [reply('150 Opening data connection.'), { over: () => data.next(), steps }, reply('226 Transfer complete.')];
  };
  const answer = async (line: Buffer): Promise<readonly Step[]> => {
    const command = (line.toString('latin1').trim().split(' ')[0] ?? '').toUpperCase();
    switch (command) {
      case 'USER':
        return [reply('331 Any password will do.')];
      case 'PASS':
        return [reply('230 Login successful.')];
      case 'FEAT':
        return [reply(`211-Features:${CRLF} UTF8${CRLF}211 End`)];
      case 'SYST':
        return [reply('215 UNIX Type: L8')];
      case 'PWD':
        return [reply('257 "/" is the current directory')];
      case 'CWD':
        return [reply('250 Directory changed.')];
      case 'TYPE':
      case 'STRU':
      case 'MODE':
      case 'OPTS':
        return [reply('200 OK.')];
      case 'EPSV':
        if (script.passive.kind !== 'epsv') return [reply('500 EPSV not understood.')];
        channel ??= open();
        return [reply(`229 Entering Extended Passive Mode (|||${(await channel).port}|)`)];
      case 'PASV': {
        if (script.passive.kind !== 'pasv-elsewhere') return [reply('502 Use EPSV.')];
        const { host, port } = script.passive;
        return [reply(`227 Entering Passive Mode (${host.replace(/\./g, ',')},${port >> 8},${port & 0xff}).`)];
      }
      case 'LIST':
      case 'NLST':
      case 'MLSD':
        return transfer(script.listing);
      case 'RETR':
        return transfer(script.file);
      case 'QUIT':
        return [reply('221 Goodbye.'), { close: true }];
      default:
        return [reply('502 Command not implemented.')];
    }
  };
  return [reply(`220 ${script.banner}`), { serve: { line: true }, answer }];
}
