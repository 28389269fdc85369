/**
 * A finding of a port on every service of it. One port can carry several
 * services (Orthanc's portal, REST API and DICOMweb on 8042), and a rule that
 * fires on several of them is stored once for the port, on the first service
 * it fired on (scan/run-scan.ts): without this, the exposed DICOMweb service
 * of a port whose login finding sits on the portal would show no finding.
 * The others name it as a PortFinding; totals count it once, where it is kept.
 */
import { severityRank } from '../observation/finding.ts';
import type { StoreReader } from '../store/index.ts';
import type { PortFinding, ServiceReport } from './model.ts';

/** A finding and the service that holds it. */
type Held = Pick<ServiceReport, 'ip' | 'port' | 'protocol'> & Pick<PortFinding, 'ruleId' | 'severity' | 'title'>;

/**
 * `s` with the findings other services of its port hold and it does not,
 * most severe first; `s` unchanged when there are none. `held` may name
 * findings of any service: those of other ports, and s's own, are left out.
 */
function withPortOf(s: ServiceReport, held: readonly Held[]): ServiceReport {
  const own = new Set(s.findings.map((f) => f.ruleId));
  const byRule = new Map<string, PortFinding>();
  for (const f of held) {
    if (f.ip !== s.ip || f.port !== s.port || f.protocol === s.protocol || own.has(f.ruleId) || byRule.has(f.ruleId)) continue;
    byRule.set(f.ruleId, { ruleId: f.ruleId, severity: f.severity, title: f.title, protocol: f.protocol });
  }
  if (byRule.size === 0) return s;
  const portFindings = [...byRule.values()].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId));
  return { ...s, portFindings };
}

/** Each service of a group of one port, with what the others hold. */
function portGroup(group: readonly ServiceReport[]): ServiceReport[] {
  if (group.length < 2) return [...group];
  const held = group.flatMap((o) => o.findings.map((f): Held => ({ ip: o.ip, port: o.port, protocol: o.protocol, ruleId: f.ruleId, severity: f.severity, title: f.title })));
  return group.map((s) => withPortOf(s, held));
}

/**
 * Services in report order (address, port, protocol), each with the findings
 * the other services of its port hold. Those come one after another, so one
 * port's services are held at a time: a few, one per protocol at most.
 */
export async function* withPortFindings(services: AsyncIterable<ServiceReport>): AsyncIterable<ServiceReport> {
  let group: ServiceReport[] = [];
  for await (const s of services) {
    const first = group[0];
    if (first && (first.ip !== s.ip || first.port !== s.port)) {
      yield* portGroup(group);
      group = [];
    }
    group.push(s);
  }
  yield* portGroup(group);
}

/**
 * The services of a bounded list (any order), each with the findings the
 * other services of its port hold, read from the store for the addresses
 * listed: one query, as long as the list.
 */
export async function attachPortFindings(store: StoreReader, runId: number, services: readonly ServiceReport[]): Promise<ServiceReport[]> {
  if (services.length === 0) return [];
  const held = await store.hostFindings(runId, [...new Set(services.map((s) => s.ip))]);
  return services.map((s) => withPortOf(s, held));
}
