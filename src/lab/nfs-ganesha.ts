/**
 * NFS for the lab: Debian's nfs-ganesha (userspace, FSAL_VFS) serving NFSv3
 * and MOUNT v3 over TCP, registered with its own rpcbind, both on one 127.x
 * address.
 *
 * rpcbind has no option to bind one address for TCP (-h is for UDP, and adds
 * 127.0.0.1), so the lab's bind shim pins its wildcard listeners. It also
 * keeps its registration socket and lock file in /run (rpcbind.sock,
 * rpcbind.lock), where a host's own rpcbind would meet ours: both daemons run
 * in a mount namespace of their own (`unshare --mount`) with a private tmpfs
 * on /run, so ganesha registers with the lab's rpcbind and nothing of the
 * host's is touched. That needs root, as port 111 does anyway.
 *
 * Exports are named by their Pseudo path for NFSv3 too (Mount_Path_Pseudo):
 * MOUNT's EXPORT list and MNT then say "/images", as a NAS's do, rather than
 * the lab's folder on the host, which would put a path of the machine
 * running the lab into every report.
 *
 * One process group: the wrapper shell starts rpcbind, waits (bounded) for its
 * socket and becomes ganesha, so stopping the group by PID stops both.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findBinary, spawnServer, type SpawnedServer } from './process.ts';

export const NFS_PORT = 2049;
/** MOUNT's port, fixed so the lab starts the same way each time (ganesha would otherwise take one). */
export const MOUNT_PORT = 20048;
export const PORTMAP_PORT = 111;

export interface NfsExportConfig {
  readonly id: number;
  readonly path: string;
  /** The path MOUNT lists and clients mount, NFSv3 and NFSv4 alike (ganesha's Pseudo, with Mount_Path_Pseudo). */
  readonly pseudo: string;
  /** Undefined: every client may mount it read-only. Otherwise only these. */
  readonly clients?: readonly string[];
}

export interface GaneshaOptions {
  readonly ip: string;
  readonly exports: readonly NfsExportConfig[];
}

function exportBlock(e: NfsExportConfig): string {
  // An export limited to a client list grants nothing by default and read-only to its CLIENT block.
  const access = e.clients === undefined ? 'Access_Type = RO;' : `Access_Type = None;\n  CLIENT { Clients = ${e.clients.join(', ')}; Access_Type = RO; }`;
  return `EXPORT {
  Export_Id = ${e.id};
  Path = ${e.path};
  Pseudo = ${e.pseudo};
  Protocols = 3;
  Transports = TCP;
  Squash = root_squash;
  ${access}
  FSAL { Name = VFS; }
}`;
}

export function ganeshaConfig(o: GaneshaOptions): string {
  return `NFS_CORE_PARAM {
  Bind_addr = ${o.ip};
  NFS_Port = ${NFS_PORT};
  MNT_Port = ${MOUNT_PORT};
  Mount_Path_Pseudo = true;
  Enable_NLM = false;
  Enable_RQUOTA = false;
  Protocols = 3;
}
NFS_KRB5 { Active_krb5 = false; }
NFSV4 { Graceless = true; }
${o.exports.map(exportBlock).join('\n')}
`;
}

/** Shell of the wrapper: private /run, rpcbind pinned by the shim, then ganesha in the foreground. */
const WRAPPER = `set -eu
mount -t tmpfs -o size=1m,mode=0755 exposure-lab-run /run
LD_PRELOAD="$EXPOSURE_SHIM" EXPOSURE_LAB_BIND="$EXPOSURE_IP" "$EXPOSURE_RPCBIND" -f -w &
tries=0
until [ -S /run/rpcbind.sock ]; do
  tries=$((tries + 1))
  [ "$tries" -le 100 ] || { echo "rpcbind did not create its socket" >&2; exit 1; }
  sleep 0.05
done
exec "$EXPOSURE_GANESHA" -F -f "$EXPOSURE_CONFIG" -L "$EXPOSURE_LOG" -p "$EXPOSURE_PIDFILE" -N NIV_EVENT
`;

export async function launchGanesha(serverDir: string, shim: string, o: GaneshaOptions): Promise<SpawnedServer> {
  const [unshare, rpcbind, ganesha] = await Promise.all([findBinary('unshare'), findBinary('rpcbind'), findBinary('ganesha.nfsd')]);
  const config = join(serverDir, 'ganesha.conf');
  await writeFile(config, ganeshaConfig(o));
  return spawnServer(unshare, ['--mount', '--propagation', 'private', '/bin/sh', '-c', WRAPPER], {
    cwd: serverDir,
    logFile: join(serverDir, 'ganesha.out'),
    env: {
      PATH: process.env['PATH'] ?? '',
      EXPOSURE_SHIM: shim,
      EXPOSURE_IP: o.ip,
      EXPOSURE_RPCBIND: rpcbind,
      EXPOSURE_GANESHA: ganesha,
      EXPOSURE_CONFIG: config,
      EXPOSURE_LOG: join(serverDir, 'ganesha.log'),
      EXPOSURE_PIDFILE: join(serverDir, 'ganesha.pid'),
    },
  });
}
