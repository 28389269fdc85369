/**
 * A throwaway PostgreSQL cluster for tests: initdb into a temporary folder,
 * the server listening on one 127.x address and port and on a unix socket in
 * that folder, ready once it answers a query, stopped by PID and its folder
 * removed. Debian's `postgresql` package provides the binaries
 * (scripts/install-lab-deps.sh); the package's own cluster is never used.
 *
 * Authentication is `trust`, and only for the unix socket and 127.0.0.0/8:
 * the cluster listens nowhere else and holds nothing but test data.
 */
import { access, chown, constants, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { LabError } from './errors.ts';
import { isLabAddress } from './ports.ts';
import { findBinary, isRunning, logTail, runTool, sleep, spawnServer, stopProcess, waitForExit, type SpawnedServer } from './process.ts';

export interface PostgresOptions {
  /** A 127.x address of the caller's own: the cluster listens there only. */
  readonly ip: string;
  readonly port: number;
  /** The database created for the caller (default "exposure"). */
  readonly database?: string;
  /** Where the cluster's temporary folder is made (default: the system's temporary folder). */
  readonly parentDir?: string;
  /** How long the server may take to answer a first query (default 30 s). */
  readonly readyTimeoutMs?: number;
}

export interface PostgresCluster {
  /** postgres://exposure@IP:PORT/DATABASE, no password (trust on loopback). */
  readonly url: string;
  readonly ip: string;
  readonly port: number;
  /** The unix socket's folder (the cluster's folder). */
  readonly socketDir: string;
  readonly dir: string;
  readonly pid: number;
  /** Fast shutdown, then kill; removes the folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** The cluster's superuser: a fixed role name, whatever account runs the server. */
export const SUPERUSER = 'exposure';
const INSTALL_HINT = 'run scripts/install-lab-deps.sh (as root) to install Debian\'s postgresql';
/** initdb of an empty cluster takes under a second here; a loaded CI machine may take far longer. */
const INITDB_TIMEOUT_MS = 60_000;
/** A fast shutdown rolls back open transactions and writes a checkpoint: seconds at most for test data. */
const SHUTDOWN_GRACE_MS = 10_000;
/** sockaddr_un holds 108 bytes: the folder plus "/.s.PGSQL.65535" must fit. */
const MAX_SOCKET_DIR = 90;

interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

/**
 * Debian installs the server outside PATH, under /usr/lib/postgresql/<major>/bin
 * (only wrappers such as pg_ctlcluster are on PATH): the newest major there.
 */
export async function findPostgres(root = '/usr/lib/postgresql'): Promise<PostgresBinaries> {
  let majors: number[] = [];
  try {
    majors = (await readdir(root)).filter((d) => /^\d+$/.test(d)).map(Number).sort((a, b) => b - a);
  } catch {
    // no folder: reported below
  }
  for (const major of majors) {
    const bin = join(root, String(major), 'bin');
    const found = { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
    try {
      await access(found.initdb, constants.X_OK);
      await access(found.postgres, constants.X_OK);
      return found;
    } catch {
      // an incomplete install of this major: try an older one
    }
  }
  throw new LabError('binary-missing', `no PostgreSQL server was found under ${root}/<major>/bin: ${INSTALL_HINT}`);
}

/** The account the server runs as: ourselves, or, when we are root, Debian's `postgres` user. */
interface RunAs {
  /** The command line that runs `binary args` as that account. */
  command(binary: string, args: readonly string[]): { binary: string; args: string[] };
  /** Set when the folder must be handed to another account. */
  readonly owner?: { uid: number; gid: number };
}

async function postgresAccount(): Promise<{ uid: number; gid: number }> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const fields = passwd.split('\n').find((line) => line.startsWith('postgres:'))?.split(':');
  const uid = Number(fields?.[2]);
  const gid = Number(fields?.[3]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid === 0) {
    throw new LabError('binary-missing', `there is no unprivileged "postgres" user to run the server as: ${INSTALL_HINT}`);
  }
  return { uid, gid };
}

/**
 * initdb and postgres refuse to run as root (a server bug would then own the
 * machine). The machine and CI run as root, so there the server runs as the
 * unprivileged `postgres` user Debian's package creates, and owns its folder.
 * setpriv execs in place (runuser would fork and stay the parent), so the PID
 * we hold is the postmaster's own and stopping it by PID reaches the server.
 */
async function runAs(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return { command: (binary, args) => ({ binary, args: [...args] }) };
  const owner = await postgresAccount();
  const setpriv = await findBinary('setpriv');
  const drop = [`--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--clear-groups', '--'];
  return { command: (binary, args) => ({ binary: setpriv, args: [...drop, binary, ...args] }), owner };
}

/** Loopback only, trust: the socket for the test's own tools, 127.0.0.0/8 for its clients. */
const HBA = ['# Written by the test cluster: loopback and the socket only, no password.', 'local all all trust', 'host all all 127.0.0.0/8 trust', ''].join('\n');

function serverArgs(data: string, dir: string, o: PostgresOptions): string[] {
  return [
    '-D', data,
    '-c', `listen_addresses=${o.ip}`,
    '-p', String(o.port),
    '-c', `unix_socket_directories=${dir}`,
    // A throwaway cluster: durability buys nothing, and fsync on a shared CI disk costs seconds per test.
    '-c', 'fsync=off',
    '-c', 'synchronous_commit=off',
    '-c', 'full_page_writes=off',
    '-c', 'shared_buffers=32MB',
  ];
}

/** Resolves when the child exits (at once if it has); `cancel` drops the listener. */
function exitOf(server: SpawnedServer): { exited: Promise<'exited'>; cancel: () => void } {
  let onExit = (): void => {};
  const exited = new Promise<'exited'>((resolve) => {
    onExit = (): void => resolve('exited');
    if (server.child.exitCode !== null || server.child.signalCode !== null) resolve('exited');
    else server.child.once('exit', onExit);
  });
  return { exited, cancel: () => server.child.off('exit', onExit) };
}

/** One connection and `SELECT 1`: undefined when the server answered, else why not. */
async function answers(client: pg.Client): Promise<string | undefined> {
  client.on('error', () => undefined); // a server that goes away mid-check: the next attempt says so
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Connects until the server answers `SELECT 1` (it accepts TCP before it
 * accepts queries: "the database system is starting up"), with a backoff and
 * a total deadline; fails as soon as the server exits, even mid-attempt.
 */
async function waitForQueries(server: SpawnedServer, o: PostgresOptions, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const exit = exitOf(server);
  let last = 'no answer';
  try {
    for (let backoff = 25; ; backoff = Math.min(backoff * 2, 400)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new LabError('not-ready', `PostgreSQL did not answer on ${o.ip}:${o.port} within ${timeoutMs} ms (last: ${last})`);
      const client = new pg.Client({ host: o.ip, port: o.port, user: SUPERUSER, database: 'postgres', connectionTimeoutMillis: Math.min(2_000, left) });
      const outcome = await Promise.race([answers(client), exit.exited]);
      if (outcome === 'exited') {
        void client.end().catch(() => undefined); // an attempt still in flight: drop its socket
        throw new LabError('not-ready', `PostgreSQL exited before it was ready on ${o.ip}:${o.port}`);
      }
      if (outcome === undefined) return;
      last = outcome;
      await sleep(Math.min(backoff, Math.max(0, deadline - Date.now())));
    }
  } finally {
    exit.cancel();
  }
}

async function createDatabase(o: PostgresOptions, name: string): Promise<void> {
  const client = new pg.Client({ host: o.ip, port: o.port, user: SUPERUSER, database: 'postgres', connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    // An identifier cannot be a bind parameter: the name is checked by startPostgres.
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** SIGINT is PostgreSQL's fast shutdown, sent to the postmaster alone (it stops its own children); then the group is killed. */
async function stopServer(server: SpawnedServer): Promise<void> {
  if (!(await isRunning(server))) return;
  try {
    process.kill(server.pid, 'SIGINT');
  } catch {
    return; // gone already
  }
  if (await waitForExit(server, SHUTDOWN_GRACE_MS, server.child)) return;
  await stopProcess(server, server.child, 2_000);
}

/** Why the server died, from its log: a port in use is the common case and gets its own code. */
async function startFailure(e: unknown, o: PostgresOptions, logFile: string): Promise<LabError> {
  const tail = await logTail(logFile);
  if (/could not bind|Address already in use/i.test(tail)) {
    return new LabError('port-in-use', `${o.ip}:${o.port} is already in use: PostgreSQL could not listen there; last lines of ${logFile}:\n${tail}`);
  }
  const message = e instanceof Error ? e.message : String(e);
  return new LabError(e instanceof LabError ? e.code : 'spawn-failed', `${message}; last lines of ${logFile}:\n${tail}`);
}

/**
 * The postgres user must reach its folder: a parent only root may enter (a
 * mkdtemp folder is 0700) makes initdb fail with a bare "Permission denied".
 */
export async function assertReachable(dir: string, owner: { uid: number } | undefined): Promise<void> {
  if (owner === undefined) return;
  for (let folder = dirname(resolve(dir)); ; folder = dirname(folder)) {
    const s = await stat(folder);
    if ((s.mode & 0o001) === 0 && s.uid !== owner.uid) {
      throw new LabError('bad-dir', `${folder} cannot be entered by the postgres user the server runs as: give a parent folder others may enter (chmod o+x)`);
    }
    if (folder === dirname(folder)) return;
  }
}

async function initCluster(binaries: PostgresBinaries, account: RunAs, dir: string, data: string): Promise<void> {
  const logFile = join(dir, 'initdb.log');
  const initdb = account.command(binaries.initdb, ['-D', data, '-U', SUPERUSER, '--auth=trust', '--no-sync', '--no-locale', '-E', 'UTF8']);
  const code = await runTool(initdb.binary, initdb.args, { cwd: dir, logFile, timeoutMs: INITDB_TIMEOUT_MS });
  if (code !== 0) throw new LabError('spawn-failed', `initdb exited with ${code}; last lines of ${logFile}:\n${await logTail(logFile)}`);
  const hba = join(data, 'pg_hba.conf');
  await writeFile(hba, HBA);
  if (account.owner) await chown(hba, account.owner.uid, account.owner.gid);
}

/**
 * Starts a cluster and returns once it answers queries and holds the
 * caller's database. On any failure nothing is left running or on disk.
 */
export async function startPostgres(o: PostgresOptions): Promise<PostgresCluster> {
  if (!isLabAddress(o.ip)) throw new LabError('bad-address', `${o.ip} is not a loopback address (127.0.0.0/8): a test cluster never listens elsewhere`);
  if (!Number.isInteger(o.port) || o.port < 1024 || o.port > 65535) {
    throw new LabError('bad-option', `PostgreSQL port ${o.port} is not from 1024 to 65535 (the server runs unprivileged)`);
  }
  const database = o.database ?? 'exposure';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) throw new LabError('bad-option', `"${database}" is not a plain database name (lower case letters, digits, _)`);
  const binaries = await findPostgres();
  const account = await runAs();
  const dir = await mkdtemp(join(o.parentDir ?? tmpdir(), 'exposure-pg-'));
  if (dir.length > MAX_SOCKET_DIR) {
    await rm(dir, { recursive: true, force: true });
    throw new LabError('bad-dir', `${dir} is too long for a unix socket path: give a shorter parent folder`);
  }
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  try {
    await assertReachable(dir, account.owner);
    if (account.owner) await chown(dir, account.owner.uid, account.owner.gid);
    await initCluster(binaries, account, dir, data);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  let server: SpawnedServer | undefined;
  try {
    const postgres = account.command(binaries.postgres, serverArgs(data, dir, o));
    server = await spawnServer(postgres.binary, postgres.args, { cwd: dir, logFile, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C' } });
    await waitForQueries(server, o, o.readyTimeoutMs ?? 30_000);
    await createDatabase(o, database);
  } catch (e) {
    const failure = await startFailure(e, o, logFile);
    if (server) await stopServer(server).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw failure;
  }
  const running = server;
  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://${SUPERUSER}@${o.ip}:${o.port}/${database}`,
    ip: o.ip,
    port: o.port,
    socketDir: dir,
    dir,
    pid: running.pid,
    stop: () => {
      stopped ??= stopServer(running).finally(() => rm(dir, { recursive: true, force: true }));
      return stopped;
    },
  };
}
