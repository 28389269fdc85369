/**
 * A simulated fleet: many DICOM SCPs in one process, each on its own loopback
 * address (127.1.0.0/16 and up), with a configurable mix of behaviours. For
 * benchmarks and scale tests; the lab's real servers remain the reference.
 *
 * The plan is deterministic: endpoint j of a group gets address
 * first + j·stride, port ports[j mod n], and a kind drawn from the mix by a
 * hash of j (a 'qr-open' one, 1–50 study matches by a hash of its address), so
 * the benchmark knows exactly what it should find.
 */
import net from 'node:net';
import { formatIpv4, parseIpv4 } from '../../scope/ipv4.ts';
import { serveScp, FLEET_KINDS, type FleetKind } from './scp.ts';

export interface FleetGroup {
  /** First address: must be in 127.0.0.0/8. */
  readonly first: string;
  readonly stride: number;
  readonly count: number;
  readonly ports: readonly number[];
  /** Relative weights of each kind. */
  readonly mix: Partial<Record<FleetKind, number>>;
  /** Simulated round-trip time of the group's endpoints: each answer leaves this long after its request (default 0). */
  readonly rttMs?: number;
}

export interface FleetConfig {
  readonly groups: readonly FleetGroup[];
  readonly aeTitle: string;
  readonly slowMs: number;
}

export interface FleetEndpoint {
  readonly ip: string;
  readonly port: number;
  readonly kind: FleetKind;
  readonly rttMs: number;
  /** Study matches its C-FIND returns: 1–50 for 'qr-open', 0 for every other kind. */
  readonly findMatches: number;
}

/** The most study matches a 'qr-open' endpoint returns. */
export const MAX_FIND_MATCHES = 50;

export class FleetError extends Error {
  override readonly name = 'FleetError';
}

/** A 32-bit integer hash (Wang): spreads kinds evenly without a random source. */
function hash(n: number): number {
  let x = n >>> 0;
  x = (x ^ 61) ^ (x >>> 16);
  x = (x + (x << 3)) >>> 0;
  x ^= x >>> 4;
  x = Math.imul(x, 0x27d4eb2d) >>> 0;
  x ^= x >>> 15;
  return x >>> 0;
}

export function* fleetEndpoints(config: FleetConfig): Generator<FleetEndpoint> {
  for (const g of config.groups) {
    const base = parseIpv4(g.first);
    if (base === undefined || base >>> 24 !== 127) throw new FleetError(`${g.first} is not a loopback address: the fleet only listens on 127.0.0.0/8`);
    if (g.rttMs !== undefined && !(Number.isInteger(g.rttMs) && g.rttMs >= 0 && g.rttMs <= 60_000)) throw new FleetError(`rttMs ${g.rttMs} is not a whole number of milliseconds from 0 to 60,000`);
    const weights = FLEET_KINDS.map((k) => g.mix[k] ?? 0);
    const total = weights.reduce((a, b) => a + b, 0);
    if (total <= 0) throw new FleetError('a fleet group needs a mix with at least one positive weight');
    for (let j = 0; j < g.count; j++) {
      const ip = base + j * g.stride;
      if (ip >>> 24 !== 127) throw new FleetError(`fleet group from ${g.first} runs past 127.255.255.255`);
      let pick = (hash(j) / 2 ** 32) * total;
      let kind: FleetKind = 'open';
      for (let k = 0; k < FLEET_KINDS.length; k++) {
        pick -= weights[k]!;
        if (pick < 0) {
          kind = FLEET_KINDS[k]!;
          break;
        }
      }
      const findMatches = kind === 'qr-open' ? 1 + (hash(ip) % MAX_FIND_MATCHES) : 0;
      yield { ip: formatIpv4(ip), port: g.ports[j % g.ports.length]!, kind, rttMs: g.rttMs ?? 0, findMatches };
    }
  }
}

export interface Fleet {
  readonly listening: number;
  readonly connections: () => number;
  close(): Promise<void>;
}

/** Starts listening for every endpoint that is not 'closed', in batches. */
export async function startFleet(config: FleetConfig): Promise<Fleet> {
  const servers: net.Server[] = [];
  let connections = 0;
  const pending: Promise<void>[] = [];
  const flush = async (): Promise<void> => {
    await Promise.all(pending);
    pending.length = 0;
  };
  try {
    for (const e of fleetEndpoints(config)) {
      if (e.kind === 'closed') continue;
      const behaviour = { kind: e.kind, aeTitle: config.aeTitle, slowMs: config.slowMs, rttMs: e.rttMs, findMatches: e.findMatches };
      const server = net.createServer({ noDelay: true }, (socket) => {
        connections++;
        serveScp(socket, behaviour);
      });
      servers.push(server);
      pending.push(
        new Promise<void>((resolve, reject) => {
          server.once('error', (err: NodeJS.ErrnoException) =>
            reject(new FleetError(err.code === 'EMFILE' ? `out of file descriptors after ${servers.length} listeners: raise "ulimit -n" (soft limit) or shrink the fleet` : `cannot listen on ${e.ip}:${e.port} (${err.code ?? err.message})`)),
          );
          server.listen({ host: e.ip, port: e.port, backlog: 511 }, () => resolve());
        }),
      );
      if (pending.length >= 500) await flush();
    }
    await flush();
  } catch (err) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    throw err;
  }
  return {
    listening: servers.length,
    connections: () => connections,
    close: () => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined),
  };
}
