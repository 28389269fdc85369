/**
 * A scripted FTP server with passive data connections (RFC 959, EPSV from RFC 2428),
 * for tests of what a hostile server does with time: how it greets, and what the
 * data connection of a RETR carries. Anonymous login is accepted; LIST sends the
 * script's listing. Every server it opens listens on the given loopback address,
 * port 0, and is closed by `close()`.
 */
import net from 'node:net';
import { TestPeers } from '../../net/peers.ts';

export interface FtpScript {
  /** Writes the greeting (at once by default). */
  readonly greet?: (control: net.Socket) => void;
  /** LIST output, Unix style, one entry per line. */
  readonly listing: string;
  /** What happens on a RETR once the data connection is open. */
  readonly retr: (data: net.Socket, control: net.Socket) => void;
}

export interface ScriptedFtp {
  readonly port: number;
  /** Control connections accepted. */
  readonly connections: () => number;
  readonly close: () => Promise<void>;
}

/** A Unix LIST line for a file of `size` bytes. */
export function listLine(name: string, size: number): string {
  return `-rw-r--r--    1 ftp      ftp      ${size} Jan 01 00:00 ${name}\r\n`;
}

/** Writes `bytes` one at a time, every `everyMs`, until the socket closes. */
export function drip(socket: net.Socket, bytes: Buffer, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= bytes.length) return clearInterval(timer);
    socket.write(bytes.subarray(i, ++i));
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

export async function scriptedFtp(host: string, script: FtpScript): Promise<ScriptedFtp> {
  const peers = new TestPeers();
  let connections = 0;
  const control = net.createServer((s) => {
    connections += 1;
    let data: Promise<net.Socket> | undefined;
    /** EPSV (RFC 2428 3): a data server of its own for the next transfer. */
    const passive = async (): Promise<number> => {
      let accept!: (d: net.Socket) => void;
      data = new Promise((resolve) => (accept = resolve));
      const server = net.createServer((d) => accept(d));
      return peers.listen(server, host);
    };
    const transfer = (run: (d: net.Socket) => void): void => {
      const pending = data;
      data = undefined;
      if (!pending) return void s.write('425 Use EPSV first\r\n');
      s.write('150 Opening data connection\r\n');
      void pending.then(run);
    };
    (script.greet ?? ((c) => c.write('220 Scripted FTP ready\r\n')))(s);
    s.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('latin1').split('\r\n').filter(Boolean)) {
        const cmd = (line.split(' ')[0] ?? '').toUpperCase();
        if (cmd === 'USER') s.write('331 Password required\r\n');
        else if (cmd === 'PASS') s.write('230 Logged in\r\n');
        else if (cmd === 'FEAT') s.write('211-Features\r\n UTF8\r\n211 End\r\n');
        else if (cmd === 'EPSV') void passive().then((port) => s.write(`229 Entering Extended Passive Mode (|||${port}|)\r\n`));
        else if (cmd === 'LIST') transfer((d) => d.end(script.listing, () => s.write('226 Transfer complete\r\n')));
        else if (cmd === 'RETR') transfer((d) => script.retr(d, s));
        else if (cmd === 'QUIT') s.end('221 Bye\r\n');
        else s.write('200 OK\r\n');
      }
    });
  });
  const port = await peers.listen(control, host);
  return { port, connections: () => connections, close: () => peers.close() };
}
