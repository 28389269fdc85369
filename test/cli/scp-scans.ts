/** What the CLI tests that scan simulated SCPs share: SCPs listening in the test's process, and the services a store's latest run found. */
import net from 'node:net';
import { serveScp, type ScpBehaviour } from '../../src/lab/fleet/scp.ts';
import { openStoreReader, type ServiceRow } from '../../src/store/index.ts';

/** An SCP of the given kind on ip:port (0: the kernel picks), answering three matches to C-FIND. */
export function listenScp(ip: string, kind: ScpBehaviour['kind'], port: number): Promise<net.Server> {
  const server = net.createServer((s) => serveScp(s, { kind, aeTitle: 'ORTHANC', slowMs: 0, rttMs: 0, findMatches: 3 }));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, () => resolve(server));
  });
}

/**
 * A service as found, without ids, timings, or the run it is in; nor the DICOM behaviour facts,
 * which are timings and digests keyed per process (observation/honeypot.ts).
 */
function essence(s: ServiceRow): unknown {
  const { startedAt: _s, durationMs: _d, ...observation } = s.observation;
  if (observation.details?.protocol === 'dicom') {
    const { behaviour: _b, ...details } = observation.details;
    observation.details = details;
  }
  return { ip: s.ip, port: s.port, protocol: s.protocol, status: s.status, product: s.product, observation, findings: s.findings };
}

/** The latest run's services of `db` (a file or a postgres:// URL), each as found. */
export async function latestServices(db: string): Promise<unknown[]> {
  const store = openStoreReader(db);
  try {
    return (await store.services((await store.latestRunId())!)).map(essence);
  } finally {
    await store.close();
  }
}
