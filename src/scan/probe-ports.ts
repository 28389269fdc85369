/**
 * Which probes run and which ports they claim, and which ports are scanned:
 * --probes keeps the probes named (all when none are); web ports (--web-ports)
 * replace the web probes' default ports; a port list, when given, is the
 * scan's as it stands, otherwise the kept probes' (adjusted) defaults.
 */
import type { ProtocolId } from '../observation/observation.ts';
import { PROBES } from '../probes/index.ts';
import type { Probe } from '../probes/probe.ts';

const WEB_PROBES = new Set(['portal', 'orthanc', 'dicomweb']);

export function probesAndPorts(
  portList: readonly number[] | undefined,
  webPorts: readonly number[] | undefined,
  selected?: readonly ProtocolId[],
): { probes: Probe[]; ports: number[] } {
  const probes = PROBES.filter((p) => selected === undefined || selected.includes(p.id)).map((p): Probe =>
    webPorts && WEB_PROBES.has(p.id) ? { ...p, defaultPorts: [...webPorts] } : p,
  );
  const ports = portList === undefined ? [...new Set(probes.flatMap((p) => p.defaultPorts))].sort((a, b) => a - b) : [...portList];
  return { probes, ports };
}
