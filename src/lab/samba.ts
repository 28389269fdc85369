/**
 * Samba smbd for the lab. It binds only addresses configured on an interface
 * (LAB-NOTES.md); rather than adding addresses to lo, its wildcard bind is
 * pinned to one 127.x address by the lab's bind shim (bind-shim.c), so it can
 * listen on the standard port 445 without touching the host's interfaces.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findBinary, spawnServer, type SpawnedServer } from './process.ts';
import { pinnedEnv } from './shim.ts';

export interface SambaShare {
  readonly name: string;
  readonly path: string;
  /** guest ok = yes: a guest or null session may connect. */
  readonly guest: boolean;
}

export interface SambaOptions {
  readonly ip: string;
  readonly port: number;
  /** "Bad User": unknown users become guest; "Never": no guest sessions at all. */
  readonly mapToGuest: 'Bad User' | 'Never';
  /** restrict anonymous = 2 refuses null sessions even IPC$. */
  readonly restrictAnonymous: 0 | 2;
  readonly shares: readonly SambaShare[];
}

export async function launchSmbd(serverDir: string, shim: string, o: SambaOptions): Promise<SpawnedServer> {
  const binary = await findBinary('smbd');
  const folders = ['lock', 'state', 'cache', 'private', 'pid', 'ncalrpc'].map((f) => join(serverDir, f));
  for (const f of folders) await mkdir(f, { recursive: true });
  const [lock, state, cache, priv, pid, ncalrpc] = folders as [string, string, string, string, string, string];
  const global = [
    '[global]',
    'server role = standalone server',
    `smb ports = ${o.port}`,
    'disable netbios = yes',
    'server min protocol = SMB2',
    `map to guest = ${o.mapToGuest}`,
    `restrict anonymous = ${o.restrictAnonymous}`,
    'guest account = nobody',
    `lock directory = ${lock}`,
    `state directory = ${state}`,
    `cache directory = ${cache}`,
    `private dir = ${priv}`,
    `pid directory = ${pid}`,
    `ncalrpc dir = ${ncalrpc}`,
    `log file = ${join(serverDir, 'smbd.%m.log')}`,
    'log level = 1',
    'load printers = no',
    'printing = bsd',
    'printcap name = /dev/null',
    'disable spoolss = yes',
  ];
  const shares = o.shares.flatMap((s) => [
    `[${s.name}]`,
    `path = ${s.path}`,
    'read only = yes',
    s.guest ? 'guest ok = yes' : 'guest ok = no\nvalid users = radiologist',
    'browseable = yes',
  ]);
  const config = join(serverDir, 'smb.conf');
  await writeFile(config, `${[...global, ...shares].join('\n')}\n`);
  return spawnServer(binary, ['--foreground', '--no-process-group', '-s', config], {
    cwd: serverDir,
    logFile: join(serverDir, 'smbd.log'),
    env: pinnedEnv(shim, o.ip),
  });
}
