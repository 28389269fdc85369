/**
 * The simulated fleets the benchmark scans, all on one /16 of loopback
 * (127.3.0.0/16 unless `--net` says another; the /16 sweep has 127.4.0.0/16):
 * N endpoints from its .0.1 on one port, each fleet in its own process
 * (src/lab/fleet/), started for one piece and stopped after.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fleetEndpoints, type FleetConfig, type FleetEndpoint } from '../src/lab/fleet/fleet.ts';
import type { FleetKind } from '../src/lab/fleet/scp.ts';
import { spawnFleet, type FleetProcess } from '../src/lab/fleet/spawn.ts';
import { formatIpv4, parseIpv4 } from '../src/scope/ipv4.ts';

export function fleetOf(first: string, kind: FleetKind, endpoints: number, port: number, rttMs = 0): FleetConfig {
  return { groups: [{ first, stride: 1, count: endpoints, ports: [port], mix: { [kind]: 1 }, rttMs }], aeTitle: 'ANY-SCP', slowMs: 0 };
}

/** The fleet's addresses as one range spec for `exposure scan` (a-b). */
export function fleetRange(first: string, endpoints: number): string {
  return `${first}-${formatIpv4(parseIpv4(first)! + endpoints - 1)}`;
}

/** The fleet's addresses one a line, for `nmap -iL`. */
export function addressList(config: FleetConfig, dir: string, name: string): string {
  const file = join(dir, name);
  writeFileSync(file, `${[...fleetEndpoints(config)].map((e) => e.ip).join('\n')}\n`);
  return file;
}

export function plan(config: FleetConfig): FleetEndpoint[] {
  return [...fleetEndpoints(config)];
}

/** Runs `fn` with the fleet listening, and stops it whatever happens. */
export async function withFleet<T>(config: FleetConfig, fn: (fleet: FleetProcess) => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const fleet = await spawnFleet(config);
  const rtt = config.groups[0]?.rttMs ?? 0;
  console.log(`fleet: ${fleet.listening} listening SCPs${rtt ? ` answering after ${rtt} ms` : ''}, started in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  try {
    return await fn(fleet);
  } finally {
    await fleet.stop();
  }
}
