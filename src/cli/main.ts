/**
 * `exposure`: argument parsing and wiring only. Each command lives in its own
 * file, imported when its action runs: `--help` or a dry run does not pay for
 * the store, the probes' libraries or the report renderers of other commands.
 */
import { Command, CommanderError, Option } from 'commander';
import { isUserError, UsageError } from './errors.ts';
import { aeTitle, aeTitleList, collect, dbOption, positiveInt, probeList } from './options.ts';
import type { ScanFlags } from './scan.ts';
import type { ReportFlags } from './report.ts';
import type { DiffFlags } from './diff.ts';
import type { MergeFlags } from './merge.ts';
import type { WorkerFlags } from './worker.ts';
import type { StatusFlags } from './status.ts';
import type { AuditFlags } from './audit.ts';
import type { ServeFlags } from './serve.ts';
import { AUDIT_FORMATS, DIFF_FORMATS, REPORT_FORMATS, REPORT_GROUPINGS } from './formats.ts';
import { CONFIG_KINDS } from '../audit/finding.ts';
import { SEVERITIES } from '../observation/finding.ts';
import type { WatchFlags } from './watch.ts';
import type { FindingsFlags } from './findings.ts';
import type { VerifyFlags } from './verify.ts';
import { labCommand } from './lab.ts';
import { DEFAULT_SCAN_PORTS, WEB_PORTS } from '../probes/catalogue.ts';
import { fileWalkOptions } from './file-walk.ts';
import { RESULT_FORMATS } from '../scope/result-files.ts';
import { SCAN_DEFAULTS } from '../scan/options.ts';
import { VERSION } from '../version.ts';

const program = new Command()
  .name('exposure')
  .description('Find medical imaging data left open on networks, without taking patient data.')
  .version(VERSION)
  .showHelpAfterError()
  .exitOverride();

program
  .command('scan')
  .description('scan targets for exposed DICOM, DICOMweb and PACS web services and file shares (FTP, SMB), and store what they expose')
  .argument('[targets...]', 'IPv4/IPv6 addresses, ranges (a-b), CIDR blocks, hostnames and @FILE lists, comma or space separated')
  .option('-p, --ports <list>', `TCP ports to probe, e.g. 104,4242,11112 (default ${DEFAULT_SCAN_PORTS.join(',')}, with --web-ports instead of the web defaults)`)
  .addOption(dbOption('where to store the run'))
  .addOption(new Option('--calling-ae <title>', 'calling AE title: tells the peer who scans').default(SCAN_DEFAULTS.callingAeTitle).argParser(aeTitle('--calling-ae')))
  .option('--contact <text>', 'contact (e-mail or URL) added to the scanner identity')
  .option('--ae-titles <list>', 'called AE titles to try before the product defaults', aeTitleList, [] as string[])
  .option('--no-guess-list', 'do not try product default AE titles')
  .option('--max-records <n>', 'C-FIND matches or QIDO-RS studies to read per service before stopping (reported as "at least N")', positiveInt('--max-records', 1, 1_000_000), SCAN_DEFAULTS.maxRecords)
  .option('--concurrency <n>', 'hosts probed at once', positiveInt('--concurrency', 1, 10_000), SCAN_DEFAULTS.concurrency)
  .option('--rate <n>', 'new connections per second across the scan (0: no limit)', positiveInt('--rate', 0, 1_000_000), SCAN_DEFAULTS.rate)
  .option('--per-host <n>', 'connections in flight to one address at most (politeness; at least 2: an FTP probe holds a control and a data connection)', positiveInt('--per-host', 2, 1000), SCAN_DEFAULTS.perHost)
  .option('--retries <n>', 'extra connect attempts after a connect timeout', positiveInt('--retries', 0, 5), SCAN_DEFAULTS.retries)
  .option('--connect-timeout <ms>', 'TCP connect timeout', positiveInt('--connect-timeout', 10, 120_000), SCAN_DEFAULTS.connectTimeoutMs)
  .option('--io-timeout <ms>', 'longest silence accepted from a peer', positiveInt('--io-timeout', 10, 300_000), SCAN_DEFAULTS.ioTimeoutMs)
  .option('--probe-timeout <ms>', 'wall-clock bound for one probe on one service', positiveInt('--probe-timeout', 100, 3_600_000), SCAN_DEFAULTS.probeTimeoutMs)
  .option('--probes <list>', 'run only these probes, e.g. dicom,dicom-tls (default: all; "--probes help" lists them)', probeList)
  .option('--greeting-wait <ms>', 'how long a port no probe claims is given to speak first, an FTP greeting (default: 3 × its connect time, within 50-300)', positiveInt('--greeting-wait', 0, 60_000))
  .option('--allow-list <file>', 'ranges you are authorised to scan outside loopback and private space')
  .option('--check-logins', 'try a blank and the documented default credentials on web logins (loopback, private or --allow-list targets only)')
  .option('--web-ports <list>', `ports the web probes (portal, orthanc, dicomweb) claim (default ${WEB_PORTS.join(',')})`)
  .option('--exclude <file>', 'ranges never to touch, ZMap blocklist format (one spec a line, # comments); repeatable', collect, [] as string[])
  .option('--no-default-exclusions', 'do not exclude the IANA special-purpose ranges (see README: they never apply to a spec lying wholly inside them)')
  .option('--from <file>', 'probe the open ports of a ZMap or masscan result file (CSV, plain, -oL, -oJ) instead of target specs')
  .addOption(new Option('--from-format <format>', 'format of the --from file').choices(RESULT_FORMATS).default('auto'))
  .option('--seed <n>', 'seed of the scan order (same seed, same order; default random, recorded in the run)', positiveInt('--seed', 0, 2 ** 32 - 1))
  .option('--shard <i/n>', 'scan only shard I of N of the same order (1/4 … 4/4: no overlap, no gap)')
  .option('--resume <run>', 'continue a killed or interrupted run of --db with its stored parameters', positiveInt('--resume'))
  .option('--dry-run', 'count targets and exclusions, send nothing')
  .option('--quiet', 'no progress and no summary table')
  .option('--keep-honeypots', 'count likely honeypots in the closing summary\'s totals (they are assessed and stored either way)')
  .option('--distribute', 'record the run and enqueue its blocks for `exposure worker`s instead of probing (--db postgres://… only)')
  .option('--block-size <n>', 'targets (permutation steps) per block of a distributed run (default 1000; larger when the run would have over 65,536 blocks)', positiveInt('--block-size', 1, 10_000_000))
  .action(async (targets: string[], flags: ScanFlags) => (await import('./scan.ts')).scanCommand(targets, flags));
for (const option of fileWalkOptions()) program.commands.find((c) => c.name() === 'scan')?.addOption(option);

program
  .command('report')
  .description('render a stored run')
  .addOption(dbOption('the store to read'))
  .option('--run <id>', 'run id (default: the latest)', positiveInt('--run'))
  .addOption(new Option('-f, --format <format>', 'output format').choices(REPORT_FORMATS).default('table'))
  .option('-o, --out <path>', 'write to a file instead of standard output (csv: NAME.csv or a folder; --by: a folder)')
  .addOption(new Option('--by <grouping>', 'notification packs: one folder per organisation/AS under --out').choices(REPORT_GROUPINGS))
  .option('--keep-honeypots', 'count likely honeypots in the study tables and totals (default: left out, and said so)')
  .action(async (flags: ReportFlags) => (await import('./report.ts')).reportCommand(flags));

program
  .command('diff')
  .description('compare two runs: new exposures, fixed ones, changed counts (exit 3 on new critical findings)')
  .argument('<runA>', 'the earlier run id')
  .argument('<runB>', 'the later run id')
  .addOption(dbOption('the store to read'))
  .addOption(new Option('-f, --format <format>', 'output format').choices(DIFF_FORMATS).default('table'))
  .option('-o, --out <file>', 'write to a file instead of standard output')
  .option('--keep-honeypots', 'compare likely honeypots as archives (default: listed apart, their findings left out, and said so)')
  .action(async (runA: string, runB: string, flags: DiffFlags) => (await import('./diff.ts')).diffCommand(runA, runB, flags));

program
  .command('merge')
  .description('store shards of one run (scan --shard I/N, each in its own file) as one run: refuses shards of different runs, reports overlaps and gaps')
  .argument('<shards...>', 'SQLite files or postgres:// URLs, one shard each (the latest run of each)')
  .requiredOption('--into <file|url>', 'SQLite file (created if missing) or postgres:// URL to store the merged run in')
  .action(async (shards: string[], flags: MergeFlags) => (await import('./merge.ts')).mergeCommand(shards, flags));

program
  .command('worker')
  .description('probe blocks of distributed runs (scan --distribute) from the PostgreSQL queue until none is left')
  .addOption(new Option('--db <url>', 'the PostgreSQL database of the run (postgres://USER@HOST:PORT/DB)').env('EXPOSURE_DB'))
  .option('--run <id>', 'work on this run only (default: the oldest running one with blocks left)', positiveInt('--run'))
  .option('--allow-list <file>', "ranges this worker may scan outside loopback and private space: blocks with other targets are refused, whatever the run says")
  .option('--name <name>', 'this worker in the queue and in status (default HOST:PID)')
  .option('--lease <ms>', 'how long a claimed block is this worker\'s without a renewal (renewed every third of it)', positiveInt('--lease', 1000, 3_600_000), 60_000)
  .option('--rate <n>', "new connections a second at most on this machine (0: only the run's rate, shared among its workers)", positiveInt('--rate', 0, 1_000_000), 0)
  .option('--max-blocks <n>', 'stop after this many blocks', positiveInt('--max-blocks', 1))
  .option('--poll <ms>', 'when every block left is held by other workers, look again this often', positiveInt('--poll', 50, 600_000), 2000)
  .option('--quiet', 'no line per block')
  .action(async (flags: WorkerFlags) => (await import('./worker.ts')).workerCommand(requireDb(flags, 'worker')));

program
  .command('status')
  .description('where distributed runs stand: blocks done, claimed and left, each worker\'s rate, ETA')
  .addOption(new Option('--db <url>', 'the PostgreSQL database of the runs').env('EXPOSURE_DB'))
  .option('--run <id>', 'this run only (default: running ones and the last finished)', positiveInt('--run'))
  .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json'] as const).default('table'))
  .action(async (flags: StatusFlags) => (await import('./status.ts')).statusCommand(requireDb(flags, 'status')));

program
  .command('audit')
  .description("read your own server's configuration files (Orthanc JSON, dcmqrscp.cfg, vsftpd.conf, smb.conf) and say which setting opens which finding, and the change that closes it (exit 3 on critical findings, 2 if a file is refused)")
  .argument('<configs...>', 'configuration files; Orthanc files of one folder are read together, as Orthanc reads a folder')
  .addOption(new Option('--kind <kind>', 'what the files configure, instead of telling from their name and content').choices(CONFIG_KINDS))
  .addOption(new Option('-f, --format <format>', 'output format').choices(AUDIT_FORMATS).default('table'))
  .option('-o, --out <file>', 'write to a file instead of standard output')
  .addOption(new Option('--fail-on <severity>', 'exit 3 when a finding is this severe or more').choices([...SEVERITIES, 'never']).default('critical'))
  .action(async (configs: string[], flags: AuditFlags) => (await import('./audit.ts')).auditCommand(configs, flags));

program
  .command('serve')
  .description('a local web dashboard over a store: runs, findings with filters, service cards, diffs, live progress, a timeline per scope')
  .addOption(dbOption('the store to show'))
  .option('--host <address>', 'address to bind (another than loopback needs --tls-cert and --tls-key)', '127.0.0.1')
  .option('--port <n>', 'TCP port to listen on', positiveInt('--port', 0, 65535), 8400)
  .option('--token-file <file>', 'read the access token from this file (first line) instead of printing a random one')
  .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
  .option('--tls-key <file>', 'the PEM private key of --tls-cert')
  .action(async (flags: ServeFlags) => (await import('./serve.ts')).serveCommand(flags));

program
  .command('watch')
  .description('scan the scopes of a watch configuration (YAML or JSON) on their cron schedules: each run stored, compared with the scope\'s previous run, alerts by webhook and e-mail, old runs pruned')
  .argument('<config>', 'the watch configuration file (see README, "Watching over time")')
  .addOption(dbOption('where to store the runs'))
  .option('--once', 'scan every scope once now, whatever its schedule, then exit (exit 3 on new critical findings, 1 if an alert failed)')
  .action(async (config: string, flags: WatchFlags) => (await import('./watch.ts')).watchCommand(config, flags));

program
  .command('findings')
  .description("each finding of a scope across its runs: first and last seen, open, fixed or reopened")
  .addOption(dbOption('the store to read'))
  .option('--scope <name>', "a watch scope's name (default: the scope of the latest run; a plain scan's scope is its targets and ports)")
  .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json'] as const).default('table'))
  .option('-o, --out <file>', 'write to a file instead of standard output')
  .option('--keep-honeypots', 'list findings on likely honeypots too, marked (default: left out, and said so)')
  .action(async (flags: FindingsFlags) => (await import('./findings.ts')).findingsCommand(flags));

program
  .command('verify')
  .description("scan one finding's endpoint again with its run's parameters and say whether it is still open (exit 3) or fixed (exit 0); stored as a run of its own")
  .argument('<finding>', 'a finding id (exposure findings lists them) or RULE@ADDRESS:PORT, e.g. EXP-DICOM-001@10.0.0.5:104')
  .addOption(dbOption('the store of the finding, where the new run is stored too'))
  .action(async (finding: string, flags: VerifyFlags) => (await import('./verify.ts')).verifyCommand(finding, flags));

program.addCommand(labCommand());

/** worker and status have no file default: the queue is in PostgreSQL, named by --db or EXPOSURE_DB. */
function requireDb<T extends { db?: string }>(flags: T, command: string): T & { db: string } {
  if (!flags.db) throw new UsageError(`exposure ${command} needs --db postgres://USER@HOST:PORT/DB (or EXPOSURE_DB in the environment)`);
  return flags as T & { db: string };
}

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
