/**
 * vsftpd for the lab: anonymous FTP pinned to one 127.x address with
 * listen_address, in the foreground, on port 21 (LAB-NOTES.md).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findBinary, spawnServer, type SpawnedServer } from './process.ts';

export interface VsftpdOptions {
  readonly ip: string;
  readonly port: number;
  /** Served as the anonymous root; must be root-owned and not writable by the ftp user. */
  readonly anonRoot: string;
  /** Allow anonymous uploads (into folders the ftp user may write) and deletes of them. */
  readonly anonymousUpload: boolean;
  /** Passive data ports: a small range of our own per instance. */
  readonly pasvPorts: readonly [number, number];
}

export async function launchVsftpd(serverDir: string, o: VsftpdOptions): Promise<SpawnedServer> {
  const binary = await findBinary('vsftpd');
  const emptyDir = join(serverDir, 'empty');
  await mkdir(emptyDir, { recursive: true, mode: 0o755 });
  const lines = [
    'listen=YES',
    'listen_ipv6=NO',
    `listen_address=${o.ip}`,
    `listen_port=${o.port}`,
    'background=NO',
    'anonymous_enable=YES',
    'local_enable=NO',
    `anon_root=${o.anonRoot}`,
    'no_anon_password=YES',
    `write_enable=${o.anonymousUpload ? 'YES' : 'NO'}`,
    `anon_upload_enable=${o.anonymousUpload ? 'YES' : 'NO'}`,
    `anon_other_write_enable=${o.anonymousUpload ? 'YES' : 'NO'}`,
    'anon_mkdir_write_enable=NO',
    `secure_chroot_dir=${emptyDir}`,
    'seccomp_sandbox=NO',
    'pasv_enable=YES',
    `pasv_address=${o.ip}`,
    `pasv_min_port=${o.pasvPorts[0]}`,
    `pasv_max_port=${o.pasvPorts[1]}`,
    'xferlog_enable=NO',
    'vsftpd_log_file=/dev/null',
    'dual_log_enable=NO',
    'syslog_enable=NO',
  ];
  const config = join(serverDir, 'vsftpd.conf');
  await writeFile(config, `${lines.join('\n')}\n`);
  return spawnServer(binary, [config], { cwd: serverDir, logFile: join(serverDir, 'vsftpd.log'), env: { PATH: process.env['PATH'] ?? '' } });
}
