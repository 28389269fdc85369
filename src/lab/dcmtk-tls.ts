/**
 * The lab's DICOM TLS server: DCMTK storescp with +tls (PS3.15 Annex B), on a
 * key pair and self-signed certificate made at each start with
 * `openssl req -x509`, so no key material is ever kept in the repository.
 * DCMTK 3.6.7 storescp requires a client certificate by default (-rc); the lab
 * passes -ic, as a site that only wants encryption would.
 */
import { join } from 'node:path';
import { LabError } from './errors.ts';
import { findBinary, logTail, runTool, spawnServer, type SpawnedServer } from './process.ts';
import type { ServerDefinition } from './servers.ts';
import { pinnedEnv } from './shim.ts';

export interface SelfSignedPair {
  readonly key: string;
  readonly cert: string;
}

/** A fresh RSA-2048 key and a self-signed certificate for `commonName`, valid `days` days. */
export async function makeSelfSigned(dir: string, commonName: string, days = 30): Promise<SelfSignedPair> {
  const openssl = await findBinary('openssl').catch(() => {
    throw new LabError('binary-missing', 'openssl is missing: run scripts/install-lab-deps.sh');
  });
  const key = join(dir, 'tls-key.pem');
  const cert = join(dir, 'tls-cert.pem');
  const logFile = join(dir, 'openssl.log');
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', String(days), '-subj', `/CN=${commonName}`, '-keyout', key, '-out', cert];
  const code = await runTool(openssl, args, { cwd: dir, logFile, timeoutMs: 60_000 });
  if (code !== 0) throw new LabError('spawn-failed', `openssl req -x509 exited with ${code}:\n${await logTail(logFile)}`);
  return { key, cert };
}

export async function launchStorescpTls(def: ServerDefinition, ip: string, serverDir: string, shim: string): Promise<SpawnedServer> {
  const binary = await findBinary('storescp');
  const pair = await makeSelfSigned(serverDir, `exposure-lab-${def.name}`);
  const args = ['--ignore', '+tls', pair.key, pair.cert, '-ic', '-aet', def.aeTitle, String(def.dicomPort)];
  return spawnServer(binary, args, { cwd: serverDir, logFile: join(serverDir, `${def.name}.log`), env: pinnedEnv(shim, ip) });
}
