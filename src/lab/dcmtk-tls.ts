/**
 * The lab's DICOM TLS server: DCMTK storescp with +tls (PS3.15 Annex B), on a
 * key pair and self-signed certificate made at each start with
 * `openssl req -x509`, so no key material is ever kept in the repository.
 * DCMTK 3.6.7 storescp requires a client certificate by default (-rc); the lab
 * passes -ic, as a site that only wants encryption would.
 */
import { join } from 'node:path';
import { makeSelfSigned } from './certificate.ts';
import { findBinary, spawnServer, type SpawnedServer } from './process.ts';
import type { ServerDefinition } from './servers.ts';
import { pinnedEnv } from './shim.ts';

export async function launchStorescpTls(def: ServerDefinition, ip: string, serverDir: string, shim: string): Promise<SpawnedServer> {
  const binary = await findBinary('storescp');
  const pair = await makeSelfSigned(serverDir, [['CN', `exposure-lab-${def.name}`]]);
  const args = ['--ignore', '+tls', pair.key, pair.cert, '-ic', '-aet', def.aeTitle, String(def.dicomPort)];
  return spawnServer(binary, args, { cwd: serverDir, logFile: join(serverDir, `${def.name}.log`), env: pinnedEnv(shim, ip) });
}
