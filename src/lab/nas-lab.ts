/**
 * The lab's file shares: two vsftpd (anonymous read-only holding canary
 * studies; anonymous with a writable upload folder and no images), two
 * Samba (a guest share with studies beside a share that needs a password;
 * one allowing no guest or null session at all) and an rsync daemon (an
 * anonymous module holding studies beside one behind a secret), each on its own 127.x
 * address on its product's standard port. Tests compare a scan with each
 * server's `expected`. Stopped by PID, like the rest of the lab.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LabError } from './errors.ts';
import { writeNasTree, type NasExpectation } from './nas-content.ts';
import { assertPortFree, isLabAddress, waitForPort } from './ports.ts';
import { logTail, stopProcess, stopStragglers, type SpawnedServer } from './process.ts';
import { launchGanesha, MOUNT_PORT, NFS_PORT, PORTMAP_PORT } from './nfs-ganesha.ts';
import { launchRsyncd } from './rsyncd.ts';
import { launchSmbd } from './samba.ts';
import { buildBindShim } from './shim.ts';
import { recordedProcesses, type NamedProcess } from './state.ts';
import { launchVsftpd } from './vsftpd.ts';

export type NasServerName = 'ftp-anonymous' | 'ftp-upload' | 'smb-guest' | 'smb-locked' | 'rsyncd' | 'nfs-ganesha';
export const NAS_SERVER_NAMES: readonly NasServerName[] = ['ftp-anonymous', 'ftp-upload', 'smb-guest', 'smb-locked', 'rsyncd', 'nfs-ganesha'];

/** Defaults for `make demo`, after the DICOM servers' 127.0.0.2–127.0.0.6. */
export const NAS_DEFAULT_IPS: Readonly<Record<NasServerName, string>> = {
  'ftp-anonymous': '127.0.0.7',
  'ftp-upload': '127.0.0.8',
  'smb-guest': '127.0.0.9',
  'smb-locked': '127.0.0.10',
  rsyncd: '127.0.0.17',
  'nfs-ganesha': '127.0.0.18',
};

/** The client an NFS export is limited to in the lab: an address no scan of the lab comes from. */
export const NFS_ALLOWED_CLIENT = '127.0.98.250';

/** An SMB share, an rsync module, or an NFS export (its path). */
export interface NasShareExpectation {
  readonly name: string;
  readonly guestAccess: boolean;
  /** What the share holds, when a guest can read it. */
  readonly content?: NasExpectation;
}

export interface NasLabServer {
  readonly name: NasServerName;
  readonly product: 'vsftpd' | 'Samba' | 'rsync' | 'nfs-ganesha';
  readonly protocol: 'ftp' | 'smb' | 'rsync' | 'nfs';
  readonly ip: string;
  readonly port: number;
  readonly pid: number;
  readonly expected: {
    readonly anonymousLogin: boolean;
    readonly writable: boolean;
    /** FTP: the tree of the anonymous root. SMB: per share; rsync: per module; NFS: per export. */
    readonly content?: NasExpectation;
    readonly shares?: readonly NasShareExpectation[];
  };
}

export interface NasLab {
  readonly dir: string;
  readonly servers: NasLabServer[];
  stop(): Promise<void>;
}

export interface NasLabOptions {
  readonly dir: string;
  readonly addresses?: Partial<Record<NasServerName, string>>;
  readonly only?: readonly NasServerName[];
  readonly log?: (line: string) => void;
}

const READY_TIMEOUT_MS = 30_000;
const LOG_FILES: Readonly<Record<NasLabServer['product'], string>> = { vsftpd: 'vsftpd.log', Samba: 'smbd.log', rsync: 'rsyncd.out', 'nfs-ganesha': 'ganesha.log' };
const MARKER = '.exposure-lab';
/** A share holding one notes.txt (read for content, matching nothing). */
const EMPTY: NasExpectation = { directories: 2, files: 1, bytes: 0, dicomFiles: 0, dicomBytes: 0, dicomdirs: 0, dicomFolders: 0, patients: 0, studies: 0, indicators: {}, textsRead: 1, headerKeywords: [] };

async function prepare(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const entries = await readdir(dir);
  if (entries.length > 0 && !entries.includes(MARKER)) throw new LabError('bad-dir', `${dir} is not empty and is not a lab folder (no ${MARKER})`);
  await writeFile(join(dir, MARKER), 'Exposure loopback lab. Safe to delete once stopped.\n');
  // Samba's guest (nobody) must traverse to its share; vsftpd chroots first and does not care.
  await chmod(dir, 0o755);
}

interface Started {
  readonly server: NasLabServer;
  readonly proc: SpawnedServer;
}

/** A folder holding the canary tree beside "radiology", holding only `note`: the open and the closed share of smb-guest, rsyncd and nfs-ganesha. */
async function openBesideClosed(serverDir: string, openName: string, note: string): Promise<{ open: string; closed: string; content: NasExpectation }> {
  const open = join(serverDir, openName);
  const closed = join(serverDir, 'radiology');
  await mkdir(open, { mode: 0o755 });
  await mkdir(closed, { mode: 0o755 });
  await writeFile(join(closed, 'notes.txt'), note);
  return { open, closed, content: await writeNasTree(open) };
}

/** `readyPort`: the port that says the server is ready, when it is not the one scanned. */
async function startOne(name: NasServerName, ip: string, dir: string, shim: string): Promise<{ proc: SpawnedServer; finish: () => NasLabServer; readyPort?: number }> {
  const serverDir = join(dir, name);
  await rm(serverDir, { recursive: true, force: true });
  await mkdir(serverDir, { recursive: true, mode: 0o755 });
  await chmod(serverDir, 0o755);
  switch (name) {
    case 'ftp-anonymous': {
      const root = join(serverDir, 'root');
      await mkdir(root, { mode: 0o755 });
      const content = await writeNasTree(root);
      await assertPortFree(ip, 21, name);
      const proc = await launchVsftpd(serverDir, { ip, port: 21, anonRoot: root, anonymousUpload: false, pasvPorts: [40710, 40729] });
      return { proc, finish: () => ({ name, product: 'vsftpd', protocol: 'ftp', ip, port: 21, pid: proc.pid, expected: { anonymousLogin: true, writable: false, content } }) };
    }
    case 'ftp-upload': {
      const root = join(serverDir, 'root');
      await mkdir(join(root, 'upload'), { recursive: true, mode: 0o755 });
      await chmod(join(root, 'upload'), 0o777); // the misconfiguration under test: world-writable drop folder
      const text = 'Drop folder for modality exports. Exposure lab decoy.\n';
      await writeFile(join(root, 'notes.txt'), text);
      await assertPortFree(ip, 21, name);
      const proc = await launchVsftpd(serverDir, { ip, port: 21, anonRoot: root, anonymousUpload: true, pasvPorts: [40730, 40749] });
      const content = { ...EMPTY, bytes: Buffer.byteLength(text) };
      return { proc, finish: () => ({ name, product: 'vsftpd', protocol: 'ftp', ip, port: 21, pid: proc.pid, expected: { anonymousLogin: true, writable: true, content } }) };
    }
    case 'smb-guest': {
      const { open: scans, closed: radiology, content } = await openBesideClosed(serverDir, 'scans', 'password-only share of the Exposure lab\n');
      await assertPortFree(ip, 445, name);
      const proc = await launchSmbd(serverDir, shim, {
        ip,
        port: 445,
        mapToGuest: 'Bad User',
        restrictAnonymous: 0,
        shares: [
          { name: 'scans', path: scans, guest: true },
          { name: 'radiology', path: radiology, guest: false },
        ],
      });
      const shares = [
        { name: 'scans', guestAccess: true, content },
        { name: 'radiology', guestAccess: false },
      ];
      return { proc, finish: () => ({ name, product: 'Samba', protocol: 'smb', ip, port: 445, pid: proc.pid, expected: { anonymousLogin: true, writable: false, shares } }) };
    }
    case 'smb-locked': {
      const exportDir = join(serverDir, 'pacs-export');
      await mkdir(exportDir, { mode: 0o755 });
      await writeNasTree(exportDir);
      await assertPortFree(ip, 445, name);
      const proc = await launchSmbd(serverDir, shim, { ip, port: 445, mapToGuest: 'Never', restrictAnonymous: 2, shares: [{ name: 'pacs-export', path: exportDir, guest: false }] });
      const shares = [{ name: 'pacs-export', guestAccess: false }];
      return { proc, finish: () => ({ name, product: 'Samba', protocol: 'smb', ip, port: 445, pid: proc.pid, expected: { anonymousLogin: false, writable: false, shares } }) };
    }
    case 'rsyncd': {
      const { open: images, closed: radiology, content } = await openBesideClosed(serverDir, 'images', 'secret-only module of the Exposure lab\n');
      // rsyncd.conf(5) strict modes: the secrets file is readable by its owner only. The secret is random per start.
      const secretsFile = join(serverDir, 'rsyncd.secrets');
      await writeFile(secretsFile, `radiologist:${randomBytes(12).toString('hex')}\n`, { mode: 0o600 });
      await assertPortFree(ip, 873, name);
      const proc = await launchRsyncd(serverDir, {
        ip,
        port: 873,
        modules: [
          { name: 'images', path: images, comment: 'Exposure lab canary studies' },
          { name: 'radiology', path: radiology, comment: 'Exposure lab, behind a secret', secret: { user: 'radiologist', secretsFile } },
        ],
      });
      const shares = [
        { name: 'images', guestAccess: true, content },
        { name: 'radiology', guestAccess: false },
      ];
      return { proc, finish: () => ({ name, product: 'rsync', protocol: 'rsync', ip, port: 873, pid: proc.pid, expected: { anonymousLogin: true, writable: false, shares } }) };
    }
    case 'nfs-ganesha': {
      const { open: images, closed: radiology, content } = await openBesideClosed(serverDir, 'images', 'export of the Exposure lab limited to one other client\n');
      for (const port of [PORTMAP_PORT, NFS_PORT, MOUNT_PORT]) await assertPortFree(ip, port, name);
      const open = { id: 1, path: images, pseudo: '/images' };
      const limited = { id: 2, path: radiology, pseudo: '/radiology', clients: [NFS_ALLOWED_CLIENT] };
      const proc = await launchGanesha(serverDir, shim, { ip, exports: [open, limited] });
      // MOUNT names an export by its Pseudo path (Mount_Path_Pseudo), never the lab's folder on the host.
      const shares = [
        { name: open.pseudo, guestAccess: true, content },
        { name: limited.pseudo, guestAccess: false },
      ];
      // Scanned on the portmapper's port; ready once MOUNT listens (ganesha registers with the rpcbind the wrapper started first).
      const server: NasLabServer = { name, product: 'nfs-ganesha', protocol: 'nfs', ip, port: PORTMAP_PORT, pid: proc.pid, expected: { anonymousLogin: true, writable: false, shares } };
      return { proc, readyPort: MOUNT_PORT, finish: () => server };
    }
  }
}

/** Starts the file-share servers in `options.dir`; on any failure, stops what it started and throws. */
export async function startNasLab(options: NasLabOptions): Promise<NasLab> {
  const log = options.log ?? ((): void => {});
  const dir = resolve(options.dir);
  const names = [...new Set(options.only ?? NAS_SERVER_NAMES)];
  const plan = names.map((name) => ({ name, ip: options.addresses?.[name] ?? NAS_DEFAULT_IPS[name] }));
  for (const { name, ip } of plan) if (!isLabAddress(ip)) throw new LabError('bad-address', `${name}: ${ip} is not in 127.0.0.0/8`);
  await prepare(dir);
  await stopNasLab(dir, log);
  const shim = await buildBindShim(dir);
  const running: (NamedProcess & { child?: SpawnedServer['child'] })[] = [];
  const results = await Promise.allSettled(
    plan.map(async ({ name, ip }): Promise<Started> => {
      const { proc, finish, readyPort } = await startOne(name, ip, dir, shim);
      running.push({ name, pid: proc.pid, startTime: proc.startTime, child: proc.child });
      await writeFile(join(dir, name, 'process.json'), `${JSON.stringify({ pid: proc.pid, startTime: proc.startTime })}\n`);
      const server = finish();
      try {
        await waitForPort(ip, readyPort ?? server.port, { timeoutMs: READY_TIMEOUT_MS, child: proc.child, what: `${name} (${server.product})` });
      } catch (e) {
        throw new LabError('not-ready', `${e instanceof Error ? e.message : String(e)}; last lines of its log:\n${await logTail(join(dir, name, LOG_FILES[server.product]))}`);
      }
      log(`${name}: ${server.product} pid ${proc.pid} on ${ip}:${server.port}`);
      return { server, proc };
    }),
  );
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled(running.map((p) => stopProcess(p, p.child)));
    await stopStragglers(serverFolders(dir));
  };
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []));
  if (failures.length > 0) {
    await stopAll().catch(() => undefined); // the start failure is the error worth reporting
    throw new LabError('spawn-failed', `the file-share lab did not start:\n${failures.join('\n')}`);
  }
  const servers = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.server] : []));
  await writeFile(join(dir, 'nas.json'), `${JSON.stringify({ servers }, null, 2)}\n`);
  let stopped: Promise<void> | undefined;
  return { dir, servers, stop: () => (stopped ??= stopAll()) };
}

/**
 * The servers' own folders. smbd starts samba-dcerpcd (and its rpcd_* workers)
 * on the first named-pipe open, with our smb.conf on its command line; it calls
 * setsid(), so only this sweep, not smbd's process group, reaches it.
 */
function serverFolders(dir: string): string[] {
  return NAS_SERVER_NAMES.map((name) => join(dir, name));
}

/** Stops every file-share server recorded in `dir` (per-server process.json) and their helpers; removes nothing. */
export async function stopNasLab(dir: string, log: (line: string) => void = () => {}): Promise<void> {
  const all = await recordedProcesses(resolve(dir), NAS_SERVER_NAMES);
  await Promise.allSettled(
    all.map(async (p) => {
      await stopProcess(p);
      log(`${p.name}: stopped pid ${p.pid}`);
    }),
  );
  const helpers = await stopStragglers(serverFolders(resolve(dir)));
  if (helpers > 0) log(`stopped ${helpers} helper process${helpers === 1 ? '' : 'es'} left by the servers`);
}
