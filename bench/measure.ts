/** Helpers for the benchmark: run a child to completion, timing it and sampling its peak RSS and CPU time. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ChildFigures {
  readonly seconds: number;
  /** Peak resident set (VmHWM) of the child, MB; 0 when it could not be read. */
  readonly peakRssMb: number;
  /** CPU seconds (user + system) of the child, as last sampled before it exited (within 50 ms). */
  readonly cpuSeconds: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

function vmHwmKb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs `command args` with its open-files soft limit raised to the hard limit
 * by the shell that execs it (same pid: the figures are the command's own).
 * So exposure never needs to run itself again under a raised limit, which
 * would leave a wrapper process here and the scanner one level down.
 */
export function runChild(command: string, args: readonly string[], timeoutMs: number): Promise<ChildFigures> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn('/bin/sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    let cpu = 0;
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-100_000)));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-100_000)));
    // VmHWM is the kernel's own high-water mark: sampling only has to catch it before exit.
    // `bin/exposure.js` runs some commands once more under other node flags: the figures are
    // those of the largest process of the tree (peak RSS) and of the whole tree (CPU).
    const cpuByPid = new Map<number, number>();
    const sampler = setInterval(() => {
      for (const pid of processTree(child.pid!)) {
        peak = Math.max(peak, vmHwmKb(pid));
        cpuByPid.set(pid, Math.max(cpuByPid.get(pid) ?? 0, cpuSeconds(pid)));
      }
      cpu = [...cpuByPid.values()].reduce((a, b) => a + b, 0);
    }, 50);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', (code) => {
      clearInterval(sampler);
      clearTimeout(timer);
      resolve({ seconds: (performance.now() - t0) / 1000, peakRssMb: peak / 1024, cpuSeconds: cpu, code, stdout, stderr, timedOut });
    });
  });
}

/** A process and its descendants, from /proc/PID/task/TID/children. */
export function processTree(root: number): number[] {
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0 && out.length < 64) {
    const pid = queue.shift()!;
    out.push(pid);
    try {
      for (const task of readdirSync(`/proc/${pid}/task`)) {
        const kids = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
        if (kids) queue.push(...kids.split(/\s+/).map(Number));
      }
    } catch {
      // The process has exited.
    }
  }
  return out;
}

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks at 100 Hz). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of proc(5), counted from after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

export interface TimeFigures {
  readonly seconds: number;
  readonly maxRssMb: number;
  readonly code: number | null;
}

/**
 * `/usr/bin/time -f '%e %M' command args`: wall time and maximum RSS as the
 * kernel counts them at exit, for processes too short for runChild's sampling.
 */
export function timeChild(command: string, args: readonly string[], timeoutMs: number): Promise<TimeFigures> {
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/time', ['-f', 'TIME %e %M', command, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-10_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', () => resolve({ seconds: NaN, maxRssMb: NaN, code: null }));
    child.once('exit', (code) => {
      clearTimeout(timer);
      const m = /TIME ([\d.]+) (\d+)/.exec(stderr);
      resolve({ seconds: m ? Number(m[1]) : NaN, maxRssMb: m ? Number(m[2]) / 1024 : NaN, code });
    });
  });
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
