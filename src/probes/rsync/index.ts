/**
 * The rsync probe (TCP 873): the daemon's greeting and protocol version, its
 * module list, and for each listed module a request without credentials.
 * A module that answers OK is walked read-only with the same bounded walk as
 * FTP and SMB (probes/nas/): the sender's file list, and for a capped sample
 * the first bytes of a file. A module behind a secret is reported as such:
 * no user name or secret is ever sent. Nothing is ever written.
 */
import { catalogued } from '../catalogue.ts';
import { NetError, statusOfNetError, toNetError } from '../../net/errors.ts';
import type { RsyncDetails, RsyncModule } from '../../observation/file-share.ts';
import type { Endpoint, Observation, ProbeStatus } from '../../observation/observation.ts';
import { IDENTIFIER_CAP, printableIdentifier } from '../../observation/peer-text.ts';
import { listArguments, MIN_WALK_PROTOCOL } from '../../protocols/rsync/daemon.ts';
import { DEFAULT_FILE_WALK } from '../nas/limits.ts';
import { foldWalk } from '../nas/merge.ts';
import { walkTree } from '../nas/tree-walk.ts';
import { definedProbe, type Deadline, type Probe, type ProbeContext } from '../probe.ts';
import { RsyncProtocolError, RsyncSession, type ModuleAnswer, type SessionOptions } from './session.ts';
import { RsyncTree } from './tree.ts';

/** Module names kept in the result, and modules asked for: a daemon may list thousands. */
export const MAX_MODULES_KEPT = 32;
export const MAX_MODULES_WALKED = 16;

const ACCESS: Readonly<Record<ModuleAnswer, RsyncModule['access']>> = { ok: 'anonymous', 'auth-required': 'auth-required', refused: 'refused', closed: 'closed' };

function classify(err: unknown): { code: string; message: string; status: ProbeStatus } {
  if (err instanceof RsyncProtocolError) return { code: err.code, message: err.message, status: err.code === 'NOT_RSYNC' ? 'not-this-protocol' : 'protocol-error' };
  const e = toNetError(err);
  return { code: e.code, message: err instanceof NetError ? e.message : `${e.code} (${e.osCode ?? 'socket'})`, status: statusOfNetError(e) };
}

async function run(endpoint: Endpoint, ctx: ProbeContext, deadline: Deadline): Promise<Observation> {
  const started = performance.now();
  const limits = ctx.fileWalk ?? DEFAULT_FILE_WALK;
  const signal = ctx.signal;
  // A connection per module and per sampled header waits on it through net/abort-watch: one listener, however many.
  const details: RsyncDetails = { protocol: 'rsync', serverProtocol: 0, protocolVersion: 0, moduleList: 'not-attempted', modulesListed: 0, moduleListCut: false, modules: [] };
  const observation: Omit<Observation, 'durationMs'> = { protocol: 'rsync', endpoint, status: 'unknown-error', startedAt: new Date().toISOString(), tls: false, exposure: {} };
  const options: SessionOptions = { dialer: ctx.dialer, endpoint, connectTimeoutMs: ctx.limits.connectTimeoutMs, ioTimeoutMs: ctx.limits.ioTimeoutMs, signal };
  let phase = 'greeting';
  let greeted = false;
  let session: RsyncSession | undefined;
  try {
    session = await RsyncSession.open(options);
    greeted = true;
    const greeting = session.greeting!;
    details.serverProtocol = greeting.version;
    details.protocolVersion = session.protocol;
    observation.status = 'success';
    // The greeting names a protocol, not a release: no version is claimed (known-CVE matching reads versions).
    observation.product = { name: 'rsync', basis: `rsync daemon greeting, protocol ${greeting.version}`, confidence: 'likely' };

    phase = 'module-list';
    const listed = await session.listModules(MAX_MODULES_KEPT);
    session.close();
    details.moduleList = listed.refused ? 'refused' : 'listed';
    details.modulesListed = listed.listed;
    details.moduleListCut = listed.cut;
    // The name as the daemon spelled it, for the module request; what is recorded is its capped printable form.
    const wireNames = new Map<RsyncModule, string>();
    for (const name of listed.names) {
      const m: RsyncModule = { name: printableIdentifier(name, IDENTIFIER_CAP.rsyncModule), access: 'not-tried' };
      wireNames.set(m, name);
      details.modules.push(m);
    }
    if (session.protocol < MIN_WALK_PROTOCOL) {
      details.stoppedBecause = 'old-protocol';
      return finish();
    }

    phase = 'walk';
    for (const m of details.modules.slice(0, MAX_MODULES_WALKED)) {
      if (signal.aborted) break;
      const wire = wireNames.get(m)!;
      let answer: keyof typeof ACCESS;
      try {
        session = await RsyncSession.open(options);
        answer = await session.requestModule(wire, listArguments(wire));
      } catch (err) {
        // This module was tried: its request failed (and the walk stops, with what was learned kept).
        m.access = 'error';
        throw err;
      }
      m.access = ACCESS[answer];
      if (answer !== 'ok') {
        session.close();
        continue;
      }
      const tree = new RsyncTree(session, (bound) => RsyncSession.open(options, bound), wire, limits.maxEntries);
      const outcome = await walkTree(tree, limits, ctx.pseudonyms.counter(), deadline);
      m.walk = outcome.walk;
      foldWalk(observation, outcome);
    }
  } catch (err) {
    const e = classify(err);
    // Connected, but no greeting (other bytes, silence, a close): the port speaks something else.
    const silent = !signal.aborted && (err instanceof RsyncProtocolError || e.code === 'io-timeout');
    if (!greeted) observation.status = silent ? 'not-this-protocol' : e.status;
    // A broken answer after the greeting is a protocol error, never a success carrying an error; what was learned stays.
    else if (err instanceof RsyncProtocolError && err.code !== 'RSYNC_CLOSED') observation.status = 'protocol-error';
    observation.error = { code: e.code, message: e.message, phase };
  }
  return finish();

  function finish(): Observation {
    session?.close();
    return { ...observation, durationMs: Math.round(performance.now() - started), ...(greeted ? { details } : {}) };
  }
}

export const rsyncProbe: Probe = definedProbe('rsync', catalogued('rsync').defaultPorts, catalogued('rsync').summary, run);
