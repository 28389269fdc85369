/**
 * The probing half of `exposure scan`, imported only when a scan really runs
 * (not for a dry run): the store, the worker pool and its probes, progress on
 * the terminal, signals, and the summary at the end.
 */
import type { ScanPlan } from '../scan/plan.ts';
import { probingUnder } from '../scan/probing.ts';
import { resumableParameters } from '../scan/resume.ts';
import type { RunParameters } from '../scan/run-parameters.ts';
import { runScan, type RunStart } from '../scan/run-scan.ts';
import { keepingHoneypots, openStoreReader, openStoreSink, storeLabel } from '../store/index.ts';
import { honeypotPass } from './honeypots.ts';
import { summariseScan } from '../report/bounded.ts';
import { renderScanSummary, SCAN_SUMMARY_EXPOSED } from '../report/table.ts';
import { progressReporter, finalLine } from './progress.ts';
import { UsageError } from './errors.ts';
import { createLogger } from '../log.ts';
import { hostGeoLookup } from './geo.ts';
import type { ScanFlags } from './scan.ts';

/** A resumed run's parameters, as recorded: only where to store and whether to print come from this command line. */
export async function storedParameters(targetArgs: string[], flags: ScanFlags, runId: number): Promise<RunParameters> {
  if (targetArgs.length > 0 || flags.from !== undefined) {
    throw new UsageError('--resume continues a run with its own stored targets and options: give only --resume RUN and --db FILE');
  }
  const store = openStoreSink(flags.db);
  try {
    return await resumableParameters(store, runId, storeLabel(flags.db));
  } finally {
    await store.close();
  }
}

export async function scanPlanned(params: RunParameters, plan: ScanPlan, run: RunStart, flags: ScanFlags): Promise<void> {
  // Batches are validated and written on a thread of their own, off the thread that probes.
  const store = openStoreSink(flags.db, { writeThread: true });
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
    await honeypotPass(flags.db, outcome.runId);
    if (!flags.quiet) {
      process.stdout.write(await closingSummary(flags.db, outcome.runId, flags.keepHoneypots === true));
      const where = storeLabel(flags.db);
      process.stdout.write(`\nrun ${outcome.runId} stored in ${where}${outcome.interrupted ? ` (interrupted: continue with exposure scan --resume ${outcome.runId} --db ${where})` : ''}\n`);
    }
    if (outcome.interrupted) process.exitCode = 130;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await store.close();
  }
}

/**
 * What the run found, read through a reader like any report: counts by
 * protocol and severity from aggregates and the first exposed services, so it
 * costs the same after a million services as after ten (`exposure report` has the rest).
 */
async function closingSummary(db: string, runId: number, keepHoneypots: boolean): Promise<string> {
  const opened = openStoreReader(db);
  const reader = keepHoneypots ? keepingHoneypots(opened) : opened;
  try {
    return renderScanSummary(await summariseScan(reader, runId, SCAN_SUMMARY_EXPOSED), { color: process.stdout.isTTY === true, width: process.stdout.columns });
  } finally {
    await reader.close();
  }
}
