/** `exposure lab start|stop`: the loopback lab of real servers for demos and tests. */
import { Command } from 'commander';
import { startLab, stopLab } from '../lab/lab.ts';

export function labCommand(): Command {
  const lab = new Command('lab').description('loopback lab of real PACS (Orthanc, DCMTK) holding synthetic canary studies');
  lab
    .command('start')
    .description('install nothing, start the lab servers on 127.0.0.x and load the canary studies')
    .option('--dir <dir>', 'working folder for the lab', '.lab')
    .action(async (flags: { dir: string }) => {
      const started = await startLab({ dir: flags.dir, log: (l) => process.stderr.write(`lab: ${l}\n`) });
      for (const s of started.servers) {
        const where = s.dicomPort !== undefined ? `${s.ip}:${s.dicomPort}  AE ${s.aeTitle}` : `${s.ip}:${s.httpPort ?? ''} (HTTP)`;
        process.stdout.write(`${s.name.padEnd(22)} ${where}  ${s.product}  (pid ${s.pid})\n`);
      }
    });
  lab
    .command('stop')
    .description('stop the lab servers started from this folder (by PID)')
    .option('--dir <dir>', 'working folder for the lab', '.lab')
    .action(async (flags: { dir: string }) => {
      await stopLab(flags.dir);
    });
  return lab;
}
