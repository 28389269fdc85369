/**
 * `exposure watch CONFIG`: the scopes of a watch configuration scanned on
 * their schedules (or each once, --once), each run stored as a scan's,
 * compared with the scope's previous run, alerts sent, old runs pruned
 * (watch/watcher.ts). Every scope is planned and every alert key looked up
 * before the first scan, so a mistake is one line at the start.
 *
 * Exit status with --once: 0; 3 when a run has critical findings its previous
 * run did not (as `exposure diff`); 1 when a scope failed or an alert could
 * not be delivered; 130 when stopped; 2 for a mistake in the configuration.
 * Without --once the watch runs until stopped: 0, or 130 if a scan was cut short.
 */
import { counted } from '../observation/count.ts';
import { openStoreKeeper, storeLabel } from '../store/index.ts';
import { alertChannels } from '../watch/channels.ts';
import { loadWatchConfig, type WatchConfig } from '../watch/config.ts';
import { WatchError } from '../watch/errors.ts';
import { checkScope } from '../watch/rescan.ts';
import { watchScopes, type ScopeOutcome, type WatchEvent } from '../watch/watcher.ts';
import { NEW_CRITICAL_EXIT } from './diff.ts';
import { isUserError } from './errors.ts';
import { hostGeoLookup } from './geo.ts';

export interface WatchFlags {
  db: string;
  once?: boolean;
}

function say(line: string): void {
  process.stderr.write(`${new Date().toISOString()} exposure watch: ${line}\n`);
}

/** One line per event, for a terminal or a log. */
export function eventLine(e: WatchEvent, minSeverity: string): string {
  const scope = `scope ${e.scope}`;
  switch (e.kind) {
    case 'scanning':
      return `${scope}: scanning`;
    case 'stored':
      return `${scope}: run ${e.runId} stored${e.interrupted ? ' (interrupted: not compared)' : ''}`;
    case 'assessed':
      return `${scope}: run ${e.runId}: honeypot pass: ${counted(e.likelyHoneypots, 'likely honeypot')}`;
    case 'assess-failed':
      return `${scope}: run ${e.runId}: the honeypot pass failed (${e.reason}); its figures count every service until "exposure report --run ${e.runId}" assesses it`;
    case 'compared':
      return e.previousRunId === undefined
        ? `${scope}: run ${e.runId} is the scope's first: ${counted(e.newFindings, 'finding')} ${minSeverity} or worse`
        : `${scope}: run ${e.runId} against run ${e.previousRunId}: ${counted(e.newFindings, 'new finding')} ${minSeverity} or worse, ${e.fixedFindings} fixed`;
    case 'alerted':
      return `${scope}: alert ${e.report.delivered ? 'sent' : 'NOT delivered'} by ${e.channel} (${counted(e.report.attempts, 'attempt')}, ${e.report.detail})`;
    case 'pruned':
      return `${scope}: removed ${e.runIds.length === 1 ? 'run' : 'runs'} ${e.runIds.join(', ')} (beyond the scope's retention)`;
    case 'waiting':
      return `next: ${scope} at ${e.until.toISOString()}`;
    case 'failed':
      return `${scope} failed: ${e.error.message}`;
  }
}

/** Every scope planned before the first scan; a mistake names the file and the scope. */
async function checkScopes(config: WatchConfig): Promise<void> {
  for (const scope of config.scopes) {
    try {
      for (const note of await checkScope(scope)) say(`scope ${scope.name}: note: ${note}`);
    } catch (err) {
      if (isUserError(err)) throw new WatchError('CONFIG', `${config.source}: scope ${scope.name}: ${err.message}`);
      throw err;
    }
  }
}

/** With --once; a watch without it ends only when stopped: 0 then, unless a scan was cut short. */
function exitCode(outcomes: readonly ScopeOutcome[], stopped: boolean, once: boolean): number {
  if (outcomes.some((o) => o.interrupted) || (once && stopped)) return 130;
  if (!once) return 0;
  if (outcomes.some((o) => o.error !== undefined || o.deliveries.some((d) => !d.delivered))) return 1;
  // Critical findings new since the previous run (a first run compares with nothing: all of it is new).
  if (outcomes.some((o) => (o.alert?.newFindings ?? []).some((f) => f.severity === 'critical'))) return NEW_CRITICAL_EXIT;
  return 0;
}

export async function watchCommand(configPath: string, flags: WatchFlags): Promise<void> {
  const config = loadWatchConfig(configPath);
  const channels = alertChannels(config.alerts, process.env);
  await checkScopes(config);
  const minSeverity = config.alerts?.minSeverity ?? 'high';
  const store = openStoreKeeper(flags.db, { writeThread: true });
  const abort = new AbortController();
  const onSignal = (): void => {
    say('stopping (a scan in flight is stored as interrupted)');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  say(`${counted(config.scopes.length, 'scope')} from ${config.source} into ${storeLabel(flags.db)}; alerts: ${channels.map((c) => c.label).join(', ') || 'none'}`);
  try {
    const outcomes = await watchScopes(
      config,
      {
        store,
        channels,
        minSeverity,
        keepHoneypots: config.keepHoneypots,
        hooks: { signal: abort.signal, geo: hostGeoLookup(say), note: (line) => say(`note: ${line}`) },
        runStored: async (runId) => (await import('./honeypots.ts')).honeypotPass(flags.db, runId),
        onEvent: (e) => say(eventLine(e, minSeverity)),
      },
      { once: flags.once === true },
    );
    process.exitCode = exitCode(outcomes, abort.signal.aborted, flags.once === true);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await store.close();
  }
}
