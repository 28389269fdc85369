/**
 * Hostile peers, in the process that starts them: each persona of the
 * catalogue (personas.ts) listens on its own loopback address and its
 * protocol's standard port, and plays its script on every connection it
 * accepts. For tests and the soak benchmark: `startHostile` then `stop`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { formatIpv4, parseIpv4 } from '../../scope/ipv4.ts';
import { makeSelfSigned } from '../certificate.ts';
import { LabError } from '../errors.ts';
import { isLabAddress } from '../ports.ts';
import type { DataChannel } from './ftp.ts';
import { PERSONAS, type ConnectionContext, type Persona, type PersonaProtocol } from './personas.ts';
import { Peer, play } from './script.ts';
import { HOSTILE_TEXT } from './strings.ts';

export { HOSTILE_TEXT } from './strings.ts';
export { OUT_OF_SCOPE } from './personas.ts';

export interface HostileOptions {
  /** Persona i of the catalogue (of `only`, in catalogue order) listens on this address + i; 127.0.0.0/8 only. */
  readonly first: string;
  readonly only?: readonly string[];
  /** Gap between dripped bytes (default 1000 ms: one byte a second). */
  readonly dripEveryMs?: number;
}

export interface RunningPersona {
  readonly name: string;
  readonly protocol: PersonaProtocol;
  readonly ip: string;
  readonly port: number;
  readonly shows: string;
}

export interface HostilePeers {
  readonly personas: readonly RunningPersona[];
  /** Connections accepted so far, data connections included. */
  connections(): number;
  stop(): Promise<void>;
}

/** How long a connection whose script has ended may take to close before it is destroyed. */
const LINGER_MS = 1000;
/** How long a data listener waits for the client's data connection before the transfer is abandoned. */
const DATA_CONNECT_WAIT_MS = 10_000;

/** Every listener and socket of the peers, so that stop() leaves nothing open. */
class Sockets {
  readonly servers = new Set<net.Server>();
  readonly sockets = new Set<net.Socket>();
  accepted = 0;

  /** `counted`: false for the TCP socket under a TLS one, which is the same connection. */
  adopt(socket: net.Socket, counted = true): void {
    if (counted) this.accepted += 1;
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => this.sockets.delete(socket));
  }

  async listen(server: net.Server, ip: string, port: number): Promise<number> {
    this.servers.add(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(new LabError('port-in-use', `a hostile peer cannot listen on ${ip}:${port} (${err.code ?? err.message})`)));
      server.listen({ host: ip, port }, () => resolve());
    });
    return (server.address() as net.AddressInfo).port;
  }

  async close(server: net.Server): Promise<void> {
    this.servers.delete(server);
    await new Promise((resolve) => server.close(resolve));
  }

  async closeAll(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all([...this.servers].map((s) => this.close(s)));
  }
}

/** A listener on `ip`, port 0, handing out the connections it accepts in order; closed with `control`. */
async function dataChannel(sockets: Sockets, ip: string, control: net.Socket): Promise<DataChannel> {
  const queued: net.Socket[] = [];
  const waiting: ((s: net.Socket | undefined) => void)[] = [];
  const server = net.createServer((socket) => {
    sockets.adopt(socket);
    const next = waiting.shift();
    if (next) next(socket);
    else queued.push(socket);
  });
  const port = await sockets.listen(server, ip, 0);
  control.once('close', () => {
    for (const s of queued) s.destroy();
    for (const w of waiting.splice(0)) w(undefined);
    void sockets.close(server);
  });
  return {
    port,
    next: () => {
      const ready = queued.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(done), 1);
          resolve(undefined);
        }, DATA_CONNECT_WAIT_MS);
        const done = (s: net.Socket | undefined): void => {
          clearTimeout(timer);
          resolve(s);
        };
        waiting.push(done);
      });
    },
  };
}

function serveConnection(persona: Persona, socket: net.Socket, sockets: Sockets, ip: string, dripEveryMs: number): void {
  sockets.adopt(socket);
  const ctx: ConnectionContext = { dripEveryMs, dataChannel: () => dataChannel(sockets, ip, socket) };
  const peer = new Peer(socket);
  // A script ends when its steps do or its peer goes; then the connection goes too: a FIN after
  // what was written, and the socket freed a little later whatever the peer does.
  const finish = (): void => {
    if (!socket.destroyed) socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
  void play(peer, persona.script(ctx)).then(finish, finish);
}

/** The TLS personas' certificate: its subject is hostile text (markup, a formula, terminal escapes). */
async function hostileCertificate(dir: string): Promise<{ key: Buffer; cert: Buffer }> {
  const pair = await makeSelfSigned(
    dir,
    [
      ['CN', HOSTILE_TEXT.markup],
      ['O', HOSTILE_TEXT.formula],
      ['OU', HOSTILE_TEXT.terminal],
    ],
    { days: 2, key: 'ec' },
  );
  return { key: await readFile(pair.key), cert: await readFile(pair.cert) };
}

export async function startHostile(options: HostileOptions): Promise<HostilePeers> {
  const chosen = options.only === undefined ? PERSONAS : PERSONAS.filter((p) => options.only?.includes(p.name));
  const unknown = (options.only ?? []).filter((n) => !PERSONAS.some((p) => p.name === n));
  if (unknown.length > 0) throw new LabError('bad-option', `unknown hostile persona ${unknown.join(', ')} (known: ${PERSONAS.map((p) => p.name).join(', ')})`);
  const base = parseIpv4(options.first);
  if (base === undefined || !isLabAddress(options.first) || !isLabAddress(formatIpv4(base + chosen.length - 1))) {
    throw new LabError('bad-address', `${options.first} and the ${chosen.length - 1} addresses after it must be in 127.0.0.0/8: hostile peers only listen on loopback`);
  }
  const dripEveryMs = options.dripEveryMs ?? 1000;
  const sockets = new Sockets();
  let certDir: string | undefined;
  const running: RunningPersona[] = [];
  try {
    let certificate: { key: Buffer; cert: Buffer } | undefined;
    if (chosen.some((p) => p.tls)) {
      certDir = await mkdtemp(join(tmpdir(), 'exposure-hostile-'));
      certificate = await hostileCertificate(certDir);
    }
    for (const [i, persona] of chosen.entries()) {
      const ip = formatIpv4(base + i);
      const onSocket = (socket: net.Socket): void => serveConnection(persona, socket, sockets, ip, dripEveryMs);
      // A TLS client that gives up mid-handshake is an ordinary end here.
      const server = persona.tls && certificate ? tls.createServer({ ...certificate }, onSocket).on('tlsClientError', () => undefined) : net.createServer(onSocket);
      if (persona.tls) server.on('connection', (raw: net.Socket) => sockets.adopt(raw, false));
      await sockets.listen(server, ip, persona.port);
      running.push({ name: persona.name, protocol: persona.protocol, ip, port: persona.port, shows: persona.shows });
    }
  } catch (err) {
    await sockets.closeAll();
    if (certDir) await rm(certDir, { recursive: true, force: true });
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    personas: running,
    connections: () => sockets.accepted,
    stop: () =>
      (stopped ??= (async () => {
        await sockets.closeAll();
        if (certDir) await rm(certDir, { recursive: true, force: true });
      })()),
  };
}
