/**
 * Which probes run and which ports they claim, and which ports are scanned:
 * --probes keeps the probes named (all when none are); web ports (--web-ports)
 * replace the web probes' default ports; a port list, when given, is the
 * scan's as it stands, otherwise the kept probes' (adjusted) defaults.
 *
 * Over any list of probe-like entries: the probes themselves when a scan
 * runs, the code-free catalogue (probes/catalogue.ts) when only the ports are
 * wanted, as a dry run does.
 */
import type { ProtocolId } from '../observation/observation.ts';

const WEB_PROBES = new Set<ProtocolId>(['portal', 'orthanc', 'dicomweb']);

interface Claiming {
  readonly id: ProtocolId;
  readonly defaultPorts: readonly number[];
}

export function probesAndPorts<P extends Claiming>(
  all: readonly P[],
  portList: readonly number[] | undefined,
  webPorts: readonly number[] | undefined,
  selected?: readonly ProtocolId[],
): { probes: P[]; ports: number[] } {
  const probes = all.filter((p) => selected === undefined || selected.includes(p.id)).map((p): P =>
    webPorts && WEB_PROBES.has(p.id) ? { ...p, defaultPorts: [...webPorts] } : p,
  );
  const ports = portList === undefined ? [...new Set(probes.flatMap((p) => p.defaultPorts))].sort((a, b) => a - b) : [...portList];
  return { probes, ports };
}
