/**
 * `exposure serve`: the local dashboard over a store (src/web/). Binds
 * 127.0.0.1 by default; another address only with --tls-cert and --tls-key.
 * The access token is random (256 bits) and printed here, or read from
 * --token-file; the browser exchanges it once for a session cookie.
 * Runs until interrupted (Ctrl-C or SIGTERM).
 */
import { readFileSync } from 'node:fs';
import { createLogger } from '../log.ts';
import { openStoreKeeper, openStoreReader, storeLabel, type RunRow } from '../store/index.ts';
import { planScan } from '../scan/plan.ts';
import { parametersOfRun } from '../scan/run-parameters.ts';
import { MIN_TOKEN_LENGTH, newToken } from '../web/auth.ts';
import { startDashboard } from '../web/server.ts';
import { verifyFinding } from '../watch/verify.ts';
import { hostGeoLookup } from './geo.ts';
import { UsageError } from './errors.ts';

export interface ServeFlags {
  db: string;
  host: string;
  port: number;
  tokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
}

function readFile(path: string, option: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UsageError(`${option} ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** The token in --token-file: its first line, trimmed; long enough to be a secret. */
function tokenFromFile(path: string): string {
  const token = readFile(path, '--token-file').toString('utf8').split(/\r?\n/)[0]?.trim() ?? '';
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new UsageError(`--token-file ${path}: the token has ${token.length} characters; it needs at least ${MIN_TOKEN_LENGTH} (e.g. from "openssl rand -base64 32")`);
  }
  return token;
}

/**
 * How many targets a running run has, from its recorded parameters planned
 * again (the scan's own count, no packet sent); once per run. Result-file
 * runs are not read again for it: the live view then shows no percentage.
 */
function targetCounter(where: string): (run: RunRow) => Promise<number | undefined> {
  const known = new Map<number, Promise<number | undefined>>();
  return (run) => {
    let count = known.get(run.id);
    if (!count) {
      count = (async () => {
        const p = parametersOfRun(run, where);
        if (p.targets.kind !== 'specs') return undefined;
        return (await planScan(p)).source.total;
      })().catch(() => undefined);
      known.set(run.id, count);
    }
    return count;
  };
}

export async function serveCommand(flags: ServeFlags): Promise<void> {
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together: give both, or neither');
  const token = flags.tokenFile ? tokenFromFile(flags.tokenFile) : newToken();
  const tls = flags.tlsCert && flags.tlsKey ? { cert: readFile(flags.tlsCert, '--tls-cert'), key: readFile(flags.tlsKey, '--tls-key') } : undefined;
  const store = openStoreReader(flags.db);
  // Stops a verification in flight when the dashboard stops.
  const stopping = new AbortController();
  try {
    // A store that cannot be read says so now, not at the first page.
    await store.latestRunId();
    const dashboard = await startDashboard({
      store,
      host: flags.host,
      port: flags.port,
      token,
      ...(tls ? { tls } : {}),
      targetsOf: targetCounter(storeLabel(flags.db)),
      log: createLogger(),
      verify: verifier(flags.db, stopping.signal),
    });
    const lines = [`Exposure dashboard of ${storeLabel(flags.db)} at ${dashboard.url}`];
    if (flags.tokenFile) lines.push(`Log in with the access token in ${flags.tokenFile}.`);
    else lines.push(`Access token: ${token}`, `Open ${dashboard.url}login and give the token (it is exchanged for a session cookie). Ctrl-C stops the dashboard.`);
    process.stdout.write(`${lines.join('\n')}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    stopping.abort();
    await dashboard.close();
  } finally {
    await store.close();
  }
}

/**
 * The dashboard's verify button: `exposure verify` on one finding, with a
 * store opened for writing only for the time it takes (the dashboard reads).
 */
function verifier(db: string, signal: AbortSignal): (findingId: number) => Promise<{ runId: number }> {
  return async (findingId) => {
    const keeper = openStoreKeeper(db);
    try {
      const v = await verifyFinding(keeper, { id: findingId }, storeLabel(db), { signal, geo: hostGeoLookup(() => undefined) });
      return { runId: v.runId };
    } finally {
      await keeper.close();
    }
  };
}
