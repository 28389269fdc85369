/**
 * Passive-mode data connections opened through the dialer, only to the
 * control connection's own address.
 *
 * RFC 959 4.1.2 (PASV) lets the server name any host and port for the data
 * connection; RFC 2577 section 3 ("Protecting Against the Bounce Attack")
 * advises clients to refuse addresses other than the control peer's. EPSV
 * (RFC 2428 section 3) carries a port only. We send EPSV first, then PASV.
 */
import type { FTPContext, FTPResponse } from 'basic-ftp';
import type { Dialer } from '../../net/dialer.ts';

class PassiveRefused extends Error {
  override readonly name = 'PassiveRefused';
  constructor(readonly code: 'PASV_OTHER_HOST' | 'PASV_UNPARSABLE') {
    super(code === 'PASV_OTHER_HOST' ? 'the server named another host for the data connection (refused: FTP bounce, RFC 2577)' : 'the passive-mode reply could not be parsed');
  }
}

/** RFC 2428 3: "229 Entering Extended Passive Mode (|||6446|)"; the delimiter may be any printable character. */
export function parseEpsvPort(message: string): number | undefined {
  const m = /\((.)\1\1(\d{1,5})\1\)/.exec(message);
  if (!m) return undefined;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** RFC 959 4.1.2 / 4.2: "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)". */
export function parsePasv(message: string): { host: string; port: number } | undefined {
  const m = /(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/.exec(message);
  if (!m) return undefined;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  const port = o[4]! * 256 + o[5]!;
  return port >= 1 ? { host: o.slice(0, 4).join('.'), port } : undefined;
}

export interface PassiveOptions {
  readonly dialer: Dialer;
  /** The control connection's peer: the only address data connections may go to. */
  readonly ip: string;
  readonly connectTimeoutMs: number;
  readonly signal: AbortSignal;
  /** Called when a reply named another host, before the refusal is thrown. */
  readonly onRefused: () => void;
}

/** A basic-ftp TransferStrategy whose data socket comes from the dialer. */
export function passiveThroughDialer(options: PassiveOptions): (ftp: FTPContext) => Promise<FTPResponse> {
  let epsvWorks = true;
  return async (ftp) => {
    let res: FTPResponse | undefined;
    let port: number | undefined;
    if (epsvWorks) {
      try {
        res = await ftp.request('EPSV');
        port = parseEpsvPort(res.message);
      } catch {
        epsvWorks = false; // 500/502: not implemented; PASV next time and now
      }
    }
    if (port === undefined) {
      res = await ftp.request('PASV');
      const target = parsePasv(res.message);
      if (!target) throw new PassiveRefused('PASV_UNPARSABLE');
      if (target.host !== options.ip) {
        options.onRefused();
        throw new PassiveRefused('PASV_OTHER_HOST');
      }
      port = target.port;
    }
    const socket = await options.dialer.socket({ ip: options.ip, port }, { signal: options.signal, connectTimeoutMs: options.connectTimeoutMs });
    ftp.dataSocket = socket;
    return res!;
  };
}
