/**
 * Honeypot personas beside the lab's real servers (lab/fleet/honeypot.ts: two
 * DICOMHawk GE personas and a dicompot, all serving the same lure studies), so
 * the demo's report shows likely honeypots left out of its figures. They run
 * in a detached Node process of their own (fleet/honeypot-main.ts), recorded
 * and stopped by PID with the lab's servers.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabError } from './errors.ts';
import type { HoneypotInstance, HoneypotPersonaName } from './fleet/honeypot.ts';
import { assertPortFree, isLabAddress, waitForPort } from './ports.ts';
import { logTail, spawnServer, type SpawnedServer } from './process.ts';

/** The folder and process record of the personas in a lab's folder. */
export const LAB_HONEYPOTS = 'honeypots';
/** Where `exposure lab start` puts them: after the file shares' 127.0.0.18. */
export const DEMO_HONEYPOT_ADDRESSES: readonly string[] = ['127.0.0.19', '127.0.0.20', '127.0.0.21'];
/** DICOMHawk's and dicompot's port: the DICOM registered port. */
export const HONEYPOT_PORT = 11112;
/** In order over the addresses given: a fleet of one lure dataset, as the public honeypots are deployed. */
const PERSONAS: readonly HoneypotPersonaName[] = ['dicomhawk-ge-ct', 'dicomhawk-ge-ct', 'dicompot'];
/** A Node process and three listeners: a second here; a loaded machine may take longer. */
const READY_TIMEOUT_MS = 15_000;

export interface LabHoneypots {
  readonly instances: readonly HoneypotInstance[];
  readonly proc: SpawnedServer;
}

/** The personas over the addresses given (one each, at most three: the persona order repeats past that). */
export function honeypotInstances(addresses: readonly string[]): HoneypotInstance[] {
  return addresses.map((ip, i) => {
    if (!isLabAddress(ip)) throw new LabError('bad-address', `honeypot persona: ${ip} is not in 127.0.0.0/8; the lab only ever uses loopback addresses`);
    return { ip, port: HONEYPOT_PORT, persona: PERSONAS[i % PERSONAS.length] as HoneypotPersonaName };
  });
}

/** Starts the personas' process in DIR/honeypots and waits for each listener; `track` is called as soon as it exists. */
export async function launchHoneypots(dir: string, addresses: readonly string[], track: (proc: SpawnedServer) => Promise<void>): Promise<LabHoneypots> {
  const instances = honeypotInstances(addresses);
  for (const i of instances) await assertPortFree(i.ip, i.port, `${i.persona} honeypot persona`);
  const serverDir = join(dir, LAB_HONEYPOTS);
  await rm(serverDir, { recursive: true, force: true });
  await mkdir(serverDir, { recursive: true });
  // Compiled (dist/) or run from the sources through tsx (resolved from here: the child's folder is the lab's): as this module runs.
  const compiled = import.meta.url.endsWith('.js');
  const main = fileURLToPath(new URL(compiled ? './fleet/honeypot-main.js' : './fleet/honeypot-main.ts', import.meta.url));
  const logFile = join(serverDir, `${LAB_HONEYPOTS}.log`);
  const proc = await spawnServer(process.execPath, [...(compiled ? [] : ['--import', import.meta.resolve('tsx')]), main, JSON.stringify(instances)], { cwd: serverDir, logFile, env: process.env });
  await track(proc);
  for (const i of instances) {
    try {
      await waitForPort(i.ip, i.port, { timeoutMs: READY_TIMEOUT_MS, child: proc.child, what: `${i.persona} honeypot persona` });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new LabError('not-ready', `${message}; last lines of ${logFile}:\n${await logTail(logFile)}`);
    }
  }
  return { instances, proc };
}
