/**
 * One Orthanc 1.10 instance of the lab: its configuration file, its process,
 * and its studies loaded over its own REST API and checked with /statistics.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { PlanCounts, WrittenStudySet } from './canary.ts';
import { LabError } from './errors.ts';
import { findBinary, spawnServer, type SpawnedServer } from './process.ts';
import type { ServerDefinition, OrthancSwitches } from './servers.ts';
import { pinnedEnv } from './shim.ts';

export interface OrthancInstance {
  readonly def: ServerDefinition & { readonly orthanc: OrthancSwitches; readonly httpPort: number };
  readonly ip: string;
  readonly serverDir: string;
  /** Basic-auth header value when the instance requires a login. */
  readonly authorization?: string;
}

export function isOrthanc(def: ServerDefinition): def is OrthancInstance['def'] {
  return def.orthanc !== undefined && def.httpPort !== undefined;
}

/** Debian `orthanc-dicomweb`: the DICOMweb plugin (QIDO-RS, WADO-RS, STOW-RS under /dicom-web/). */
export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

/** Option names checked against `Orthanc --config=-` of 1.10.1. */
function orthancConfig(instance: OrthancInstance, user: { name: string; password: string }): Record<string, unknown> {
  const { def, serverDir } = instance;
  const storage = join(serverDir, 'storage');
  return {
    Name: `Exposure lab ${def.name}`,
    StorageDirectory: storage,
    IndexDirectory: storage,
    DicomServerEnabled: true,
    DicomAet: def.aeTitle,
    DicomPort: def.dicomPort,
    DicomCheckCalledAet: def.orthanc.DicomCheckCalledAet,
    DicomAlwaysAllowEcho: def.orthanc.DicomAlwaysAllowEcho,
    DicomAlwaysAllowFind: def.orthanc.DicomAlwaysAllowFind,
    DicomAlwaysAllowFindWorklist: false,
    DicomAlwaysAllowStore: def.orthanc.DicomAlwaysAllowStore,
    DicomAlwaysAllowGet: false,
    DicomAlwaysAllowMove: false,
    DicomModalities: {},
    HttpServerEnabled: true,
    HttpPort: def.httpPort,
    RemoteAccessAllowed: true,
    AuthenticationEnabled: def.orthanc.httpAuth,
    RegisteredUsers: def.orthanc.httpAuth ? { [user.name]: user.password } : {},
    Plugins: [DICOMWEB_PLUGIN],
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false },
    // Keep the lab small and quiet: no job history on disk, no peers, logs without patient data.
    SaveJobs: false,
    OrthancPeers: {},
    DeidentifyLogs: true,
    HttpThreadsCount: 10,
  };
}

export async function launchOrthanc(
  def: OrthancInstance['def'],
  ip: string,
  serverDir: string,
  shim: string,
): Promise<{ instance: OrthancInstance; proc: SpawnedServer }> {
  const binary = await findBinary('Orthanc');
  await mkdir(join(serverDir, 'storage'), { recursive: true });
  // A password nobody can guess, new at each start: the locked servers must stay locked to scanners.
  // Or, for the default-login server, Orthanc's documented default user (Orthanc Book, "Orthanc for Docker").
  const user = def.orthanc.httpDefaultLogin ? { name: 'orthanc', password: 'orthanc' } : { name: 'exposure-lab', password: randomBytes(18).toString('base64url') };
  const authorization = def.orthanc.httpAuth ? `Basic ${Buffer.from(`${user.name}:${user.password}`).toString('base64')}` : undefined;
  const instance: OrthancInstance = authorization === undefined ? { def, ip, serverDir } : { def, ip, serverDir, authorization };
  const configFile = join(serverDir, 'orthanc.json');
  await writeFile(configFile, `${JSON.stringify(orthancConfig(instance, user), null, 2)}\n`, { mode: 0o600 });
  const proc = await spawnServer(binary, [configFile], {
    cwd: serverDir,
    logFile: join(serverDir, 'orthanc.log'),
    env: pinnedEnv(shim, ip),
  });
  return { instance, proc };
}

const Statistics = z.object({
  CountPatients: z.number(),
  CountStudies: z.number(),
  CountSeries: z.number(),
  CountInstances: z.number(),
});

const InstanceReply = z.object({ Status: z.string() });

async function request(instance: OrthancInstance, path: string, init: { method: 'GET' | 'POST'; body?: Uint8Array }): Promise<unknown> {
  const url = `http://${instance.ip}:${instance.def.httpPort}${path}`;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (init.body !== undefined) headers['Content-Type'] = 'application/dicom';
  if (instance.authorization !== undefined) headers['Authorization'] = instance.authorization;
  let response: Response;
  try {
    response = await fetch(url, { method: init.method, headers, body: init.body, signal: AbortSignal.timeout(15_000) });
  } catch (e) {
    throw new LabError('load-failed', `${instance.def.name}: ${init.method} ${url} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new LabError('load-failed', `${instance.def.name}: ${init.method} ${url} answered HTTP ${response.status}`);
  }
  return response.json();
}

/**
 * POSTs every file of the set to /instances, then checks /statistics equals
 * the plan: the lab reports what the server holds, not what it meant to load.
 */
export async function loadOrthanc(instance: OrthancInstance, studies: WrittenStudySet): Promise<PlanCounts> {
  for (const file of studies.files) {
    const reply = InstanceReply.safeParse(await request(instance, '/instances', { method: 'POST', body: await readFile(file) }));
    if (!reply.success || (reply.data.Status !== 'Success' && reply.data.Status !== 'AlreadyStored')) {
      throw new LabError('load-failed', `${instance.def.name}: Orthanc did not store ${file}`);
    }
  }
  const parsed = Statistics.safeParse(await request(instance, '/statistics', { method: 'GET' }));
  if (!parsed.success) throw new LabError('load-failed', `${instance.def.name}: /statistics answered an unexpected shape`);
  const s = parsed.data;
  const want = studies.counts;
  if (s.CountPatients !== want.patients || s.CountStudies !== want.studies || s.CountSeries !== want.series || s.CountInstances !== want.images) {
    throw new LabError(
      'load-failed',
      `${instance.def.name}: Orthanc holds ${s.CountPatients}/${s.CountStudies}/${s.CountSeries}/${s.CountInstances} ` +
        `patients/studies/series/images, the plan says ${want.patients}/${want.studies}/${want.series}/${want.images}`,
    );
  }
  return { ...want, modalities: [...want.modalities] };
}
