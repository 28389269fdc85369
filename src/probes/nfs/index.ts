/**
 * The NFS probe (port mapper, TCP 111): where MOUNT v3 and NFSv3 listen
 * (GETPORT, RFC 1833), MOUNT's export list and who each export lets in, and
 * for exports open to every client a MNT and a read-only walk over NFSv3 with
 * the same bounded walk as FTP, SMB and rsync (probes/nas/), then UMNT.
 *
 * Calls carry AUTH_SYS with the scanner's own uid and gid (nobody's, 65534,
 * when the scanner runs as root: it never presents itself as root, and never
 * as anyone else). Nothing is ever written.
 */
import { catalogued } from '../catalogue.ts';
import { NetError, statusOfNetError, toNetError } from '../../net/errors.ts';
import type { NfsDetails, NfsExport } from '../../observation/file-share.ts';
import type { Endpoint, Observation, ProbeStatus } from '../../observation/observation.ts';
import { IDENTIFIER_CAP, printableIdentifier } from '../../observation/peer-text.ts';
import { decodeExports, decodeMountResult, encodeDirPath, MOUNT_PROGRAM, MOUNT_V3, MOUNTPROC3_EXPORT, MOUNTPROC3_MNT, MOUNTPROC3_UMNT, type ExportNode } from '../../protocols/nfs/mount.ts';
import { NFS_PROGRAM, NFS_V3 } from '../../protocols/nfs/nfs3.ts';
import { decodeGetPort, encodeGetPort, IPPROTO_TCP, IPPROTO_UDP, PMAP_PROGRAM, PMAP_VERSION, PMAPPROC_GETPORT } from '../../protocols/sunrpc/portmap.ts';
import { AUTH_NONE, AUTH_SYS, type AuthSys, type Credential } from '../../protocols/sunrpc/rpc.ts';
import { DEFAULT_FILE_WALK } from '../nas/limits.ts';
import { foldWalk } from '../nas/merge.ts';
import { walkTree } from '../nas/tree-walk.ts';
import { definedProbe, type Deadline, type Probe, type ProbeContext } from '../probe.ts';
import { summariseClients } from './clients.ts';
import { RpcProtocolError, RpcSession, type RpcSessionOptions } from './rpc-session.ts';
import { NfsTree } from './tree.ts';

/** Exports kept in the result, and exports mounted and walked: a server may export thousands. */
export const MAX_EXPORTS_KEPT = 32;
export const MAX_EXPORTS_WALKED = 8;
/** Group names read per export: enough to see "*" or our address among a site's list. */
export const MAX_GROUPS_KEPT = 64;
/** The largest RPC record accepted: an export list of thousands, a 32 KiB READDIRPLUS page, a 64 KiB header. */
export const MAX_RECORD_BYTES = 1 << 20;
/** The uid and gid of "nobody" (Debian's nobody and nogroup): who the scanner is when it runs as root. */
const NOBODY = 65534;

// Flavour numbers: RFC 5531 §8.2 and Appendix A (AUTH_NONE 0, AUTH_SYS 1, AUTH_DH 3), RFC 2203 (RPCSEC_GSS 6),
// RFC 2623 §2.2 (Kerberos V5 pseudo-flavours 390003–390005 in MOUNT replies).
const AUTH_NAMES: Readonly<Record<number, NonNullable<NfsExport['authFlavors']>[number]>> = { 0: 'none', 1: 'sys', 3: 'des', 390003: 'kerberos', 390004: 'kerberos', 390005: 'kerberos', 6: 'kerberos' };

function classify(err: unknown): { code: string; message: string; status: ProbeStatus } {
  if (err instanceof RpcProtocolError) return { code: err.code, message: err.message, status: err.code === 'NOT_RPC' ? 'not-this-protocol' : err.code === 'RPC_AUTH_DENIED' ? 'rejected' : 'protocol-error' };
  const e = toNetError(err);
  return { code: e.code, message: err instanceof NetError ? e.message : `${e.code} (${e.osCode ?? 'socket'})`, status: statusOfNetError(e) };
}

/** AUTH_SYS as the scanner (RFC 5531 Appendix A): its own ids, never root's. */
export function scannerCredential(machineName: string, uid = process.getuid?.() ?? NOBODY, gid = process.getgid?.() ?? NOBODY): AuthSys {
  const own = (id: number): number => (id === 0 ? NOBODY : id);
  return { flavor: AUTH_SYS, stamp: Math.floor(Date.now() / 1000) >>> 0, machineName: printableIdentifier(machineName, 64), uid: own(uid), gid: own(gid), gids: [] };
}

async function getPort(pmap: RpcSession, program: number, version: number, signal: AbortSignal, protocol = IPPROTO_TCP): Promise<number> {
  const body = await pmap.call(PMAP_PROGRAM, PMAP_VERSION, PMAPPROC_GETPORT, { flavor: AUTH_NONE }, encodeGetPort(program, version, protocol), signal);
  const port = decodeGetPort(body);
  if (!port.ok) throw new RpcProtocolError('RPC_MALFORMED', `GETPORT reply: ${port.error.field} at offset ${port.error.offset}`);
  return port.value;
}

/** What a refused MNT says about the export, in the result's words. */
function accessOf(status: string): NfsExport['access'] {
  return status === 'acces' || status === 'perm' ? 'access-denied' : 'refused';
}

async function run(endpoint: Endpoint, ctx: ProbeContext, deadline: Deadline): Promise<Observation> {
  const started = performance.now();
  const limits = ctx.fileWalk ?? DEFAULT_FILE_WALK;
  const signal = ctx.signal;
  const details: NfsDetails = { protocol: 'nfs', mountPort: 0, nfsPort: 0, exportList: 'not-attempted', exportsListed: 0, exports: [] };
  const observation: Omit<Observation, 'durationMs'> = { protocol: 'nfs', endpoint, status: 'unknown-error', startedAt: new Date().toISOString(), tls: false, exposure: {} };
  const options: RpcSessionOptions = { dialer: ctx.dialer, connectTimeoutMs: ctx.limits.connectTimeoutMs, ioTimeoutMs: ctx.limits.ioTimeoutMs, maxRecordBytes: Math.min(MAX_RECORD_BYTES, Math.max(ctx.limits.maxPduBytes, 64 << 10)) };
  const credential: Credential = scannerCredential(ctx.identity.callingAeTitle);
  const sessions: RpcSession[] = [];
  const open = async (port: number): Promise<RpcSession> => {
    const s = await RpcSession.open({ ip: endpoint.ip, port, ...(endpoint.hostname ? { hostname: endpoint.hostname } : {}) }, options, signal);
    sessions.push(s);
    return s;
  };
  let phase = 'portmapper';
  let answered = false;
  try {
    const pmap = await open(endpoint.port);
    details.mountPort = await getPort(pmap, MOUNT_PROGRAM, MOUNT_V3, signal);
    answered = true;
    observation.status = 'success';
    details.nfsPort = await getPort(pmap, NFS_PROGRAM, NFS_V3, signal);
    // The probe speaks TCP only: a program missing there is asked for over UDP, so the result says which it is.
    const overUdpOnly = async (program: number, version: number): Promise<boolean> => (await getPort(pmap, program, version, signal, IPPROTO_UDP)) !== 0;
    if (details.mountPort === 0) {
      details.exportList = (await overUdpOnly(MOUNT_PROGRAM, MOUNT_V3)) ? 'udp-only' : 'not-registered';
      return finish();
    }
    const nfsOverUdpOnly = details.nfsPort === 0 && (await overUdpOnly(NFS_PROGRAM, NFS_V3));
    pmap.close();

    phase = 'export-list';
    const mount = await open(details.mountPort);
    let listed: { exports: readonly ExportNode[]; exportCount: number };
    try {
      const body = await mount.call(MOUNT_PROGRAM, MOUNT_V3, MOUNTPROC3_EXPORT, credential, Buffer.alloc(0), signal);
      const decoded = decodeExports(body, { exports: MAX_EXPORTS_KEPT, groups: MAX_GROUPS_KEPT });
      if (!decoded.ok) throw new RpcProtocolError('RPC_MALFORMED', `EXPORT reply: ${decoded.error.field} at offset ${decoded.error.offset}`);
      listed = decoded.value;
    } catch (err) {
      if (!(err instanceof RpcProtocolError) || (err.code !== 'RPC_AUTH_DENIED' && err.code !== 'RPC_PROC_UNAVAIL')) throw err;
      details.exportList = 'refused';
      return finish();
    }
    details.exportList = 'listed';
    details.exportsListed = listed.exportCount;
    // The path as the server wrote it, for MNT; what is recorded is its capped printable form.
    const wirePaths = new Map<NfsExport, Buffer>();
    for (const node of listed.exports) {
      const groups = node.groups.map((g) => g.toString('latin1'));
      const e: NfsExport = { path: printableIdentifier(node.dir.toString('utf8'), IDENTIFIER_CAP.nfsExportPath), ...summariseClients(groups, node.groupCount, mount.localAddress), clientEntries: node.groupCount, access: 'not-tried' };
      wirePaths.set(e, node.dir);
      details.exports.push(e);
    }

    phase = 'mount';
    let nfs: RpcSession | undefined;
    let walked = 0;
    // MNT recorded us in the server's mount list (RFC 1813 I.5.4): UMNT takes us out again, as a client would; its answer changes nothing.
    const unmount = (wire: Buffer): Promise<unknown> => mount.call(MOUNT_PROGRAM, MOUNT_V3, MOUNTPROC3_UMNT, credential, encodeDirPath(wire), signal).catch(() => undefined);
    for (const e of details.exports) {
      if (signal.aborted || walked >= MAX_EXPORTS_WALKED) break;
      if (e.clients !== 'everyone') continue;
      walked += 1;
      const wire = wirePaths.get(e)!;
      phase = 'mount';
      let root: Buffer;
      try {
        const result = decodeMountResult(await mount.call(MOUNT_PROGRAM, MOUNT_V3, MOUNTPROC3_MNT, credential, encodeDirPath(wire), signal));
        if (!result.ok) throw new RpcProtocolError('RPC_MALFORMED', `MNT reply: ${result.error.field} at offset ${result.error.offset}`);
        if (result.value.status !== 'ok') {
          e.access = accessOf(result.value.status);
          continue;
        }
        e.access = 'mounted';
        e.authFlavors = [...new Set(result.value.authFlavors.map((f) => AUTH_NAMES[f] ?? 'other'))];
        root = result.value.handle;
      } catch (err) {
        if (err instanceof RpcProtocolError && err.code === 'RPC_AUTH_DENIED') {
          e.access = 'access-denied';
          continue;
        }
        e.access = 'error';
        throw err;
      }
      if (details.nfsPort === 0) {
        details.stoppedBecause = nfsOverUdpOnly ? 'nfs-v3-udp-only' : 'no-nfs-v3';
        await unmount(wire);
        continue;
      }
      phase = 'walk';
      let outcome;
      try {
        nfs ??= await open(details.nfsPort);
        outcome = await walkTree(new NfsTree(nfs, credential, root, limits.maxEntries), limits, ctx.pseudonyms.counter(), deadline);
      } finally {
        // Mounted is unmounted, whether the NFS port answered or not.
        await unmount(wire);
      }
      e.walk = outcome.walk;
      foldWalk(observation, outcome);
    }
  } catch (err) {
    const e = classify(err);
    // Connected, but no RPC reply (other bytes, silence, a close): the port speaks something else.
    const silent = !signal.aborted && ((err instanceof RpcProtocolError && err.code === 'NOT_RPC') || e.code === 'io-timeout');
    if (!answered) observation.status = silent ? 'not-this-protocol' : e.status;
    // A broken answer after the port mapper's is a protocol error; what was learned stays.
    else if (err instanceof RpcProtocolError) observation.status = 'protocol-error';
    observation.error = { code: e.code, message: e.message, phase };
  }
  return finish();

  function finish(): Observation {
    for (const s of sessions) s.close();
    return { ...observation, durationMs: Math.round(performance.now() - started), ...(answered ? { details } : {}) };
  }
}

export const nfsProbe: Probe = definedProbe('nfs', catalogued('nfs').defaultPorts, catalogued('nfs').summary, run);
