/** Which runs belong together, which one a new run is compared with, what a retention removes, and which scopes are due. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunRow, RunStatus } from '../../src/store/index.ts';
import type { WatchScope } from '../../src/watch/config.ts';
import { parseSchedule } from '../../src/watch/schedule.ts';
import { lifecycleRuns, namedScope, previousRun, runsOfScope, runsToPrune, scopeKeyOf, SCOPE_KEY, VERIFIES_KEY } from '../../src/store/scope-runs.ts';
import { chooseScope } from '../../src/watch/lifecycle.ts';
import { dueScopes } from '../../src/watch/watcher.ts';

function run(id: number, options: Record<string, unknown> = {}, status: RunStatus = 'completed', startedAt = `2026-03-0${Math.min(id, 9)}T02:00:00.000Z`): RunRow {
  return {
    id,
    startedAt,
    finishedAt: undefined,
    status,
    meta: { targets: ['10.1.0.0/24'], ports: [104], options, scanner: { callingAeTitle: 'EXPOSURE-SCAN', userAgent: 'x' } },
    summary: undefined,
    hostsRecorded: 0,
  };
}

const scoped = (id: number, status: RunStatus = 'completed', name = 'radiology'): RunRow => run(id, { [SCOPE_KEY]: name }, status);
const verifying = (id: number, scope = namedScope('radiology')): RunRow =>
  run(id, { [VERIFIES_KEY]: { finding: 7, ruleId: 'EXP-DICOM-001', ip: '10.1.0.5', port: 104, protocol: 'dicom', run: 1, scope } });

describe('the runs of a scope', () => {
  it('ties runs by watch scope name, by the scope a verification names, else by targets and ports', () => {
    assert.equal(scopeKeyOf(scoped(1)), 'scope radiology');
    assert.equal(scopeKeyOf(verifying(2)), 'scope radiology');
    assert.equal(scopeKeyOf(run(3)), 'targets 10.1.0.0/24 ports 104');
    assert.equal(scopeKeyOf(verifying(4, scopeKeyOf(run(3)))), 'targets 10.1.0.0/24 ports 104');
    const runs = [scoped(5), run(3), verifying(4), scoped(1), scoped(2, 'completed', 'cardiology')];
    assert.deepEqual(runsOfScope(runs, 'scope radiology').map((r) => r.id), [1, 4, 5]);
  });

  it('compares a new run with the latest completed whole-scope run before it', () => {
    const runs = [scoped(1), scoped(2), verifying(3), scoped(4, 'interrupted'), scoped(5)];
    assert.equal(previousRun(runs, 5)?.id, 2);
    assert.equal(previousRun(runs, 1), undefined);
  });

  it('reads completed runs for a lifecycle, a verification as its one endpoint', () => {
    assert.deepEqual(lifecycleRuns([scoped(1), scoped(2, 'failed'), verifying(3), scoped(4, 'running')]), [
      { id: 1 },
      { id: 3, endpoint: { ip: '10.1.0.5', port: 104 } },
    ]);
  });

  it('keeps the newest completed runs and removes what is older than the oldest kept', () => {
    const runs = [scoped(1), verifying(2), scoped(3, 'interrupted'), scoped(4), scoped(5), verifying(6), scoped(7, 'failed'), scoped(8), scoped(9, 'running')];
    assert.deepEqual(runsToPrune(runs, 2), [1, 2, 3, 4]);
    assert.deepEqual(runsToPrune(runs, 4), []);
    assert.deepEqual(runsToPrune(runs, 3), [1, 2, 3]);
    assert.deepEqual(runsToPrune(runs, 1), [1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('which scopes are due', () => {
  const scope = (name: string, schedule: string): WatchScope => ({ name, targets: ['10.1.0.0/24'], schedule, keepRuns: 30, scan: {} as WatchScope['scan'] });
  const scopes = [scope('radiology', '0 2 * * *'), scope('cardiology', '0 3 * * *')];
  const schedules = new Map(scopes.map((s) => [s.name, parseSchedule(s.schedule, 'UTC')]));
  const lastNight = (id: number, name: string, hour: string): RunRow => ({ ...scoped(id, 'completed', name), startedAt: `2026-03-05T0${hour}:00:01.000Z` });

  it('runs a scope never run at once, then waits for the first next time', () => {
    const now = new Date('2026-03-05T10:00:00Z');
    assert.deepEqual(dueScopes(scopes, schedules, [lastNight(1, 'radiology', '2')], new Map(), now).ready.map((s) => s.name), ['cardiology']);
    const plan = dueScopes(scopes, schedules, [lastNight(1, 'radiology', '2'), lastNight(2, 'cardiology', '3')], new Map(), now);
    assert.deepEqual(plan.ready, []);
    assert.deepEqual(plan.next, { scope: 'radiology', at: new Date('2026-03-06T02:00:00Z') });
  });

  it('counts from this process\'s last attempt when it is later than any stored run (a scope that failed before storing one)', () => {
    const now = new Date('2026-03-05T10:00:00Z');
    const attempted = new Map([['cardiology', new Date('2026-03-05T09:59:00Z')]]);
    const plan = dueScopes(scopes, schedules, [lastNight(1, 'radiology', '2')], attempted, now);
    assert.deepEqual(plan.ready, []);
    assert.deepEqual(plan.next, { scope: 'radiology', at: new Date('2026-03-06T02:00:00Z') });
  });
});

describe('the scope `exposure findings` reads', () => {
  it('a named scope that has runs, else the latest run that is not a verification; an unknown name is refused', () => {
    const runs = [scoped(1), run(2), verifying(3)];
    assert.equal(chooseScope(runs, 'radiology', 'db'), namedScope('radiology'));
    assert.equal(chooseScope(runs, undefined, 'db'), 'targets 10.1.0.0/24 ports 104');
    assert.throws(() => chooseScope(runs, 'cardiology', 'db'), /db has no run of a scope named "cardiology"/);
  });
});
