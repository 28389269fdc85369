/**
 * `exposure scan`: option parsing and wiring. Flags become the run's
 * parameters (scan/run-parameters.ts), or a resume reads them back from the
 * run; the plan, the dry run and the probing are scan/'s; this file connects
 * them to the store, the terminal and the signals (scan-run.ts, imported only
 * when a scan runs: a dry run loads neither the store nor the probes' I/O).
 */
import { parseShard, WHOLE, type Shard } from '../scope/permutation.ts';
import { parsePorts } from '../scope/ports.ts';
import type { ProtocolId } from '../observation/observation.ts';
import type { ResultFormat } from '../scope/result-files.ts';
import { dryRunLine } from '../scan/dry-run.ts';
import { planScan } from '../scan/plan.ts';
import { probesAndPorts } from '../scan/probe-ports.ts';
import { PROBE_CATALOGUE } from '../probes/catalogue.ts';
import { recordParameters, runMeta, type RunParameters } from '../scan/run-parameters.ts';
import type { RunStart } from '../scan/run-scan.ts';
import { isPostgresUrl } from '../store/postgres/connect.ts';
import { UsageError } from './errors.ts';
import { probeListing } from './options.ts';
import type { FileWalkFlags } from './file-walk.ts';
import { requestedFrom } from '../scan/options.ts';

export interface ScanFlags extends FileWalkFlags {
  ports?: string;
  checkLogins?: boolean;
  webPorts?: string;
  db: string;
  callingAe: string;
  contact?: string;
  aeTitles: string[];
  guessList: boolean;
  maxRecords: number;
  concurrency: number;
  rate: number;
  perHost: number;
  retries: number;
  connectTimeout: number;
  ioTimeout: number;
  probeTimeout: number;
  probes?: ProtocolId[] | 'help';
  /** Absent: derived from each connect time. */
  greetingWait?: number;
  allowList?: string;
  exclude: string[];
  defaultExclusions: boolean;
  from?: string;
  fromFormat: ResultFormat | 'auto';
  seed?: number;
  shard?: string;
  resume?: number;
  dryRun?: boolean;
  quiet?: boolean;
  /** Count likely honeypots in the closing summary's figures. */
  keepHoneypots?: boolean;
  /** Record the run and enqueue its blocks for workers (PostgreSQL only), instead of probing. */
  distribute?: boolean;
  blockSize?: number;
}

export async function scanCommand(targetArgs: string[], flags: ScanFlags): Promise<void> {
  if (flags.probes === 'help') {
    process.stdout.write(probeListing());
    return;
  }
  const params = flags.resume === undefined ? requestedParameters(targetArgs, flags) : await (await import('./scan-run.ts')).storedParameters(targetArgs, flags, flags.resume);
  if (flags.distribute) checkDistributable(targetArgs, flags);
  const plan = await planScan(params);
  for (const note of plan.notes) process.stderr.write(`exposure: note: ${note}\n`);
  if (flags.dryRun) {
    process.stdout.write(await dryRunLine(plan, params));
    return;
  }
  if (flags.distribute) {
    const meta = runMeta(params, plan.resolved, targetArgs);
    return (await import('./distribute.ts')).distributeCommand(params, plan, meta, flags.db, flags.blockSize);
  }
  const run: RunStart =
    flags.resume === undefined
      ? { kind: 'new', meta: runMeta(params, plan.resolved, flags.from !== undefined ? [`--from ${flags.from}`] : targetArgs) }
      : { kind: 'resume', runId: flags.resume };
  await (await import('./scan-run.ts')).scanPlanned(params, plan, run, flags);
}

function checkDistributable(targetArgs: string[], flags: ScanFlags): void {
  if (!isPostgresUrl(flags.db)) throw new UsageError('--distribute needs --db postgres://…: the work queue lives in PostgreSQL, which every worker reaches');
  if (flags.resume !== undefined) throw new UsageError('--distribute records a new run; workers continue it (exposure worker), not --resume');
  if (flags.from !== undefined || targetArgs.length === 0) throw new UsageError('--distribute takes target specs (addresses, ranges, CIDR, @FILE), not --from');
  if (flags.shard !== undefined) throw new UsageError('--distribute cuts the whole order into blocks itself: leave out --shard');
}

function shardOf(text: string | undefined): Shard {
  if (text === undefined) return WHOLE;
  try {
    return parseShard(text);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** A new run's parameters, from the command line. */
function requestedParameters(targetArgs: string[], flags: ScanFlags): RunParameters {
  if (flags.from !== undefined && targetArgs.length > 0) {
    throw new UsageError('give either target specs or --from FILE, not both (a result file already names its targets)');
  }
  if (flags.from === undefined && targetArgs.length === 0) throw new UsageError('no targets given: name addresses, ranges, CIDR blocks, hostnames or @FILE, or --from a ZMap/masscan result file');
  const webPorts = flags.webPorts === undefined ? undefined : parsePorts(flags.webPorts);
  const probes = flags.probes === 'help' ? undefined : flags.probes;
  const { ports } = probesAndPorts(PROBE_CATALOGUE, flags.ports === undefined ? undefined : parsePorts(flags.ports), webPorts, probes);
  return recordParameters(
    requestedFrom(flags, {
      targets: flags.from !== undefined ? { kind: 'result-file', path: flags.from, format: flags.fromFormat } : { kind: 'specs', specs: targetArgs },
      ports,
      webPorts,
      probes,
      seed: flags.seed,
      shard: shardOf(flags.shard),
    }),
  );
}
