/**
 * One basic-ftp client whose control socket and every data socket come from
 * the dialer: the library never opens a socket of its own here.
 */
import type { Client, FTPResponse } from 'basic-ftp';
import type { Dialer } from '../../net/dialer.ts';
import type { Endpoint } from '../../observation/observation.ts';
import { passiveThroughDialer } from './passive.ts';

let library: Promise<typeof import('basic-ftp')> | undefined;

/**
 * basic-ftp, imported with the first session rather than with the probe list:
 * ~15 MB resident and ~40 ms that `--help`, a dry run and a scan meeting no
 * FTP port never need.
 */
const basicFtp = (): Promise<typeof import('basic-ftp')> => (library ??= import('basic-ftp'));

export interface SessionOptions {
  readonly dialer: Dialer;
  readonly endpoint: Endpoint;
  readonly connectTimeoutMs: number;
  readonly ioTimeoutMs: number;
  /** Stops the session: its dial, and the client once open. No socket outlives the probe (its dialer cuts them, probe.ts). */
  readonly signal: AbortSignal;
  /** Largest directory listing accepted, in bytes. */
  readonly maxListingBytes: number;
  readonly onPassiveRefused: () => void;
}

export interface Opened {
  readonly client: Client;
  readonly welcome: FTPResponse;
}

/** Connects and reads the greeting (RFC 959 4.2: 220 ready, 120 ready in n minutes, 421 not available). */
export async function openSession(o: SessionOptions): Promise<Opened> {
  const { Client, FTPError } = await basicFtp();
  const client = new Client(o.ioTimeoutMs, { maxListingBytes: o.maxListingBytes });
  client.ftp.verbose = false;
  const socket = await o.dialer.socket(o.endpoint, { signal: o.signal, connectTimeoutMs: o.connectTimeoutMs });
  const onAbort = (): void => client.close();
  o.signal.addEventListener('abort', onAbort, { once: true });
  socket.once('close', () => o.signal.removeEventListener('abort', onAbort));
  client.ftp.socket = socket;
  client.prepareTransfer = passiveThroughDialer({
    dialer: o.dialer,
    ip: o.endpoint.ip,
    connectTimeoutMs: o.connectTimeoutMs,
    signal: o.signal,
    onRefused: o.onPassiveRefused,
  });
  try {
    // A greeting that is not 2xx, or none within the timeout, rejects here.
    const welcome = await client.ftp.handle(undefined, (res, task) => {
      if (res instanceof Error) task.reject(res);
      else if (res.code >= 200 && res.code < 300) task.resolve(res);
      else task.reject(new FTPError(res));
    });
    return { client, welcome };
  } catch (err) {
    client.close();
    throw err;
  }
}

export type LoginResult = { readonly ok: true } | { readonly ok: false; readonly code?: number };

/** USER/PASS (RFC 959 4.1.1); 230 in, 530 refused. */
export async function tryLogin(client: Client, user: string, password: string): Promise<LoginResult> {
  try {
    await client.login(user, password);
    return { ok: true };
  } catch (err) {
    const { FTPError } = await basicFtp(); // loaded already: the client came from openSession
    return err instanceof FTPError ? { ok: false, code: err.code } : { ok: false };
  }
}
