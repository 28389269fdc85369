/**
 * Which probes claim which ports, and which ports are scanned: --web-ports
 * replaces the web probes' default ports; --ports, when given, is the scan's
 * port list as it stands, otherwise every probe's (adjusted) defaults.
 */
import { PROBES } from '../probes/index.ts';
import type { Probe } from '../probes/probe.ts';
import { parsePorts } from '../scope/ports.ts';

const WEB_PROBES = new Set(['portal', 'orthanc', 'dicomweb']);

export function probesAndPorts(portsFlag: string | undefined, webPortsFlag: string | undefined): { probes: Probe[]; ports: number[] } {
  const webPorts = webPortsFlag === undefined ? undefined : parsePorts(webPortsFlag);
  const probes = PROBES.map((p): Probe => (webPorts && WEB_PROBES.has(p.id) ? { ...p, defaultPorts: webPorts } : p));
  const ports = portsFlag === undefined ? [...new Set(probes.flatMap((p) => p.defaultPorts))].sort((a, b) => a - b) : parsePorts(portsFlag);
  return { probes, ports };
}
