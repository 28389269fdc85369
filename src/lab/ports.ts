/**
 * Loopback-only TCP checks for the lab's own servers: is a port taken before
 * we start, is a server listening after.
 *
 * This is not the scanner's dialer (net/): the lab checks servers it started
 * itself, only on 127.0.0.0/8, which the scanner's scope excludes by default.
 * A readiness connect opens and closes TCP without an A-ASSOCIATE-RQ: DCMTK
 * servers log one harmless "Association Reject Failed" line for it and go on.
 */
import net from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { LabError } from './errors.ts';

/** 127.0.0.0/8 without its network and broadcast addresses. */
export function isLabAddress(ip: string): boolean {
  if (net.isIPv4(ip) === false) return false;
  const octets = ip.split('.').map(Number);
  return octets[0] === 127 && ip !== '127.0.0.0' && ip !== '127.255.255.255';
}

function assertLabAddress(ip: string): void {
  if (!isLabAddress(ip)) throw new LabError('bad-address', `${ip} is not a loopback address (127.0.0.0/8): the lab never listens or connects elsewhere`);
}

/** 'open' when something accepts a connection, 'closed' when refused, 'timeout' when nothing answers in time. */
export function probePort(ip: string, port: number, timeoutMs: number): Promise<'open' | 'closed' | 'timeout'> {
  assertLabAddress(ip);
  return new Promise((resolve) => {
    const socket = net.connect({ host: ip, port });
    const done = (result: 'open' | 'closed' | 'timeout'): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.once('connect', () => done('open'));
    socket.once('error', () => done('closed'));
  });
}

export async function assertPortFree(ip: string, port: number, what: string): Promise<void> {
  if ((await probePort(ip, port, 1_000)) === 'open') {
    throw new LabError(
      'port-in-use',
      `${ip}:${port} (${what}) is already in use: stop whatever listens there (a lab in another folder? \`exposure lab stop --dir …\`) or give the lab another 127.x address`,
    );
  }
}

/**
 * Waits until ip:port accepts a connection, with a short backoff between
 * attempts and a total deadline; fails at once if the server exits first.
 */
export async function waitForPort(ip: string, port: number, options: { timeoutMs: number; child: ChildProcess; what: string }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let exited = options.child.exitCode !== null || options.child.signalCode !== null;
  const onExit = (): void => {
    exited = true;
  };
  options.child.once('exit', onExit);
  try {
    let backoff = 50;
    for (;;) {
      if (exited) throw new LabError('not-ready', `${options.what} exited before listening on ${ip}:${port}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new LabError('not-ready', `${options.what} was not listening on ${ip}:${port} after ${options.timeoutMs} ms`);
      if ((await probePort(ip, port, Math.min(1_000, left))) === 'open') return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(backoff, Math.max(0, deadline - Date.now()))));
      backoff = Math.min(backoff * 2, 400);
    }
  } finally {
    options.child.off('exit', onExit);
  }
}

/**
 * A port nothing listens on at `ip` now, from the kernel (bind to port 0):
 * for a server that cannot be given port 0 itself (PostgreSQL). Another
 * process could take it before the server binds; the lab's 127.x addresses
 * are each caller's own, so nothing else is expected there.
 */
export function freePort(ip: string): Promise<number> {
  assertLabAddress(ip);
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (e) => reject(new LabError('port-in-use', `no free port on ${ip}: ${e.message}`)));
    server.listen(0, ip, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
