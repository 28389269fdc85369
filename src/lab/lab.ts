/**
 * The loopback lab: real DICOM servers (Orthanc, DCMTK dcmqrscp, storescp and wlmscpfs)
 * on their standard ports, each pinned to its own 127.x address, holding
 * synthetic canary studies, and on request honeypot personas beside them
 * (honeypots.ts). Used by `make demo` and by integration tests,
 * which compare what a scan finds with each server's `expected`.
 *
 * Servers run as detached children (a short-lived CLI can leave them running)
 * and are stopped by PID, from this process (`lab.stop()`) or any other
 * (`stopLab(dir)`, which reads DIR/lab.json).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SET_A, SET_B, writeStudySet, type PlanCounts, type WrittenStudySet } from './canary.ts';
import { launchDcmqrscp, launchStorescp, loadDcmqrscp } from './dcmtk.ts';
import { launchStorescpTls } from './dcmtk-tls.ts';
import { launchPlainWeb } from './web-plain.ts';
import { checkWlmscpfs, launchWlmscpfs } from './wlmscpfs.ts';
import { worklistCounts, type WorklistCounts } from './canary-worklist.ts';
import { LabError } from './errors.ts';
import { isOrthanc, launchOrthanc, loadOrthanc } from './orthanc.ts';
import { assertPortFree, isLabAddress, waitForPort } from './ports.ts';
import { logTail, stopProcess, stopStragglers, type SpawnedServer } from './process.ts';
import { expectationFor, LAB_SERVER_NAMES, NOTHING, SERVER_DEFINITIONS, type LabServer, type LabServerName, type ServerDefinition } from './servers.ts';
import { buildBindShim } from './shim.ts';
import type { HoneypotInstance } from './fleet/honeypot.ts';
import { LAB_HONEYPOTS, launchHoneypots } from './honeypots.ts';
import { recordedProcesses, writeLabFile, writeProcessRecord, type NamedProcess } from './state.ts';

export type { LabExpectation, LabProduct, LabServer, LabServerName } from './servers.ts';
export { LAB_SERVER_NAMES, SERVER_DEFINITIONS } from './servers.ts';
export { LabError, type LabErrorCode } from './errors.ts';
export { CANARY_VALUES, SET_A, SET_B, planCounts, type PlanCounts } from './canary.ts';
export { CANARY_WORKLIST, worklistCounts, type WorklistCounts } from './canary-worklist.ts';

export interface LabOptions {
  dir: string;
  /** Per-server 127.x address, so parallel test files do not collide. */
  addresses?: Partial<Record<LabServerName, string>>;
  /** Start only these servers (default: all of them). */
  only?: LabServerName[];
  /** Addresses of honeypot personas to start beside the servers (DICOM port 11112 each; default none). */
  honeypots?: readonly string[];
  log?: (line: string) => void;
}

export interface Lab {
  dir: string;
  servers: LabServer[];
  /** The honeypot personas listening, when asked for: a correct scanner finds each a likely honeypot. */
  honeypots: readonly HoneypotInstance[];
  stop(): Promise<void>;
}

/** Marks a folder as the lab's own, so start never wipes a folder it did not create. */
const MARKER = '.exposure-lab';
/** Orthanc takes about a second to open its ports here; a loaded CI machine may take much longer. */
const READY_TIMEOUT_MS = 30_000;

interface Running extends NamedProcess {
  readonly child?: ChildProcess;
}

async function prepareDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const entries = await readdir(dir);
  if (entries.length > 0 && !entries.includes(MARKER)) {
    throw new LabError('bad-dir', `${dir} is not empty and is not a lab folder (no ${MARKER}): give the lab an empty or new folder`);
  }
  await writeFile(join(dir, MARKER), 'Exposure loopback lab: servers, logs and synthetic studies. Safe to delete once stopped.\n');
}

function planServers(options: LabOptions): { def: ServerDefinition; ip: string }[] {
  const names = [...new Set(options.only ?? LAB_SERVER_NAMES)];
  const plan = names.map((name) => {
    const def = SERVER_DEFINITIONS[name];
    if (def === undefined) throw new LabError('bad-option', `unknown lab server "${String(name)}" (known: ${LAB_SERVER_NAMES.join(', ')})`);
    return { def, ip: options.addresses?.[name] ?? def.defaultIp };
  });
  const seen = new Map<string, string>();
  const claim = (name: string, ip: string): void => {
    if (!isLabAddress(ip)) throw new LabError('bad-address', `${name}: ${ip} is not in 127.0.0.0/8; the lab only ever uses loopback addresses`);
    const other = seen.get(ip);
    if (other !== undefined) throw new LabError('bad-address', `${name} and ${other} are both given ${ip}: each lab server needs its own 127.x address`);
    seen.set(ip, name);
  };
  for (const { def, ip } of plan) claim(def.name, ip);
  for (const ip of options.honeypots ?? []) claim('a honeypot persona', ip);
  return plan;
}

async function writeStudies(dir: string, plan: readonly { def: ServerDefinition }[]): Promise<Map<string, WrittenStudySet>> {
  const written = new Map<string, WrittenStudySet>();
  for (const set of [SET_A, SET_B]) {
    if (!plan.some((p) => p.def.studySet?.id === set.id)) continue;
    const folder = join(dir, 'studies', set.id);
    await rm(folder, { recursive: true, force: true });
    written.set(set.id, await writeStudySet(set, folder));
  }
  return written;
}

function logFileOf(def: ServerDefinition, serverDir: string): string {
  return join(serverDir, def.product === 'Orthanc' ? 'orthanc.log' : `${def.name}.log`);
}

interface StartContext {
  readonly dir: string;
  readonly shim: string;
  readonly studies: Map<string, WrittenStudySet>;
  readonly log: (line: string) => void;
  /** Called as soon as a process exists, so a failure later still stops it. */
  readonly track: (name: LabServerName, proc: SpawnedServer) => Promise<void>;
}

async function startServer(def: ServerDefinition, ip: string, ctx: StartContext): Promise<LabServer> {
  const serverDir = join(ctx.dir, def.name);
  // Fresh folders each start: an archive left from an earlier run would change the counts.
  await rm(serverDir, { recursive: true, force: true });
  await mkdir(serverDir, { recursive: true });
  const ports: [string, number][] = [];
  if (def.dicomPort !== undefined) ports.push(['DICOM', def.dicomPort]);
  if (def.httpPort !== undefined) ports.push(['HTTP', def.httpPort]);
  for (const [what, port] of ports) await assertPortFree(ip, port, `${def.name} ${what}`);

  const studies = def.studySet === undefined ? undefined : ctx.studies.get(def.studySet.id);
  let proc: SpawnedServer;
  let load: () => Promise<PlanCounts>;
  let loadWorklist: (() => Promise<WorklistCounts>) | undefined;
  let authorization: string | undefined;
  if (isOrthanc(def)) {
    const started = await launchOrthanc(def, ip, serverDir, ctx.shim);
    proc = started.proc;
    authorization = started.instance.authorization;
    load = () => (studies === undefined ? Promise.resolve(NOTHING) : loadOrthanc(started.instance, studies));
  } else if (def.product === 'DCMTK storescp (TLS)') {
    proc = await launchStorescpTls(def, ip, serverDir, ctx.shim);
    load = () => Promise.resolve(NOTHING);
  } else if (def.product === 'DCMTK wlmscpfs') {
    proc = await launchWlmscpfs(def, ip, serverDir, ctx.shim);
    load = () => Promise.resolve(NOTHING);
    loadWorklist = () => checkWlmscpfs(def, ip, serverDir, worklistCounts());
  } else if (def.product === 'BusyBox httpd') {
    proc = await launchPlainWeb(def, ip, serverDir);
    load = () => Promise.resolve(NOTHING);
  } else if (def.product === 'DCMTK dcmqrscp') {
    proc = await launchDcmqrscp(def, ip, serverDir, ctx.shim);
    load = () => (studies === undefined ? Promise.resolve(NOTHING) : loadDcmqrscp(def, ip, serverDir, studies));
  } else {
    proc = await launchStorescp(def, ip, serverDir, ctx.shim);
    load = () => Promise.resolve(NOTHING);
  }
  await ctx.track(def.name, proc);

  for (const [what, port] of ports) {
    try {
      await waitForPort(ip, port, { timeoutMs: READY_TIMEOUT_MS, child: proc.child, what: `${def.name} (${def.product})` });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new LabError('not-ready', `${message} [${what}]; last lines of ${logFileOf(def, serverDir)}:\n${await logTail(logFileOf(def, serverDir))}`);
    }
  }
  const loaded = await load();
  const worklist = await loadWorklist?.();
  ctx.log(
    `${def.name}: ${def.product} pid ${proc.pid} on ${ip}${def.dicomPort === undefined ? '' : ` DICOM ${def.dicomPort}`}${def.httpPort === undefined ? '' : ` HTTP ${def.httpPort}`}` +
      ` AE ${def.aeTitle}; loaded ${loaded.patients} patients, ${loaded.studies} studies, ${loaded.series} series, ${loaded.images} images` +
      (worklist ? `, a worklist of ${worklist.items} scheduled steps for ${worklist.patients} patients` : ''),
  );
  const server: LabServer = {
    name: def.name,
    product: def.product,
    ip,
    ...(def.dicomPort !== undefined ? { dicomPort: def.dicomPort } : {}),
    aeTitle: def.aeTitle,
    pid: proc.pid,
    expected: expectationFor(def, loaded, worklist),
    loaded,
  };
  if (def.httpPort !== undefined) {
    server.httpPort = def.httpPort;
    server.httpAuthRequired = authorization !== undefined;
  }
  return server;
}

/** The honeypot personas when asked for, logged like a server. */
async function startHoneypots(dir: string, addresses: readonly string[], ctx: StartContext, track: (proc: SpawnedServer) => Promise<void>): Promise<readonly HoneypotInstance[]> {
  if (addresses.length === 0) return [];
  const started = await launchHoneypots(dir, addresses, track);
  ctx.log(`${LAB_HONEYPOTS}: pid ${started.proc.pid}, ${started.instances.map((i) => `${i.persona} on ${i.ip}:${i.port}`).join(', ')}`);
  return started.instances;
}

/** The servers' own folders: anything still running with one of them on its command line is the lab's. */
function serverFolders(dir: string): string[] {
  return LAB_SERVER_NAMES.map((name) => join(dir, name));
}

async function stopAll(dir: string, processes: readonly Running[], log: (line: string) => void): Promise<void> {
  const results = await Promise.allSettled(
    processes.map(async (p) => {
      await stopProcess(p, p.child);
      log(`${p.name}: stopped pid ${p.pid}`);
    }),
  );
  // Helpers that left a server's process group (none known here today; Samba's do, see nas-lab.ts).
  const swept = await Promise.allSettled([stopStragglers(serverFolders(dir))]);
  const failures = [...results, ...swept].flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []));
  if (failures.length > 0) throw new LabError('stop-failed', failures.join('; '));
}

/**
 * Starts the lab in `options.dir` (stopping a lab still running there first),
 * loads each server's study set and checks the server holds exactly that.
 * On any failure, every server it started is stopped before it throws.
 */
export async function startLab(options: LabOptions): Promise<Lab> {
  const log = options.log ?? ((): void => {});
  const dir = resolve(options.dir);
  const plan = planServers(options);
  await prepareDir(dir);
  await stopLab(dir, log);
  // Only the real servers are pinned by the shim: a lab of honeypot personas alone builds none.
  const shim = plan.length > 0 ? await buildBindShim(dir) : '';
  const studies = await writeStudies(dir, plan);

  const running: Running[] = [];
  const ctx: StartContext = {
    dir,
    shim,
    studies,
    log,
    track: async (name, proc) => {
      running.push({ name, pid: proc.pid, startTime: proc.startTime, child: proc.child });
      await writeProcessRecord(dir, name, proc);
    },
  };
  const trackHoneypots = async (proc: SpawnedServer): Promise<void> => {
    running.push({ name: LAB_HONEYPOTS, pid: proc.pid, startTime: proc.startTime, child: proc.child });
    await writeProcessRecord(dir, LAB_HONEYPOTS, proc);
  };
  const [results, personas] = await Promise.all([
    Promise.allSettled(plan.map(({ def, ip }) => startServer(def, ip, ctx))),
    Promise.allSettled([startHoneypots(dir, options.honeypots ?? [], ctx, trackHoneypots)]),
  ]);
  const failures = [...results, ...personas].flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (failures.length > 0) {
    await stopAll(dir, running, log).catch(() => undefined); // the start failure is the error worth reporting
    const first: unknown = failures[0];
    const messages = failures.map((f) => (f instanceof Error ? f.message : String(f))).join('\n');
    throw new LabError(first instanceof LabError ? first.code : 'spawn-failed', `the lab did not start:\n${messages}`);
  }
  const servers = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  await writeLabFile(dir, servers, running);

  let stopped: Promise<void> | undefined;
  return {
    dir,
    servers,
    honeypots: personas[0]?.status === 'fulfilled' ? personas[0].value : [],
    stop: () => {
      stopped ??= stopAll(dir, running, log);
      return stopped;
    },
  };
}

/** Stops every server a lab in `dir` recorded (lab.json and per-server records); removes nothing. */
export async function stopLab(dir: string, log: (line: string) => void = () => {}): Promise<void> {
  await stopAll(resolve(dir), await recordedProcesses(resolve(dir), [...LAB_SERVER_NAMES, LAB_HONEYPOTS]), log);
}
