import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { discoverPorts, releaseAll } from '../../src/discovery/tcp-connect.ts';
import { createDialer, type ParkedSocket, type ParkingDialer } from '../../src/net/dialer.ts';
import { NetError } from '../../src/net/errors.ts';

/** A dialer that fails each port with the given errors in turn, then connects. */
function scripted(plan: Record<number, NetError[]>): { dialer: ParkingDialer; attempts: Map<number, number> } {
  const attempts = new Map<number, number>();
  const park = async (endpoint: { ip: string; port: number }): Promise<ParkedSocket> => {
    const n = attempts.get(endpoint.port) ?? 0;
    attempts.set(endpoint.port, n + 1);
    const err = plan[endpoint.port]?.[n];
    if (err) throw err;
    return { endpoint } as unknown as ParkedSocket;
  };
  const unused = (): Promise<never> => Promise.reject(new Error('not used'));
  return { dialer: { park, socket: unused, connect: unused }, attempts };
}

const IDLE = { parkedIdleMs: 1000 };

const timeout = (): NetError => new NetError('connection-timeout', 'no answer');
const refused = (): NetError => new NetError('connection-refused', 'refused', 'ECONNREFUSED');

describe('TCP connect discovery', () => {
  it('tries a connect timeout again, and not a refusal', async () => {
    const { dialer, attempts } = scripted({ 104: [timeout()], 4242: [refused()], 11112: [timeout(), timeout()] });
    const r = await discoverPorts(dialer, '127.0.40.9', [104, 4242, 11112], { connectTimeoutMs: 100, retries: 1, signal: new AbortController().signal, ...IDLE });
    assert.deepEqual(r, [
      { port: 104, state: 'open', parked: { endpoint: { ip: '127.0.40.9', port: 104 } } },
      { port: 4242, state: 'closed' },
      { port: 11112, state: 'filtered' },
    ]);
    assert.deepEqual(Object.fromEntries(attempts), { 104: 2, 4242: 1, 11112: 2 });
  });

  it('does not retry without retries, and maps scope refusals', async () => {
    const { dialer, attempts } = scripted({ 104: [timeout()], 11112: [new NetError('out-of-scope', 'excluded')] });
    const r = await discoverPorts(dialer, '127.0.40.9', [104, 11112], { connectTimeoutMs: 100, signal: new AbortController().signal, ...IDLE });
    assert.deepEqual(r.map((p) => p.state), ['filtered', 'out-of-scope']);
    assert.equal(attempts.get(104), 1);
  });
});

describe('TCP connect discovery through the real dialer', () => {
  // Three listening ports on 127.0.91.20 (OS-chosen), one host.
  const HOST = '127.0.91.20';
  const servers: net.Server[] = [];
  const accepted: net.Socket[] = [];
  after(async () => {
    for (const s of accepted) s.destroy();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('holds a per-host slot for each connect and gives it back once the connection is parked', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      // Accepted connections stay open: only the client's close may free its slot.
      const server = net.createServer((s) => {
        s.on('error', () => undefined);
        accepted.push(s);
      });
      servers.push(server);
      await new Promise<void>((r) => server.listen(0, HOST, r));
      ports.push((server.address() as net.AddressInfo).port);
    }
    const dialer = createDialer({ scope: { check: () => ({ allowed: true }) }, connectTimeoutMs: 2000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0, perHostLimit: 1 });
    // The only slot to the host is taken: discovery must wait for it.
    const holder = await dialer.socket({ ip: HOST, port: ports[0]! });
    let done = false;
    const found = discoverPorts(dialer, HOST, ports, { connectTimeoutMs: 2000, signal: AbortSignal.timeout(10_000), ...IDLE }).then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(done, false, 'discovery waited for the host slot');
    holder.destroy();
    // One slot, three ports: each connect must hand the slot back for the next to run.
    const r = await found;
    assert.deepEqual(r.map((p) => p.state), ['open', 'open', 'open']);
    // Three connections parked, none holding the slot: a fourth connect gets it at once.
    const fourth = await dialer.socket({ ip: HOST, port: ports[0]! }, { signal: AbortSignal.timeout(500) });
    fourth.destroy();
    releaseAll(r);
  });
});
