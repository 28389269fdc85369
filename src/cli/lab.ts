/**
 * `exposure lab start|stop`: the loopback lab of real servers for demos and
 * tests; `exposure lab hostile`: the hostile peers, in the foreground until
 * interrupted. The lab's modules load when a subcommand runs, not with every command.
 */
import { Command } from 'commander';
import { join } from 'node:path';
import { positiveInt } from './options.ts';

export function labCommand(): Command {
  const lab = new Command('lab').description('loopback lab of real PACS (Orthanc, DCMTK) and file shares (vsftpd, Samba, rsync, nfs-ganesha) holding synthetic canary studies');
  lab
    .command('start')
    .description('install nothing, start the lab servers on 127.0.0.x and load the canary studies')
    .option('--dir <dir>', 'working folder for the lab', '.lab')
    .action(async (flags: { dir: string }) => {
      const [{ startLab }, { startNasLab }, { DEMO_HONEYPOT_ADDRESSES }] = await Promise.all([import('../lab/lab.ts'), import('../lab/nas-lab.ts'), import('../lab/honeypots.ts')]);
      // Honeypot personas on 127.0.0.19-127.0.0.21 beside the real servers: the report leaves them out of its figures.
      const started = await startLab({ dir: flags.dir, honeypots: DEMO_HONEYPOT_ADDRESSES, log: (l) => process.stderr.write(`lab: ${l}\n`) });
      for (const s of started.servers) {
        const where = s.dicomPort !== undefined ? `${s.ip}:${s.dicomPort}  AE ${s.aeTitle}` : `${s.ip}:${s.httpPort ?? ''} (HTTP)`;
        process.stdout.write(`${s.name.padEnd(22)} ${where}  ${s.product}  (pid ${s.pid})\n`);
      }
      for (const h of started.honeypots) process.stdout.write(`${'honeypot'.padEnd(22)} ${h.ip}:${h.port}  any AE  ${h.persona} persona\n`);
      // File shares (FTP, SMB, rsync, NFS) on 127.0.0.7-127.0.0.10, .17 and .18; the DICOM servers keep running if these fail to start.
      try {
        const nas = await startNasLab({ dir: join(flags.dir, 'nas'), log: (l) => process.stderr.write(`lab: ${l}\n`) });
        for (const s of nas.servers) process.stdout.write(`${s.name.padEnd(18)} ${s.ip}:${s.port}  ${s.product}  (pid ${s.pid})\n`);
      } catch (err) {
        await started.stop();
        throw err;
      }
    });
  lab
    .command('stop')
    .description('stop the lab servers started from this folder (by PID)')
    .option('--dir <dir>', 'working folder for the lab', '.lab')
    .action(async (flags: { dir: string }) => {
      const [{ stopLab }, { stopNasLab }] = await Promise.all([import('../lab/lab.ts'), import('../lab/nas-lab.ts')]);
      await stopNasLab(join(flags.dir, 'nas'));
      await stopLab(flags.dir);
    });
  lab
    .command('hostile')
    .description('serve the hostile peers (tarpits, drip-fed, endless, huge and deep answers, hostile text, out-of-scope redirects) until interrupted')
    .option('--first <ip>', 'address of the first persona; the others follow it (127.0.0.0/8 only)', '127.0.99.1')
    .option('--only <names>', 'comma-separated persona names (default: all of them)')
    .option('--drip-every <ms>', 'gap between dripped bytes', positiveInt('--drip-every', 1, 60_000), 1000)
    .action(async (flags: { first: string; only?: string; dripEvery: number }) => {
      const { startHostile } = await import('../lab/hostile/hostile.ts');
      const only = flags.only?.split(',').map((n) => n.trim()).filter((n) => n !== '');
      const peers = await startHostile({ first: flags.first, dripEveryMs: flags.dripEvery, ...(only ? { only } : {}) });
      for (const p of peers.personas) process.stdout.write(`${p.name.padEnd(30)} ${`${p.ip}:${p.port}`.padEnd(20)} ${p.shows}\n`);
      process.stderr.write('lab: hostile peers up; Ctrl-C stops them\n');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await peers.stop();
    });
  return lab;
}
