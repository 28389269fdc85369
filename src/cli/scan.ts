/** `exposure scan`: wires scope, dialer, probes, store and progress for one run. */
import { createDialer } from '../net/dialer.ts';
import { createPseudonyms } from '../privacy/pseudonyms.ts';
import { probesAndPorts } from './web-ports.ts';
import { checkLoginsAllowed } from '../scope/login-guard.ts';
import { checkAuthorised, scopePolicy } from '../scope/guard.ts';
import { parsePorts, parseTargets } from '../scope/targets.ts';
import { runScan } from '../scan/run-scan.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import { summarise } from '../report/summary.ts';
import { renderTable } from '../report/table.ts';
import { readRangeFile } from './options.ts';
import { progressReporter } from './progress.ts';
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
  connectTimeout: number;
  ioTimeout: number;
  probeTimeout: number;
  allowList?: string;
  exclude?: string;
  quiet?: boolean;
}

export const VERSION = '0.1.0';

export function userAgent(contact?: string): string {
  return `Exposure/${VERSION} (medical imaging exposure scanner${contact ? `; contact ${contact}` : ''})`;
}

export async function scanCommand(targetArgs: string[], flags: ScanFlags): Promise<void> {
  const targets = parseTargets(targetArgs);
  const { probes, ports } = probesAndPorts(flags.ports, flags.webPorts);
  const allowList = flags.allowList ? readRangeFile(flags.allowList, '--allow-list') : [];
  const exclude = flags.exclude ? readRangeFile(flags.exclude, '--exclude') : [];
  // Refused before a single packet leaves: see scope/guard.ts and scope/login-guard.ts.
  const checkLogins = flags.checkLogins === true;
  if (checkLogins) checkLoginsAllowed(targets, allowList);
  checkAuthorised({ targets, allowList, exclude });

  const fileWalk = toFileWalk(flags, { targets, allowList, exclude });
  const identity = { callingAeTitle: flags.callingAe, userAgent: userAgent(flags.contact) };
  const limits = {
    maxRecords: flags.maxRecords,
    connectTimeoutMs: flags.connectTimeout,
    ioTimeoutMs: flags.ioTimeout,
    probeTimeoutMs: flags.probeTimeout,
    maxPduBytes: 4 << 20,
  };
  const dialer = createDialer({
    scope: scopePolicy({ targets, allowList, exclude }),
    connectTimeoutMs: flags.connectTimeout,
    maxBytesPerConnection: 256 << 20,
    connectionsPerSecond: flags.rate,
  });
  const store = openSqliteStore(flags.db);
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
      targets,
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
        targets: targetArgs,
        ports,
        options: { maxRecords: flags.maxRecords, concurrency: flags.concurrency, rate: flags.rate, guessList: flags.guessList, checkLogins, fileWalk },
        scanner: identity,
      },
      hostConcurrency: flags.concurrency,
      signal: abort.signal,
      onProgress: (p) => progress?.update(p),
      geo: hostGeoLookup((line) => process.stderr.write(`exposure: ${line}\n`)),
      onService: ({ observation: o, findings }) =>
        log.debug(
          { endpoint: `${o.endpoint.ip}:${o.endpoint.port}`, protocol: o.protocol, status: o.status, product: o.product?.name, error: o.error, findings: findings.map((f) => f.ruleId) },
          'service probed',
        ),
    });
    progress?.done(outcome.progress);
    if (!flags.quiet) {
      const model = await summarise(store, outcome.runId);
      process.stdout.write(renderTable(model, { color: process.stdout.isTTY === true, width: process.stdout.columns }));
      process.stdout.write(`\nrun ${outcome.runId} stored in ${flags.db}${outcome.interrupted ? ' (interrupted)' : ''}\n`);
    }
    if (outcome.interrupted) process.exitCode = 130;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await store.close();
  }
}
