/**
 * `exposure lab start|stop`: the loopback lab of real servers for demos and
 * tests. The lab's modules load when a subcommand runs, not with every command.
 */
import { Command } from 'commander';
import { join } from 'node:path';

export function labCommand(): Command {
  const lab = new Command('lab').description('loopback lab of real PACS (Orthanc, DCMTK) and file shares (vsftpd, Samba) holding synthetic canary studies');
  lab
    .command('start')
    .description('install nothing, start the lab servers on 127.0.0.x and load the canary studies')
    .option('--dir <dir>', 'working folder for the lab', '.lab')
    .action(async (flags: { dir: string }) => {
      const [{ startLab }, { startNasLab }] = await Promise.all([import('../lab/lab.ts'), import('../lab/nas-lab.ts')]);
      const started = await startLab({ dir: flags.dir, log: (l) => process.stderr.write(`lab: ${l}\n`) });
      for (const s of started.servers) {
        const where = s.dicomPort !== undefined ? `${s.ip}:${s.dicomPort}  AE ${s.aeTitle}` : `${s.ip}:${s.httpPort ?? ''} (HTTP)`;
        process.stdout.write(`${s.name.padEnd(22)} ${where}  ${s.product}  (pid ${s.pid})\n`);
      }
      // File shares (FTP, SMB) on 127.0.0.7-127.0.0.10; the DICOM servers keep running if these fail to start.
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
  return lab;
}
