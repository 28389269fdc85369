/**
 * rsync's daemon for the lab (`rsync --daemon --no-detach`), pinned to one
 * 127.x address with --address, on its standard port 873. It re-reads its
 * configuration on each connection and forks a child per client, so it is
 * stopped by PID like the other servers, its children with it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findBinary, spawnServer, type SpawnedServer } from './process.ts';

export interface RsyncModuleConfig {
  readonly name: string;
  readonly path: string;
  readonly comment: string;
  /** "auth users" with a secrets file: the module asks for a user and secret (rsyncd.conf(5)). */
  readonly secret?: { readonly user: string; readonly secretsFile: string };
}

export interface RsyncdOptions {
  readonly ip: string;
  readonly port: number;
  readonly modules: readonly RsyncModuleConfig[];
}

export async function launchRsyncd(serverDir: string, o: RsyncdOptions): Promise<SpawnedServer> {
  const binary = await findBinary('rsync');
  const global = [
    // No chroot: the lab's folders are the modules' paths as they are, and no privilege is needed.
    'use chroot = no',
    `pid file = ${join(serverDir, 'rsyncd.pid')}`,
    `lock file = ${join(serverDir, 'rsyncd.lock')}`,
    `log file = ${join(serverDir, 'rsyncd.log')}`,
    'read only = yes',
    'list = yes',
  ];
  const modules = o.modules.flatMap((m) => [
    `[${m.name}]`,
    `path = ${m.path}`,
    `comment = ${m.comment}`,
    ...(m.secret ? [`auth users = ${m.secret.user}`, `secrets file = ${m.secret.secretsFile}`, 'strict modes = yes'] : []),
  ]);
  const config = join(serverDir, 'rsyncd.conf');
  await writeFile(config, `${[...global, ...modules].join('\n')}\n`);
  return spawnServer(binary, ['--daemon', '--no-detach', '--config', config, '--address', o.ip, '--port', String(o.port)], {
    cwd: serverDir,
    logFile: join(serverDir, 'rsyncd.out'),
    env: { PATH: process.env['PATH'] ?? '' },
  });
}
