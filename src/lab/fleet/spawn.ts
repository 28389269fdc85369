/**
 * Starts the fleet in a child process with its file-descriptor soft limit
 * raised to the hard limit (`ulimit -n` in the shell that execs Node: Node
 * itself cannot call setrlimit). Ten thousand listeners plus the connections
 * in flight need more than the usual soft limit of 1024.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FleetConfig } from './fleet.ts';
import { FleetError } from './fleet.ts';

export interface FleetProcess {
  readonly child: ChildProcess;
  readonly listening: number;
  connections(): Promise<number>;
  stop(): Promise<void>;
}

export function spawnFleet(config: FleetConfig, timeoutMs = 120_000): Promise<FleetProcess> {
  // Compiled (dist/) or run from the sources through tsx: the child runs the same way this module does.
  const compiled = import.meta.url.endsWith('.js');
  const main = fileURLToPath(new URL(compiled ? './main.js' : './main.ts', import.meta.url));
  const loader = compiled ? '' : ' --import tsx';
  const child = fork(main, [JSON.stringify(config)], {
    execPath: '/bin/sh',
    // sh -c 'ulimit -n "$(ulimit -Hn)"; exec node …': raises the soft limit within the hard limit.
    execArgv: ['-c', `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0"${loader} "$@"`, process.execPath],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new FleetError(`the fleet did not start within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new FleetError(`the fleet exited with code ${code} before it was ready`));
    });
    child.once('message', (m: unknown) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const listening = (m as { listening: number }).listening;
      resolve({
        child,
        listening,
        connections: () =>
          new Promise((res) => {
            child.once('message', (s: unknown) => res((s as { connections: number }).connections));
            child.send('stats');
          }),
        stop: () =>
          new Promise<void>((res) => {
            if (child.exitCode !== null) return res();
            const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
            child.once('exit', () => {
              clearTimeout(kill);
              res();
            });
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
