/**
 * The lab's DCMTK servers: dcmqrscp (a real query/retrieve archive, filled
 * with storescu) and storescp (a store-only receiver).
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlanCounts, WrittenStudySet } from './canary.ts';
import { LabError } from './errors.ts';
import { findBinary, logTail, runTool, spawnServer, type SpawnedServer } from './process.ts';
import type { ServerDefinition } from './servers.ts';
import { pinnedEnv } from './shim.ts';

/** The AE title the lab calls from when it loads data: distinct from anything a scanner sends. */
const LOADER_AE_TITLE = 'EXPOSURE_LOADER';

/**
 * dcmqrscp.cfg (DCMTK 3.6.7 dcmqrscp.txt): no UserName/GroupName lines, so it
 * keeps running as the lab's user; empty Host/Vendor tables; one storage area
 * whose last column, ANY, lets any calling AE in (only the called one is checked).
 */
function dcmqrscpConfig(def: ServerDefinition, storage: string): string {
  return [
    '# Written by the Exposure lab; regenerated at each start.',
    `NetworkTCPPort  = ${def.dicomPort}`,
    'MaxPDUSize      = 16384',
    'MaxAssociations = 16',
    'HostTable BEGIN',
    'HostTable END',
    'VendorTable BEGIN',
    'VendorTable END',
    'AETable BEGIN',
    `${def.aeTitle}  ${storage}  RW  (200, 1024mb)  ANY`,
    'AETable END',
    '',
  ].join('\n');
}

export async function launchDcmqrscp(def: ServerDefinition, ip: string, serverDir: string, shim: string): Promise<SpawnedServer> {
  const binary = await findBinary('dcmqrscp');
  const storage = join(serverDir, 'storage');
  // The config format splits on whitespace and has no quoting.
  if (/\s/.test(storage)) throw new LabError('bad-dir', `dcmqrscp cannot use a storage path with spaces (${storage}): pick a lab folder without spaces`);
  await mkdir(storage, { recursive: true });
  const configFile = join(serverDir, 'dcmqrscp.cfg');
  await writeFile(configFile, dcmqrscpConfig(def, storage));
  // Default --fork mode, as deployed: one child per association, in the server's process group.
  return spawnServer(binary, ['-c', configFile], { cwd: serverDir, logFile: join(serverDir, 'dcmqrscp.log'), env: pinnedEnv(shim, ip) });
}

/**
 * Sends the set with storescu to the archive's own AE title, then counts the
 * files dcmqrscp wrote (one per stored instance, beside its index.dat).
 */
export async function loadDcmqrscp(def: ServerDefinition, ip: string, serverDir: string, studies: WrittenStudySet): Promise<PlanCounts> {
  const storescu = await findBinary('storescu');
  const logFile = join(serverDir, 'storescu.log');
  const args = [
    ...['-aet', LOADER_AE_TITLE, '-aec', def.aeTitle],
    ...['-to', '10', '-ta', '10', '-td', '10'], // connect, ACSE and DIMSE timeouts in seconds
    ...['+sd', '+r'], // scan the folder recursively: files without .dcm are sent too
    ip,
    String(def.dicomPort),
    studies.folder,
  ];
  const code = await runTool(storescu, args, { cwd: serverDir, logFile, timeoutMs: 60_000 });
  if (code !== 0) throw new LabError('load-failed', `${def.name}: storescu exited with ${code}:\n${await logTail(logFile)}`);
  const stored = (await readdir(join(serverDir, 'storage'))).filter((f) => f !== 'index.dat').length;
  const want = studies.counts;
  if (stored !== want.images) {
    throw new LabError('load-failed', `${def.name}: dcmqrscp stored ${stored} images, the plan says ${want.images}; see ${logFile}`);
  }
  return { ...want, modalities: [...want.modalities] };
}

export async function launchStorescp(def: ServerDefinition, ip: string, serverDir: string, shim: string): Promise<SpawnedServer> {
  const binary = await findBinary('storescp');
  // --ignore: receive but keep nothing, should anything ever be sent to it.
  const args = ['--ignore', '-aet', def.aeTitle, String(def.dicomPort)];
  return spawnServer(binary, args, { cwd: serverDir, logFile: join(serverDir, 'storescp.log'), env: pinnedEnv(shim, ip) });
}
