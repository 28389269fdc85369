/**
 * Builds bind-shim.c into the lab folder (once; rebuilt when the source is
 * newer) and gives the environment that pins a server's wildcard bind to one
 * 127.x address. See bind-shim.c for why.
 */
import { rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabError } from './errors.ts';
import { findBinary, logTail, runTool } from './process.ts';

const SOURCE = fileURLToPath(new URL('./bind-shim.c', import.meta.url));

async function mtimeMs(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

export async function buildBindShim(dir: string): Promise<string> {
  const target = join(dir, 'bind-shim.so');
  const built = await mtimeMs(target);
  const source = await mtimeMs(SOURCE);
  if (source === undefined) throw new LabError('shim-build-failed', `${SOURCE} is missing`);
  if (built !== undefined && built >= source) return target;

  let cc: string;
  try {
    cc = await findBinary('cc');
  } catch {
    throw new LabError('binary-missing', 'no C compiler (cc) to build the bind shim: run scripts/install-lab-deps.sh to install gcc and libc6-dev');
  }
  // Build beside the target and rename, so a concurrent start never loads a half-written library.
  const partial = `${target}.${process.pid}.tmp`;
  const logFile = join(dir, 'bind-shim.build.log');
  const code = await runTool(cc, ['-shared', '-fPIC', '-O2', '-o', partial, SOURCE, '-ldl'], { cwd: dir, logFile, timeoutMs: 60_000 });
  if (code !== 0) throw new LabError('shim-build-failed', `cc failed to build the bind shim (exit ${code}):\n${await logTail(logFile)}`);
  await rename(partial, target);
  return target;
}

/** The environment for a server that must listen on `ip` only. */
export function pinnedEnv(shim: string, ip: string): NodeJS.ProcessEnv {
  const preload = process.env['LD_PRELOAD'];
  return {
    ...process.env,
    LD_PRELOAD: preload ? `${shim}:${preload}` : shim,
    EXPOSURE_LAB_BIND: ip,
  };
}
