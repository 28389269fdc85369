/**
 * The lab's modality worklist: DCMTK's wlmscpfs serving the canary worklist
 * (canary-worklist.ts) from files, pinned to its 127.x address by the bind shim.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { canaryUid } from './canary.ts';
import { writeWorklist, type WorklistCounts } from './canary-worklist.ts';
import { LabError } from './errors.ts';
import { findBinary, logTail, runTool, spawnServer, type SpawnedServer } from './process.ts';
import type { ServerDefinition } from './servers.ts';
import { pinnedEnv } from './shim.ts';

/** The AE title the lab calls from when it checks what it loaded: distinct from anything a scanner sends. */
const CHECKER_AE_TITLE = 'EXPOSURE_LOADER';

/**
 * Writes the worklist into the server's folder and starts wlmscpfs on it: default
 * --fork (one child per association, as deployed), incomplete files rejected (its
 * default), any calling AE let in.
 */
export async function launchWlmscpfs(def: ServerDefinition, ip: string, serverDir: string, shim: string): Promise<SpawnedServer> {
  const binary = await findBinary('wlmscpfs');
  const dataFiles = join(serverDir, 'worklists');
  await writeWorklist(dataFiles, def.aeTitle, canaryUid);
  return spawnServer(binary, ['-dfp', dataFiles, String(def.dicomPort)], { cwd: serverDir, logFile: join(serverDir, 'wlmscpfs.log'), env: pinnedEnv(shim, ip) });
}

/**
 * Asks the running server for its whole worklist with findscu (-W, universal
 * matching) and counts the responses it extracts, one file each: what was loaded
 * is what the server really answers, or the start fails.
 */
export async function checkWlmscpfs(def: ServerDefinition, ip: string, serverDir: string, want: WorklistCounts): Promise<WorklistCounts> {
  const findscu = await findBinary('findscu');
  const out = join(serverDir, 'check');
  await mkdir(out, { recursive: true });
  const logFile = join(serverDir, 'findscu.log');
  const args = [
    '-W',
    ...['-aet', CHECKER_AE_TITLE, '-aec', def.aeTitle],
    ...['-to', '10', '-ta', '10', '-td', '10'],
    ...['-k', 'PatientID', '-k', 'ScheduledProcedureStepSequence[0].Modality'],
    ...['-X', '-od', out],
    ip,
    String(def.dicomPort),
  ];
  const code = await runTool(findscu, args, { cwd: serverDir, logFile, timeoutMs: 60_000 });
  if (code !== 0) throw new LabError('load-failed', `${def.name}: findscu exited with ${code}:\n${await logTail(logFile)}`);
  const answered = (await readdir(out)).filter((f) => f.startsWith('rsp')).length;
  if (answered !== want.items) {
    throw new LabError('load-failed', `${def.name}: wlmscpfs answered ${answered} worklist items, the plan says ${want.items}; see ${join(serverDir, 'wlmscpfs.log')}`);
  }
  return { ...want };
}
