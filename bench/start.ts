/**
 * Start-up: a bare start (`--help`, a one-address dry run) in wall time and
 * RSS, the time from launching a scan to its first packet, and the peak RSS of
 * a dry run over a million targets.
 */
import net from 'node:net';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI, mb, type Bench } from './common.ts';
import { median, runChild, timeChild } from './measure.ts';

const RUNS = 5;

async function bareStart(bench: Bench, args: readonly string[]): Promise<void> {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await timeChild(process.execPath, [CLI, ...args], 30_000));
  const failed = runs.filter((r) => r.code !== 0).length;
  bench.row(
    `bare start \`node bin/exposure.js ${args.join(' ')}\` (median of ${RUNS}, /usr/bin/time)`,
    `${(median(runs.map((r) => r.seconds)) * 1000).toFixed(0)} ms (target < 300 ms), RSS ${mb(median(runs.map((r) => r.maxRssMb)))} (target < 60 MB)${failed ? `; ${failed} runs failed` : ''}`,
  );
}

/** Milliseconds from spawning `exposure scan` to its first connection reaching a listener. */
async function firstPacketMs(bench: Bench, i: number): Promise<number | undefined> {
  const server = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, bench.firstPacketHost, resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, 'scan', bench.firstPacketHost, '--ports', String(port), '--db', join(bench.dir, `first-packet-${i}.db`), '--quiet'], { stdio: 'ignore' });
    const first = await new Promise<number | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 10_000);
      server.once('connection', () => {
        clearTimeout(timer);
        resolve(performance.now() - t0);
      });
      child.once('exit', () => resolve(undefined));
    });
    child.kill('SIGKILL');
    return first;
  } finally {
    server.close();
  }
}

export async function startPiece(bench: Bench): Promise<void> {
  await bareStart(bench, ['--help']);
  await bareStart(bench, ['scan', '127.0.0.1', '--dry-run']);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const ms = await firstPacketMs(bench, i);
    if (ms !== undefined) times.push(ms);
  }
  bench.row(`startup to first packet, \`exposure scan ADDRESS --ports PORT\` (median of ${RUNS})`, times.length ? `${median(times).toFixed(0)} ms (target < 300 ms)` : 'no connection arrived');
  const million = await runChild(process.execPath, [CLI, 'scan', '10.0.0.0/12', '--dry-run', '--seed', '1'], 300_000);
  bench.row(
    'peak RSS, `exposure scan 10.0.0.0/12 --dry-run` (1,048,576 targets, the whole permutation walked)',
    `${mb(million.peakRssMb)} in ${million.seconds.toFixed(1)} s${million.code === 0 ? '' : ` (exit ${million.code})`}`,
  );
}
