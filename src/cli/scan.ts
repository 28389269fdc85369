/** `exposure scan`: wires scope, dialer, probes, store and progress for one run. */
import { randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import { createDialer } from '../net/dialer.ts';
import { createPseudonyms } from '../privacy/pseudonyms.ts';
import { probesAndPorts } from './web-ports.ts';
import { parseShard, WHOLE, type Shard } from '../scope/permutation.ts';
import type { ResultFormat } from '../scope/result-files.ts';
import type { Resolver } from '../scope/space.ts';
import { runScan } from '../scan/run-scan.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/store.ts';
import { summarise } from '../report/summary.ts';
import { renderTable } from '../report/table.ts';
import { progressReporter, finalLine } from './progress.ts';
import { planScan } from './scan-plan.ts';
import { UsageError } from './errors.ts';
import { createLogger } from '../log.ts';
import { VERSION } from '../version.ts';
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

const DRY_RUN_WALK_LIMIT = 20_000_000;

/** Everything a run needs to be resumed with the same parameters, stored in its meta. */
const RESUMABLE = 'scanFlags';

function absoluteFileArgs(arg: string): string {
  return arg
    .split(/([,\s]+)/)
    .map((piece) => (piece.startsWith('@') && piece.length > 1 ? `@${resolve(piece.slice(1))}` : piece))
    .join('');
}

export function userAgent(contact?: string): string {
  return `Exposure/${VERSION} (medical imaging exposure scanner${contact ? `; contact ${contact}` : ''})`;
}

export async function scanCommand(targetArgs: string[], flags: ScanFlags): Promise<void> {
  if (flags.resume !== undefined) return resumeScan(targetArgs, flags);
  const seed = flags.seed ?? randomInt(2 ** 32);
  await runCommand(targetArgs, { ...flags, seed }, undefined);
}

async function resumeScan(targetArgs: string[], flags: ScanFlags): Promise<void> {
  if (targetArgs.length > 0 || flags.from !== undefined) {
    throw new UsageError('--resume continues a run with its own stored targets and options: give only --resume RUN and --db FILE');
  }
  const store = openSqliteStore(flags.db);
  let stored: ScanFlags;
  let targets: string[];
  let resolved: { name: string; addresses: string[] }[];
  try {
    const run = await store.run(flags.resume!);
    if (!run) throw new UsageError(`--resume: there is no run ${flags.resume} in ${flags.db}`);
    if (run.status === 'completed') throw new UsageError(`--resume: run ${run.id} is already completed`);
    const saved = run.meta.options[RESUMABLE] as ScanFlags | undefined;
    if (!saved) throw new UsageError(`--resume: run ${run.id} was started by an older Exposure that did not record how to resume it`);
    stored = saved;
    targets = run.meta.targets;
    resolved = (run.meta.options.resolved as typeof resolved | undefined) ?? [];
  } finally {
    await store.close();
  }
  // Same parameters as the killed run; only where to store and whether to print may differ.
  const resolver: Resolver = async (name) => resolved.find((r) => r.name === name)?.addresses ?? [];
  const resumeTargets = (stored as ScanFlags & { targetArgs?: string[] }).targetArgs ?? targets;
  await runCommand(stored.from !== undefined ? [] : resumeTargets, { ...stored, seed: stored.seed ?? 0, db: flags.db, quiet: flags.quiet, resume: flags.resume }, resolver);
}

async function runCommand(targetArgs: string[], flags: ScanFlags & { seed: number }, resolver: Resolver | undefined): Promise<void> {
  const { probes, ports } = probesAndPorts(flags.ports, flags.webPorts);
  let shard: Shard = WHOLE;
  if (flags.shard !== undefined) {
    try {
      shard = parseShard(flags.shard);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const plan = await planScan(targetArgs, { ...flags, shard }, resolver);
  for (const note of plan.notes) process.stderr.write(`exposure: note: ${note}\n`);
  if (flags.dryRun) {
    // Walk the order (as a scan would, without sending) when that takes seconds; beyond, the count is arithmetic.
    const total = plan.source.total;
    let counted: string;
    if (total !== undefined && total > DRY_RUN_WALK_LIMIT) counted = `${plan.source.approximate ? '≈' : ''}${total}`;
    else {
      let n = 0;
      for await (const _ of plan.source.items({ watermark: 0, done: new Set() })) n++;
      counted = String(n);
    }
    process.stdout.write(`dry run: ${counted} targets in this ${shard.count > 1 ? `shard (${shard.index + 1}/${shard.count})` : 'run'}, ${plan.excluded} excluded, seed ${flags.seed}; nothing was sent\n`);
    return;
  }

  // planScan has already refused every target outside loopback and private space that --allow-list
  // does not cover (scope/guard.ts): the same condition --check-logins and --check-write require.
  const checkLogins = flags.checkLogins === true;
  const fileWalk = toFileWalk(flags);
  const identity = { callingAeTitle: flags.callingAe, userAgent: userAgent(flags.contact) };
  const limits = {
    maxRecords: flags.maxRecords,
    connectTimeoutMs: flags.connectTimeout,
    ioTimeoutMs: flags.ioTimeout,
    probeTimeoutMs: flags.probeTimeout,
    maxPduBytes: 4 << 20,
  };
  const dialer = createDialer({
    scope: plan.scope,
    connectTimeoutMs: flags.connectTimeout,
    maxBytesPerConnection: 256 << 20,
    connectionsPerSecond: flags.rate,
    perHostLimit: flags.perHost,
  });
  const store: Store = openSqliteStore(flags.db);
  const abort = new AbortController();
  const onSignal = (): void => {
    process.stderr.write('\nexposure: stopping: finishing hosts in flight, nothing stored is lost\n');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = flags.quiet ? undefined : progressReporter(process.stderr);
  const log = createLogger();
  const { resume: _resume, quiet: _quiet, db: _db, dryRun: _dry, ...rest } = flags;
  // Files are recorded with absolute paths, so a resume from another directory reads the same ones.
  const recorded = {
    ...rest,
    targetArgs: targetArgs.map(absoluteFileArgs),
    exclude: flags.exclude.map((f) => resolve(f)),
    ...(flags.allowList !== undefined ? { allowList: resolve(flags.allowList) } : {}),
    ...(flags.from !== undefined ? { from: resolve(flags.from) } : {}),
  };
  try {
    const outcome = await runScan({
      source: plan.source,
      ports,
      probes,
      dialer,
      context: {
        identity,
        limits,
        dicom: { userAeTitles: flags.aeTitles, useGuessList: flags.guessList },
        pseudonyms: createPseudonyms(),
        web: { checkLogins },
        fileWalk,
      },
      store,
      meta: {
        targets: flags.from !== undefined ? [`--from ${flags.from}`] : targetArgs,
        ports,
        options: {
          maxRecords: flags.maxRecords,
          concurrency: flags.concurrency,
          rate: flags.rate,
          guessList: flags.guessList,
          checkLogins,
          fileWalk,
          seed: flags.seed,
          shard: `${shard.index + 1}/${shard.count}`,
          resolved: plan.resolved,
          [RESUMABLE]: recorded,
        },
        scanner: identity,
      },
      ...(flags.resume !== undefined ? { resumeRunId: flags.resume } : {}),
      excluded: plan.excluded,
      hostConcurrency: flags.concurrency,
      connectRetries: flags.retries,
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
      const model = await summarise(store, outcome.runId);
      process.stdout.write(renderTable(model, { color: process.stdout.isTTY === true, width: process.stdout.columns }));
      process.stdout.write(`\nrun ${outcome.runId} stored in ${flags.db}${outcome.interrupted ? ` (interrupted: continue with exposure scan --resume ${outcome.runId} --db ${flags.db})` : ''}\n`);
    }
    if (outcome.interrupted) process.exitCode = 130;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await store.close();
  }
}
