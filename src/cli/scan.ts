/**
 * `exposure scan`: option parsing and wiring. Flags become the run's
 * parameters (scan/run-parameters.ts), or a resume reads them back from the
 * run; the plan, the dry run and the probing are scan/'s; this file connects
 * them to the store, the terminal and the signals.
 */
import { parseShard, WHOLE, type Shard } from '../scope/permutation.ts';
import { parsePorts } from '../scope/ports.ts';
import type { ProtocolId } from '../observation/observation.ts';
import type { ResultFormat } from '../scope/result-files.ts';
import { dryRunLine } from '../scan/dry-run.ts';
import { planScan, type ScanPlan } from '../scan/plan.ts';
import { probesAndPorts } from '../scan/probe-ports.ts';
import { probingUnder } from '../scan/probing.ts';
import { resumableParameters } from '../scan/resume.ts';
import { recordParameters, runMeta, type RunParameters } from '../scan/run-parameters.ts';
import { runScan, type RunStart } from '../scan/run-scan.ts';
import { openStoreReader, openStoreSink } from '../store/index.ts';
import { summarise } from '../report/summary.ts';
import { renderTable } from '../report/table.ts';
import { progressReporter, finalLine } from './progress.ts';
import { UsageError } from './errors.ts';
import { probeListing } from './options.ts';
import { createLogger } from '../log.ts';
import { hostGeoLookup } from './geo.ts';
import { toFileWalk, type FileWalkFlags } from './file-walk.ts';

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
  greetingWait: number;
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
}

export async function scanCommand(targetArgs: string[], flags: ScanFlags): Promise<void> {
  if (flags.probes === 'help') {
    process.stdout.write(probeListing());
    return;
  }
  const params = flags.resume === undefined ? requestedParameters(targetArgs, flags) : await storedParameters(targetArgs, flags, flags.resume);
  const plan = await planScan(params);
  for (const note of plan.notes) process.stderr.write(`exposure: note: ${note}\n`);
  if (flags.dryRun) {
    process.stdout.write(await dryRunLine(plan, params));
    return;
  }
  const run: RunStart =
    flags.resume === undefined
      ? { kind: 'new', meta: runMeta(params, plan.resolved, flags.from !== undefined ? [`--from ${flags.from}`] : targetArgs) }
      : { kind: 'resume', runId: flags.resume };
  await scanPlanned(params, plan, run, flags);
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
  const { ports } = probesAndPorts(flags.ports === undefined ? undefined : parsePorts(flags.ports), webPorts, probes);
  return recordParameters({
    targets: flags.from !== undefined ? { kind: 'result-file', path: flags.from, format: flags.fromFormat } : { kind: 'specs', specs: targetArgs },
    exclude: flags.exclude,
    defaultExclusions: flags.defaultExclusions,
    allowList: flags.allowList,
    ports,
    webPorts,
    probes,
    seed: flags.seed,
    shard: shardOf(flags.shard),
    identity: { callingAeTitle: flags.callingAe, contact: flags.contact },
    dicom: { aeTitles: flags.aeTitles, guessList: flags.guessList },
    checkLogins: flags.checkLogins === true,
    fileWalk: toFileWalk(flags),
    limits: {
      maxRecords: flags.maxRecords,
      connectTimeoutMs: flags.connectTimeout,
      ioTimeoutMs: flags.ioTimeout,
      probeTimeoutMs: flags.probeTimeout,
      greetingWaitMs: flags.greetingWait,
    },
    pace: { concurrency: flags.concurrency, rate: flags.rate, perHost: flags.perHost, retries: flags.retries },
  });
}

/** A resumed run's parameters, as recorded: only where to store and whether to print come from this command line. */
async function storedParameters(targetArgs: string[], flags: ScanFlags, runId: number): Promise<RunParameters> {
  if (targetArgs.length > 0 || flags.from !== undefined) {
    throw new UsageError('--resume continues a run with its own stored targets and options: give only --resume RUN and --db FILE');
  }
  const store = openStoreSink(flags.db);
  try {
    return await resumableParameters(store, runId, flags.db);
  } finally {
    await store.close();
  }
}

async function scanPlanned(params: RunParameters, plan: ScanPlan, run: RunStart, flags: ScanFlags): Promise<void> {
  const store = openStoreSink(flags.db);
  const abort = new AbortController();
  const onSignal = (): void => {
    process.stderr.write('\nexposure: stopping: finishing hosts in flight, nothing stored is lost\n');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = flags.quiet ? undefined : progressReporter(process.stderr);
  const log = createLogger();
  try {
    const outcome = await runScan({
      ...probingUnder(params, plan.scope),
      source: plan.source,
      store,
      run,
      excluded: plan.excluded,
      signal: abort.signal,
      onProgress: (p) => progress?.update(p),
      geo: hostGeoLookup((line) => process.stderr.write(`exposure: ${line}\n`)),
      onService: ({ observation: o, findings }) =>
        log.debug(
          { endpoint: `${o.endpoint.ip}:${o.endpoint.port}`, protocol: o.protocol, status: o.status, product: o.product?.name, error: o.error, findings: findings.map((f) => f.ruleId) },
          'service probed',
        ),
    });
    if (progress) progress.done(outcome.progress);
    else process.stderr.write(`done: ${finalLine(outcome.progress)}\n`);
    if (!flags.quiet) {
      process.stdout.write(await summaryTable(flags.db, outcome.runId));
      process.stdout.write(`\nrun ${outcome.runId} stored in ${flags.db}${outcome.interrupted ? ` (interrupted: continue with exposure scan --resume ${outcome.runId} --db ${flags.db})` : ''}\n`);
    }
    if (outcome.interrupted) process.exitCode = 130;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await store.close();
  }
}

/** The run's table as `exposure report` shows it, read through a reader like any report. */
async function summaryTable(db: string, runId: number): Promise<string> {
  const reader = openStoreReader(db);
  try {
    return renderTable(await summarise(reader, runId), { color: process.stdout.isTTY === true, width: process.stdout.columns });
  } finally {
    await reader.close();
  }
}
