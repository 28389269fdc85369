/** A throwaway self-signed key and certificate for in-process TLS peers, made with `openssl req -x509`; nothing kept. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface SelfSigned {
  readonly key: Buffer;
  readonly cert: Buffer;
}

export async function selfSigned(commonName: string): Promise<SelfSigned> {
  const dir = await mkdtemp(join(tmpdir(), 'exposure-cert-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${commonName}`, '-keyout', key, '-out', cert], { timeout: 60_000 });
    return { key: await readFile(key), cert: await readFile(cert) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
