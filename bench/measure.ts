/** Helpers for the benchmark: run a child to completion, timing it and sampling its peak RSS. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ChildFigures {
  readonly seconds: number;
  /** Peak resident set (VmHWM) of the child, MB; 0 when it could not be read. */
  readonly peakRssMb: number;
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

export function runChild(command: string, args: readonly string[], timeoutMs: number): Promise<ChildFigures> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-100_000)));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-100_000)));
    // VmHWM is the kernel's own high-water mark: sampling only has to catch it before exit.
    const sampler = setInterval(() => (peak = Math.max(peak, vmHwmKb(child.pid!))), 50);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', (code) => {
      clearInterval(sampler);
      clearTimeout(timer);
      resolve({ seconds: (performance.now() - t0) / 1000, peakRssMb: peak / 1024, code, stdout, stderr, timedOut });
    });
  });
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
