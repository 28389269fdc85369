/**
 * Child processes of the lab: spawned detached with their output in a log
 * file, identified by PID *and* kernel start time (so a recycled PID is never
 * signalled), stopped by process group with a bounded wait.
 *
 * Linux only: liveness and start time come from /proc/PID/stat.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { access, constants, open, readdir, readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { LabError } from './errors.ts';

export interface LabProcess {
  readonly pid: number;
  /** Field 22 of /proc/PID/stat (clock ticks since boot): tells a recycled PID apart. */
  readonly startTime: string;
}

export interface SpawnedServer extends LabProcess {
  readonly child: ChildProcess;
}

const INSTALL_HINT = 'run scripts/install-lab-deps.sh (as root) to install orthanc, orthanc-dicomweb and dcmtk';

/** Finds an executable on PATH, plus the sbin folders a non-root PATH may lack (Orthanc is in /usr/sbin). */
export async function findBinary(name: string): Promise<string> {
  const folders = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const folder of folders) {
    if (folder === '') continue;
    const candidate = join(folder, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here: try the next folder
    }
  }
  throw new LabError('binary-missing', `${name} was not found on PATH or in /usr/sbin: ${INSTALL_HINT}`);
}

async function readStat(pid: number): Promise<{ state: string; startTime: string } | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const state = rest[0];
    const startTime = rest[19];
    if (state === undefined || startTime === undefined) return undefined;
    return { state, startTime };
  } catch {
    return undefined;
  }
}

/** True while the very process we started runs (not a zombie, not a recycled PID). */
export async function isRunning(p: LabProcess): Promise<boolean> {
  const stat = await readStat(p.pid);
  // A zombie (Z) or dead (X) process has exited; where PID 1 does not reap, zombies linger.
  return stat !== undefined && stat.startTime === p.startTime && stat.state !== 'Z' && stat.state !== 'X';
}

/**
 * Starts a server in its own session and process group (detached), so a
 * short-lived CLI can leave it running and stop() can signal the group: that
 * also reaches the per-association children dcmqrscp forks.
 */
export async function spawnServer(
  binary: string,
  args: readonly string[],
  options: { cwd: string; logFile: string; env: NodeJS.ProcessEnv },
): Promise<SpawnedServer> {
  const log = await open(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(binary, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', log.fd, log.fd] });
  } finally {
    await log.close();
  }
  const pid = await new Promise<number>((resolve, reject) => {
    if (child.pid !== undefined) resolve(child.pid);
    child.once('error', (e) => reject(new LabError('spawn-failed', `could not start ${binary}: ${e.message}`)));
  });
  child.unref();
  const stat = await readStat(pid);
  if (stat === undefined) {
    throw new LabError('spawn-failed', `${binary} exited at once; see ${options.logFile}`);
  }
  return { pid, startTime: stat.startTime, child };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Resolves true once the process has exited, false at the deadline. A child
 * of this process signals its exit as an event; a process another run started
 * (stopLab from the CLI) can only be watched through /proc, with a short
 * backoff. The timer also keeps the event loop alive for an unref'd child.
 */
export async function waitForExit(p: LabProcess, timeoutMs: number, child?: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    let timer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([
      new Promise<boolean>((resolve) => child.once('exit', () => resolve(true))),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (exited) return true;
  }
  let backoff = 20;
  while (await isRunning(p)) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await sleep(Math.min(backoff, left));
    backoff = Math.min(backoff * 2, 250);
  }
  return true;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal); // the group led by pid: the server and anything it forked
  } catch {
    try {
      process.kill(pid, signal); // no group (should not happen for a detached child): the process alone
    } catch {
      // already gone
    }
  }
}

/** SIGTERM, a bounded wait, then SIGKILL and another bounded wait. Never signals a recycled PID. */
export async function stopProcess(p: LabProcess, child?: ChildProcess, graceMs = 10_000): Promise<void> {
  if (!(await isRunning(p))) return;
  signalGroup(p.pid, 'SIGTERM');
  if (await waitForExit(p, graceMs, child)) return;
  if (!(await isRunning(p))) return;
  signalGroup(p.pid, 'SIGKILL');
  if (!(await waitForExit(p, 5_000, child))) {
    throw new LabError('stop-failed', `process ${p.pid} did not exit after SIGKILL`);
  }
}

/**
 * Processes other than this one whose command line names a path inside one of
 * `folders` (a server's own folder: its configuration, its log). A server's
 * helpers that left its process group show up here: Samba's smbd starts
 * samba-dcerpcd on demand, which calls setsid() and takes its rpcd_* workers
 * with it, so signalling smbd's group never reaches them.
 */
export async function processesUnder(folders: readonly string[]): Promise<LabProcess[]> {
  const prefixes = folders.map((f) => (f.endsWith('/') ? f : `${f}/`));
  let pids: number[];
  try {
    pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return [];
  }
  const found: LabProcess[] = [];
  for (const pid of pids) {
    if (pid === process.pid) continue;
    let args: string[];
    try {
      args = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    } catch {
      continue; // exited while we looked
    }
    if (!args.some((arg) => prefixes.some((prefix) => arg.includes(prefix)))) continue;
    const stat = await readStat(pid);
    if (stat === undefined || stat.state === 'Z' || stat.state === 'X') continue;
    found.push({ pid, startTime: stat.startTime });
  }
  return found;
}

/**
 * Stops whatever still runs from `folders` once the servers themselves are
 * stopped: each straggler's group (a helper that called setsid() leads one,
 * holding its own workers), with the same bounded waits as a server.
 */
export async function stopStragglers(folders: readonly string[], graceMs = 5_000): Promise<number> {
  const left = await processesUnder(folders);
  const results = await Promise.allSettled(left.map((p) => stopProcess(p, undefined, graceMs)));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []));
  if (failures.length > 0) throw new LabError('stop-failed', failures.join('; '));
  return left.length;
}

/** Runs a client tool to completion with a deadline; output goes to a log file, never to our stdout. */
export async function runTool(
  binary: string,
  args: readonly string[],
  options: { cwd: string; logFile: string; timeoutMs: number },
): Promise<number> {
  const log = await open(options.logFile, 'a');
  try {
    const child = spawn(binary, args, { cwd: options.cwd, stdio: ['ignore', log.fd, log.fd] });
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new LabError('tool-timeout', `${binary} did not finish within ${options.timeoutMs} ms; see ${options.logFile}`));
      }, options.timeoutMs);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new LabError('spawn-failed', `could not run ${binary}: ${e.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve(code ?? (signal === null ? 1 : 128));
      });
    });
  } finally {
    await log.close();
  }
}

/** The last lines of a log file, for an error message that says why a server died. */
export async function logTail(path: string, lines = 8): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
