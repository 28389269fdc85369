/**
 * The SMB probe: NEGOTIATE (dialect, signing, server GUID), NTLMSSP null and
 * guest sessions (server names and OS build from the CHALLENGE), share
 * enumeration (srvsvc, else common names), then for each disk share a guest
 * can open, the same bounded walk as FTP (probes/nas/). Never writes unless
 * --check-write, and then only a new empty file deleted on close.
 */
import { catalogued } from '../catalogue.ts';
import { setMaxListeners } from 'node:events';
import { randomBytes } from 'node:crypto';
import { NetError, statusOfNetError, toNetError } from '../../net/errors.ts';
import { Status, WRITE_ACCESS_MASK } from '../../protocols/smb/smb2.ts';
import { DEFAULT_FILE_WALK } from '../nas/limits.ts';
import { foldWalk } from '../nas/merge.ts';
import type { SmbDetails, SmbShare } from '../../observation/file-share.ts';
import { walkTree } from '../nas/tree-walk.ts';
import type { Endpoint, Observation, ProbeStatus } from '../../observation/observation.ts';
import { IDENTIFIER_CAP, printableIdentifier } from '../../observation/peer-text.ts';
import { definedProbe, type Deadline, type FileWalkOptions, type Probe, type ProbeContext } from '../probe.ts';
import { SmbClient, SmbProtocolError } from './client.ts';
import { negotiate, sessionSetup } from './session.ts';
import { COMMON_SHARE_NAMES, enumerateShares, shareTypeOf } from './shares.ts';
import { rootMaximalAccess, SmbTree, treeConnect } from './share-ops.ts';
import { checkWrite } from './write-check.ts';

const SESSION_FLAG_GUEST = 0x1;
const SESSION_FLAG_NULL = 0x2;
const MAX_SHARES_WALKED = 16;

/** SmbProtocolError codes that say the server's answer broke the protocol (not that it closed or stopped answering). */
const MALFORMED: ReadonlySet<SmbProtocolError['code']> = new Set(['SMB_MALFORMED', 'SMB_UNEXPECTED', 'SMB_TOO_LARGE', 'NOT_SMB2']);

function classify(err: unknown): { code: string; message: string; status: ProbeStatus } {
  if (err instanceof SmbProtocolError) return { code: err.code, message: err.message, status: err.code === 'NOT_SMB2' ? 'not-this-protocol' : 'protocol-error' };
  const e = toNetError(err);
  return { code: e.code, message: err instanceof NetError ? e.message : `${e.code} (${e.osCode ?? 'socket'})`, status: statusOfNetError(e) };
}

async function walkShare(client: SmbClient, server: string, share: SmbShare, wireName: string, limits: FileWalkOptions, ctx: ProbeContext, deadline: Deadline) {
  const tc = await treeConnect(client, server, wireName);
  if (!tc.ok) {
    share.access = tc.status === Status.ACCESS_DENIED || tc.status === Status.LOGON_FAILURE ? 'access-denied' : tc.status === Status.BAD_NETWORK_NAME ? 'not-found' : 'error';
    return undefined;
  }
  share.access = 'tree-connected';
  if (tc.value.shareType !== 1) return undefined; // only disk shares hold files
  const outcome = await walkTree(new SmbTree(client, tc.value.treeId, limits.maxEntries), limits, ctx.pseudonyms.counter(), deadline);
  share.walk = outcome.walk;
  // A broken conversation, or the probe's time gone, ends the probe once what the walk counted is recorded (the caller merges it).
  if (outcome.failure !== undefined || deadline.signal.aborted) return outcome;
  // The root folder's maximal access says what this session may do there; the tree's is the share ACL only.
  const access = (await rootMaximalAccess(client, tc.value.treeId)) ?? tc.value.maximalAccess;
  share.write = { advertised: (access & WRITE_ACCESS_MASK) !== 0 ? 'writable' : 'read-only', probe: 'not-attempted' };
  if (limits.checkWrite) share.write.probe = await checkWrite(client, tc.value.treeId).catch(() => 'error' as const);
  return outcome;
}

async function run(endpoint: Endpoint, ctx: ProbeContext, deadline: Deadline): Promise<Observation> {
  const started = performance.now();
  const limits = ctx.fileWalk ?? DEFAULT_FILE_WALK;
  // The harness's deadline (probe.ts); each share's walk is bounded within it by --walk-time.
  const signal = ctx.signal;
  // Each read listens on it for the time it waits.
  setMaxListeners(0, signal);
  const details: SmbDetails = { protocol: 'smb', logins: [], shareEnumeration: 'not-attempted', shares: [] };
  const observation: Omit<Observation, 'durationMs'> = { protocol: 'smb', endpoint, status: 'unknown-error', startedAt: new Date().toISOString(), tls: false, exposure: {} };
  let client: SmbClient | undefined;
  let phase = 'connect';
  let negotiated = false;
  try {
    const conn = await ctx.dialer.connect(endpoint, { signal, connectTimeoutMs: ctx.limits.connectTimeoutMs });
    client = new SmbClient(conn, { ioTimeoutMs: ctx.limits.ioTimeoutMs, maxMessageBytes: Math.min(ctx.limits.maxPduBytes, 1 << 20), signal });
    phase = 'negotiate';
    await negotiate(client, details);
    negotiated = true;
    observation.status = 'success';
    observation.product = { name: 'SMB server', version: details.dialect!, basis: 'SMB2 NEGOTIATE dialect', confidence: 'guess' };

    phase = 'session-setup';
    const sessions: { kind: 'null-session' | 'guest'; id: bigint; flags: number }[] = [];
    for (const identity of [{ kind: 'anonymous' as const }, { kind: 'guest' as const, user: `exposure-guest-${randomBytes(3).toString('hex')}` }]) {
      const method = identity.kind === 'anonymous' ? 'null-session' : 'guest';
      const r = await sessionSetup(client, identity, details);
      details.logins.push({ method, outcome: r.ok ? 'accepted' : 'refused', ...(r.ok || r.status === undefined ? {} : { code: r.status }) });
      if (r.ok) sessions.push({ kind: method, id: client.sessionId, flags: r.flags });
    }
    if (details.netbiosComputerName) observation.product = { ...observation.product, name: 'SMB server', basis: 'SMB2 NEGOTIATE dialect and NTLMSSP target info' };
    // A guest account is the better walker; a null session is often limited to IPC$.
    const chosen = sessions.find((s) => s.kind === 'guest') ?? sessions[0];
    if (!chosen) {
      details.stoppedBecause = 'no-session';
      return finish();
    }
    client.sessionId = chosen.id;
    details.session = chosen.kind;
    details.sessionFlags = (chosen.flags & SESSION_FLAG_NULL) !== 0 ? 'null' : (chosen.flags & SESSION_FLAG_GUEST) !== 0 ? 'guest' : 'none';
    // MS-SMB2 3.2.5.3.1: a session that is neither guest nor null must be signed when the server requires it; we hold no key.
    if (details.signingRequired && details.sessionFlags === 'none') {
      details.stoppedBecause = 'signing-required';
      return finish();
    }

    phase = 'share-enumeration';
    const server = endpoint.hostname ?? endpoint.ip;
    let listed: { name: string; type: number }[] | undefined;
    for (const s of [chosen, ...sessions.filter((x) => x !== chosen)]) {
      client.sessionId = s.id;
      listed = await enumerateShares(client, server);
      if (listed) break;
    }
    client.sessionId = chosen.id;
    // The name as the server spelled it, for TREE_CONNECT; what is recorded is its capped printable form.
    const wireNames = new Map<SmbShare, string>();
    if (listed) {
      details.shareEnumeration = 'srvsvc';
      details.shares = listed.map((s) => {
        const share: SmbShare = { name: printableIdentifier(s.name, IDENTIFIER_CAP.shareName), type: shareTypeOf(s.type), source: 'srvsvc', access: 'not-tried' };
        wireNames.set(share, s.name);
        return share;
      });
    } else {
      details.shareEnumeration = 'common-names';
      const seen = new Set<string>();
      for (const c of COMMON_SHARE_NAMES) if (!seen.has(c.name.toLowerCase())) {
        seen.add(c.name.toLowerCase());
        details.shares.push({ name: c.name, type: 'unknown', source: 'common-names', access: 'not-tried' });
      }
    }

    phase = 'walk';
    let walked = 0;
    for (const share of details.shares) {
      if (signal.aborted) break;
      if (share.type !== 'disk' && share.type !== 'unknown') continue;
      if (walked >= MAX_SHARES_WALKED) break;
      const outcome = await walkShare(client, server, share, wireNames.get(share) ?? share.name, limits, ctx, deadline);
      if (!outcome) continue;
      walked += 1;
      foldWalk(observation, outcome);
    }
    // Common names that do not exist are noise: keep those that answered something other than "not found".
    if (details.shareEnumeration === 'common-names') details.shares = details.shares.filter((s) => s.access !== 'not-found');
  } catch (err) {
    const e = classify(err);
    if (!negotiated) observation.status = e.code === 'io-timeout' && client?.gotAnything === false ? 'not-this-protocol' : e.status;
    // A malformed answer after NEGOTIATE is a protocol error, never a success carrying an error; what was learned stays.
    else if (err instanceof SmbProtocolError && MALFORMED.has(err.code)) observation.status = 'protocol-error';
    observation.error = { code: e.code, message: e.message, phase };
  }
  return finish();

  function finish(): Observation {
    client?.close();
    return { ...observation, durationMs: Math.round(performance.now() - started), ...(negotiated ? { details } : {}) };
  }
}

export const smbProbe: Probe = definedProbe('smb', catalogued('smb').defaultPorts, catalogued('smb').summary, run);
