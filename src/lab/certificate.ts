/**
 * Key pairs and self-signed certificates made at each start with
 * `openssl req -x509`, so no key material is ever kept in the repository.
 */
import { join } from 'node:path';
import { LabError } from './errors.ts';
import { findBinary, logTail, runTool } from './process.ts';

export interface SelfSignedPair {
  /** Paths of the PEM files. */
  readonly key: string;
  readonly cert: string;
}

/** A subject as (attribute, value) pairs, e.g. [['CN', 'exposure-lab'], ['O', 'Lab']]. */
export type Subject = readonly (readonly [string, string])[];

/** openssl's -subj syntax: "/CN=value/O=value", with '/', '\' and '+' in a value escaped by a backslash. */
function subjectArgument(subject: Subject): string {
  return subject.map(([attribute, value]) => `/${attribute}=${value.replace(/[\\/+]/g, (c) => `\\${c}`)}`).join('');
}

/**
 * A fresh key and a self-signed certificate for `subject` in `dir`, valid `days` days.
 * RSA-2048 like most servers' default, or P-256 when `key` says so (a tenth of the time to make).
 */
export async function makeSelfSigned(dir: string, subject: Subject, options: { days?: number; key?: 'rsa' | 'ec' } = {}): Promise<SelfSignedPair> {
  const openssl = await findBinary('openssl').catch(() => {
    throw new LabError('binary-missing', 'openssl is missing: run scripts/install-lab-deps.sh');
  });
  const key = join(dir, 'tls-key.pem');
  const cert = join(dir, 'tls-cert.pem');
  const logFile = join(dir, 'openssl.log');
  const newKey = options.key === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048'];
  const args = ['req', '-x509', ...newKey, '-nodes', '-days', String(options.days ?? 30), '-utf8', '-subj', subjectArgument(subject), '-keyout', key, '-out', cert];
  const code = await runTool(openssl, args, { cwd: dir, logFile, timeoutMs: 60_000 });
  if (code !== 0) throw new LabError('spawn-failed', `openssl req -x509 exited with ${code}:\n${await logTail(logFile)}`);
  return { key, cert };
}
