/**
 * The FTP probe: greeting and product, FEAT, anonymous then blank login,
 * and when in, a bounded walk of the tree counting DICOM files, bytes and
 * compromise indicators (probes/nas/). Never downloads more than the first
 * bytes of a sampled file; never writes unless --check-write.
 *
 * Every socket (control and passive data) comes from the dialer.
 */
import { catalogued } from '../catalogue.ts';
import { setMaxListeners } from 'node:events';
import type { Client } from 'basic-ftp';
import { abortError } from '../../net/deadline.ts';
import { NetError, statusOfNetError, toNetError } from '../../net/errors.ts';
import type { ProbeStatus } from '../../observation/observation.ts';
import { DEFAULT_FILE_WALK, TEXT_READ } from '../nas/limits.ts';
import type { FtpDetails, LoginAttempt } from '../../observation/file-share.ts';
import { walkTree } from '../nas/tree-walk.ts';
import type { Endpoint, Observation } from '../../observation/observation.ts';
import { definedProbe, type Deadline, type Probe, type ProbeContext } from '../probe.ts';
import { cleanBanner, fingerprintFtp } from './fingerprints.ts';
import { openSession, tryLogin, type SessionOptions } from './session.ts';
import { FtpTree } from './tree.ts';
import { checkWrite } from './write-check.ts';

type Credentials = { method: 'anonymous' | 'blank'; user: string; password: string };

/** An e-mail-like password that says who is asking (RFC 1635 3: anonymous FTP asks for an e-mail address). */
export function anonymousPassword(userAgent: string): string {
  const contact = /contact ([^\s;()]+@[^\s;()]+)/.exec(userAgent)?.[1];
  return contact ?? 'exposure-scanner@localhost';
}

/** RFC 959 reply: is this a greeting from an FTP server at all? */
function isFtpGreeting(message: string): boolean {
  return /^[12345]\d\d[ -]/.test(message);
}

class NotFtp extends Error {
  override readonly name = 'NotFtp';
}

/**
 * Our own code and message for whatever failed: basic-ftp's messages quote the
 * server's replies, and peer text never reaches an error message.
 */
function classify(err: unknown, signal: AbortSignal): { code: string; message: string; status: ProbeStatus } {
  // Our own signal fired (the scan stopped, or the probe's time ran out: its reason says which):
  // basic-ftp reports the client we closed on it as an ordinary error, which is not what happened.
  if (signal.aborted) {
    const e = abortError(signal, 'the probe was stopped before it finished');
    return { code: e.code, message: e.message, status: statusOfNetError(e) };
  }
  if (err instanceof NotFtp) return { code: 'NOT_FTP', message: 'the greeting is not an FTP reply', status: 'not-this-protocol' };
  if (err instanceof NetError || (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string')) {
    const e = toNetError(err);
    return { code: e.code, message: e instanceof NetError && err instanceof NetError ? e.message : `${e.code} (${e.osCode ?? 'socket'})`, status: statusOfNetError(e) };
  }
  if (err instanceof Error && /^Timeout/i.test(err.message)) return { code: 'io-timeout', message: 'the server did not answer within the I/O timeout', status: 'io-timeout' };
  if (err instanceof Error && err.name === 'FTPError') return { code: 'FTP_REPLY', message: 'the server answered with an error reply', status: 'protocol-error' };
  return { code: 'FTP_ERROR', message: 'the FTP exchange failed', status: 'protocol-error' };
}

async function run(endpoint: Endpoint, ctx: ProbeContext, deadline: Deadline): Promise<Observation> {
  const started = performance.now();
  const limits = ctx.fileWalk ?? DEFAULT_FILE_WALK;
  // The harness's deadline (probe.ts): it also cuts every socket of the session, control and data.
  const signal = ctx.signal;
  // Each (re)connection listens on it for the time it lives; their number is bounded by the reconnect budget.
  setMaxListeners(0, signal);
  const details: FtpDetails = { protocol: 'ftp', authTls: false, mlsd: false, logins: [], refusedPassiveTargets: 0 };
  const observation: Omit<Observation, 'durationMs'> = {
    protocol: 'ftp',
    endpoint,
    status: 'unknown-error',
    startedAt: new Date().toISOString(),
    tls: false,
    exposure: {},
  };
  const sessionOptions: SessionOptions = {
    dialer: ctx.dialer,
    endpoint,
    connectTimeoutMs: ctx.limits.connectTimeoutMs,
    ioTimeoutMs: ctx.limits.ioTimeoutMs,
    signal,
    maxListingBytes: 4 << 20,
    onPassiveRefused: () => {
      details.refusedPassiveTargets += 1;
    },
  };
  let phase = 'connect';
  let tree: FtpTree | undefined;
  let greeted = false;
  try {
    const first = await openSession(sessionOptions);
    greeted = true;
    phase = 'greeting';
    if (!isFtpGreeting(first.welcome.message)) throw new NotFtp();
    // The greeting is free text a server's owner writes: matched in memory, never kept (docs/peer-text.md).
    const product = fingerprintFtp(cleanBanner(first.welcome.message));
    if (product) observation.product = product;
    phase = 'feat';
    const features = await first.client.features().catch(() => new Map<string, string>());
    details.authTls = /\bTLS\b/i.test(features.get('AUTH') ?? '');
    details.mlsd = features.has('MLST');

    phase = 'login';
    const candidates: Credentials[] = [
      { method: 'anonymous', user: 'anonymous', password: anonymousPassword(ctx.identity.userAgent) },
      { method: 'blank', user: '', password: '' },
    ];
    let client: Client | undefined = first.client;
    let credentials: Credentials | undefined;
    for (const c of candidates) {
      client ??= (await openSession(sessionOptions)).client;
      const r = await tryLogin(client, c.user, c.password);
      const attempt: LoginAttempt = { method: c.method, outcome: r.ok ? 'accepted' : r.code === undefined ? 'error' : 'refused', ...(r.ok || r.code === undefined ? {} : { code: r.code }) };
      details.logins.push(attempt);
      if (r.ok) {
        credentials = c;
        break;
      }
      client.close(); // a refused USER/PASS leaves servers in differing states: start clean
      client = undefined;
    }
    observation.status = 'success';
    if (credentials && client) {
      details.loggedInAs = credentials.method;
      phase = 'walk';
      const creds = credentials;
      let reuse: Client | undefined = client;
      await client.useDefaultSettings();
      tree = new FtpTree(async (bound) => {
        if (reuse) {
          const c = reuse;
          reuse = undefined;
          return c;
        }
        // A reconnect during the walk is the walk's: it stops with --walk-time as well as with the probe.
        const { client: c } = await openSession({ ...sessionOptions, signal: bound });
        const r = await tryLogin(c, creds.user, creds.password);
        if (!r.ok) {
          c.close();
          throw new Error('login refused on reconnect');
        }
        await c.useDefaultSettings();
        return c;
      }, limits.maxHeaderSamples + TEXT_READ.maxFiles + 5, limits.maxEntries); // a read cut at its cap costs a reconnect
      const outcome = await walkTree(tree, limits, ctx.pseudonyms.counter(), deadline);
      details.walk = outcome.walk;
      observation.exposure = outcome.exposure;
      if (outcome.inventory) observation.inventory = outcome.inventory;
      details.write = { advertised: outcome.listingSaysWritable ? 'writable' : 'unknown', probe: 'not-attempted' };
      if (limits.checkWrite) {
        phase = 'write-check';
        details.write.probe = await checkWrite(await tree.session(signal), outcome.writableFolder ?? []).catch(() => 'error' as const);
      }
    }
  } catch (err) {
    const e = classify(err, signal);
    const stopped = signal.aborted;
    // Connected but no FTP greeting (other bytes, silence, a close): the port speaks something else.
    if (!greeted) observation.status = err instanceof NetError || stopped ? e.status : 'not-this-protocol';
    else if (phase === 'greeting') observation.status = e.status === 'out-of-scope' || stopped ? e.status : 'not-this-protocol';
    else if (observation.status !== 'success') observation.status = e.code === 'io-timeout' || stopped ? e.status : 'protocol-error';
    observation.error = { code: e.code, message: e.message, phase };
  } finally {
    tree?.close();
  }
  return { ...observation, durationMs: Math.round(performance.now() - started), ...(greeted ? { details } : {}) };
}

export const ftpProbe: Probe = definedProbe('ftp', catalogued('ftp').defaultPorts, catalogued('ftp').summary, run);
