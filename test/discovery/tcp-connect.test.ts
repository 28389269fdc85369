import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { discoverPorts } from '../../src/discovery/tcp-connect.ts';
import type { Dialer } from '../../src/net/dialer.ts';
import { NetError } from '../../src/net/errors.ts';

/** A dialer that fails each port with the given errors in turn, then connects. */
function scripted(plan: Record<number, NetError[]>): { dialer: Dialer; attempts: Map<number, number> } {
  const attempts = new Map<number, number>();
  const socket = async ({ port }: { port: number }): Promise<net.Socket> => {
    const n = attempts.get(port) ?? 0;
    attempts.set(port, n + 1);
    const err = plan[port]?.[n];
    if (err) throw err;
    return { destroy() {} } as unknown as net.Socket;
  };
  return { dialer: { socket, connect: () => Promise.reject(new Error('not used')) }, attempts };
}

const timeout = (): NetError => new NetError('connection-timeout', 'no answer');
const refused = (): NetError => new NetError('connection-refused', 'refused', 'ECONNREFUSED');

describe('TCP connect discovery', () => {
  it('tries a connect timeout again, and not a refusal', async () => {
    const { dialer, attempts } = scripted({ 104: [timeout()], 4242: [refused()], 11112: [timeout(), timeout()] });
    const r = await discoverPorts(dialer, '127.0.40.9', [104, 4242, 11112], { connectTimeoutMs: 100, retries: 1, signal: new AbortController().signal });
    assert.deepEqual(r, [
      { port: 104, state: 'open' },
      { port: 4242, state: 'closed' },
      { port: 11112, state: 'filtered' },
    ]);
    assert.deepEqual(Object.fromEntries(attempts), { 104: 2, 4242: 1, 11112: 2 });
  });

  it('does not retry without retries, and maps scope refusals', async () => {
    const { dialer, attempts } = scripted({ 104: [timeout()], 11112: [new NetError('out-of-scope', 'excluded')] });
    const r = await discoverPorts(dialer, '127.0.40.9', [104, 11112], { connectTimeoutMs: 100, signal: new AbortController().signal });
    assert.deepEqual(r.map((p) => p.state), ['filtered', 'out-of-scope']);
    assert.equal(attempts.get(104), 1);
  });
});
