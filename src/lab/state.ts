/**
 * What a lab leaves on disk so another process can stop it: DIR/lab.json
 * once the lab is up, and DIR/<server>/process.json as soon as each server is
 * spawned (so a start that dies half-way still leaves its PIDs findable).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { LabProcess } from './process.ts';
import { LAB_SERVER_NAMES, type LabServer, type LabServerName } from './servers.ts';

export const LAB_FILE = 'lab.json';
const FORMAT = 'exposure-lab/1';

const ProcessRecord = z.object({ pid: z.number().int().positive(), startTime: z.string().regex(/^\d+$/) });

const LabFile = z.object({
  format: z.literal(FORMAT),
  dir: z.string(),
  startedAt: z.string(),
  servers: z.array(z.object({ name: z.string(), pid: z.number() }).passthrough()),
  processes: z.record(z.string(), ProcessRecord),
});

export interface NamedProcess extends LabProcess {
  readonly name: string;
}

export async function writeProcessRecord(dir: string, name: LabServerName | 'honeypots', p: LabProcess): Promise<void> {
  await writeFile(join(dir, name, 'process.json'), `${JSON.stringify({ pid: p.pid, startTime: p.startTime })}\n`);
}

export async function writeLabFile(dir: string, servers: readonly LabServer[], processes: readonly NamedProcess[]): Promise<void> {
  const body = {
    format: FORMAT,
    dir,
    startedAt: new Date().toISOString(),
    servers,
    processes: Object.fromEntries(processes.map((p) => [p.name, { pid: p.pid, startTime: p.startTime }])),
  };
  await writeFile(join(dir, LAB_FILE), `${JSON.stringify(body, null, 2)}\n`);
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined; // no such file: nothing recorded there
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Every process a lab in `dir` may have left running, from lab.json and the per-server records. */
export async function recordedProcesses(dir: string, names: readonly string[] = LAB_SERVER_NAMES): Promise<NamedProcess[]> {
  const found = new Map<string, NamedProcess>();
  const add = (name: string, p: LabProcess): void => {
    found.set(`${p.pid}/${p.startTime}`, { name, pid: p.pid, startTime: p.startTime });
  };
  const lab = LabFile.safeParse(await readJson(join(dir, LAB_FILE)));
  if (lab.success) for (const [name, p] of Object.entries(lab.data.processes)) add(name, p);
  for (const name of names) {
    const record = ProcessRecord.safeParse(await readJson(join(dir, name, 'process.json')));
    if (record.success) add(name, record.data);
  }
  return [...found.values()];
}
