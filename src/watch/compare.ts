/**
 * A new run of a scope against its previous one: the streaming diff of
 * report/diff.ts over both runs' services in report order, noting on the way
 * each rule's remediation (the diff keeps only ids and titles; an alert says
 * what to do). A scope's first run is compared with nothing: all of it is new.
 * Likely honeypots are set apart as the diff does, unless the watch keeps them.
 */
import { diffRuns, type DiffOptions, type DiffSide, type RunDiff } from '../report/diff.ts';
import type { ServiceReport } from '../report/model.ts';
import { serviceReports } from '../report/summary.ts';
import type { RunRow, StoreReader } from '../store/index.ts';

export interface Comparison {
  readonly diff: RunDiff;
  /** Remediation by rule id, for every rule that fired in either run. */
  readonly remediation: ReadonlyMap<string, string>;
}

async function* noting(services: AsyncIterable<ServiceReport>, remediation: Map<string, string>): AsyncIterable<ServiceReport> {
  for await (const s of services) {
    for (const f of s.findings) if (!remediation.has(f.ruleId)) remediation.set(f.ruleId, f.remediation);
    yield s;
  }
}

function side(store: StoreReader, run: RunRow, remediation: Map<string, string>): DiffSide {
  return {
    run: { id: run.id, startedAt: run.startedAt, targets: run.meta.targets, ports: run.meta.ports },
    services: noting(serviceReports(store, run.id), remediation),
  };
}

export async function compareRuns(store: StoreReader, previous: RunRow | undefined, current: RunRow, options: DiffOptions = {}): Promise<Comparison> {
  const remediation = new Map<string, string>();
  const before: DiffSide = previous
    ? side(store, previous, remediation)
    : { run: { id: 0, startedAt: current.startedAt, targets: current.meta.targets, ports: current.meta.ports }, services: [] };
  const diff = await diffRuns(before, side(store, current, remediation), options);
  return { diff, remediation };
}
