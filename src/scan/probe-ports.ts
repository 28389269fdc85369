/**
 * Which probes claim which ports, and which ports are scanned: web ports
 * (--web-ports) replace the web probes' default ports; a port list, when
 * given, is the scan's as it stands, otherwise every probe's (adjusted) defaults.
 */
import { PROBES } from '../probes/index.ts';
import type { Probe } from '../probes/probe.ts';

const WEB_PROBES = new Set(['portal', 'orthanc', 'dicomweb']);

export function probesAndPorts(
  portList: readonly number[] | undefined,
  webPorts: readonly number[] | undefined,
): { probes: Probe[]; ports: number[] } {
  const probes = PROBES.map((p): Probe => (webPorts && WEB_PROBES.has(p.id) ? { ...p, defaultPorts: [...webPorts] } : p));
  const ports = portList === undefined ? [...new Set(probes.flatMap((p) => p.defaultPorts))].sort((a, b) => a - b) : [...portList];
  return { probes, ports };
}
