/**
 * `exposure`: argument parsing and wiring only. Each command lives in its own file.
 */
import { Command, CommanderError, Option } from 'commander';
import { isUserError } from './errors.ts';
import { aeTitle, aeTitleList, positiveInt } from './options.ts';
import { scanCommand } from './scan.ts';
import { reportCommand, REPORT_FORMATS, REPORT_GROUPINGS } from './report.ts';
import { labCommand } from './lab.ts';
import { diffCommand, DIFF_FORMATS } from './diff.ts';
import { DEFAULT_SCAN_PORTS } from '../probes/index.ts';
import { WEB_PORTS } from '../probes/portal/index.ts';
import { fileWalkOptions } from './file-walk.ts';

const program = new Command()
  .name('exposure')
  .description('Find medical imaging data left open on networks, without taking patient data.')
  .showHelpAfterError()
  .exitOverride();

program
  .command('scan')
  .description('scan targets for exposed DICOM, DICOMweb and PACS web services and file shares (FTP, SMB), and store what they expose')
  .argument('<targets...>', 'IPv4 addresses, ranges (a-b) and CIDR blocks, comma or space separated')
  .option('-p, --ports <list>', `TCP ports to probe, e.g. 104,4242,11112 (default ${DEFAULT_SCAN_PORTS.join(',')}, with --web-ports instead of the web defaults)`)
  .option('--db <file>', 'SQLite file to store the run in', 'exposure.db')
  .addOption(new Option('--calling-ae <title>', 'calling AE title: tells the peer who scans').default('EXPOSURE-SCAN').argParser(aeTitle('--calling-ae')))
  .option('--contact <text>', 'contact (e-mail or URL) added to the scanner identity')
  .option('--ae-titles <list>', 'called AE titles to try before the product defaults', aeTitleList, [] as string[])
  .option('--no-guess-list', 'do not try product default AE titles')
  .option('--max-records <n>', 'C-FIND matches or QIDO-RS studies to read per service before stopping (reported as "at least N")', positiveInt('--max-records', 1, 1_000_000), 5000)
  .option('--concurrency <n>', 'hosts probed at once', positiveInt('--concurrency', 1, 10_000), 64)
  .option('--rate <n>', 'new connections per second across the scan (0: no limit)', positiveInt('--rate', 0, 1_000_000), 500)
  .option('--connect-timeout <ms>', 'TCP connect timeout', positiveInt('--connect-timeout', 10, 120_000), 3000)
  .option('--io-timeout <ms>', 'longest silence accepted from a peer', positiveInt('--io-timeout', 10, 300_000), 10_000)
  .option('--probe-timeout <ms>', 'wall-clock bound for one probe on one service', positiveInt('--probe-timeout', 100, 3_600_000), 120_000)
  .option('--allow-list <file>', 'ranges you are authorised to scan outside loopback and private space')
  .option('--exclude <file>', 'ranges never to touch (one spec a line, # comments)')
  .option('--check-logins', 'try a blank and the documented default credentials on web logins (loopback, private or --allow-list targets only)')
  .option('--web-ports <list>', `ports the web probes (portal, orthanc, dicomweb) claim (default ${WEB_PORTS.join(',')})`)
  .option('--quiet', 'no progress and no summary table')
  .action(scanCommand);
for (const option of fileWalkOptions()) program.commands.find((c) => c.name() === 'scan')?.addOption(option);

program
  .command('report')
  .description('render a stored run')
  .option('--db <file>', 'SQLite file to read', 'exposure.db')
  .option('--run <id>', 'run id (default: the latest)', positiveInt('--run'))
  .addOption(new Option('-f, --format <format>', 'output format').choices(REPORT_FORMATS).default('table'))
  .option('-o, --out <path>', 'write to a file instead of standard output (csv: NAME.csv or a folder; --by: a folder)')
  .addOption(new Option('--by <grouping>', 'notification packs: one folder per organisation/AS under --out').choices(REPORT_GROUPINGS))
  .action(reportCommand);

program
  .command('diff')
  .description('compare two runs: new exposures, fixed ones, changed counts (exit 3 on new critical findings)')
  .argument('<runA>', 'the earlier run id')
  .argument('<runB>', 'the later run id')
  .option('--db <file>', 'SQLite file to read', 'exposure.db')
  .addOption(new Option('-f, --format <format>', 'output format').choices(DIFF_FORMATS).default('table'))
  .option('-o, --out <file>', 'write to a file instead of standard output')
  .action(diffCommand);

program.addCommand(labCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (isUserError(err)) {
    process.stderr.write(`exposure: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`exposure: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
}
