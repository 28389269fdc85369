/**
 * A finding's life across the runs of a scope, computed in SQL on both
 * engines, the lookup of one stored finding, and removing a run with
 * everything that hangs from it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Finding } from '../../src/observation/finding.ts';
import type { Observation } from '../../src/observation/observation.ts';
import type { FindingLifecycleRow, HostResult, ScopeRun } from '../../src/store/index.ts';
import { engines, type BothRoles, type TestStore } from './engines.ts';
import { ANY_AE, EXPOSED, FIND_OPEN, fixedClock, RUN_META } from './fixtures.ts';

const A = '10.0.0.5';
const B = '10.0.0.7';

function at(ip: string): Observation {
  return { ...EXPOSED, endpoint: { ip, port: 104 } };
}

function host(ip: string, findings: Finding[]): HostResult {
  return { ip, services: [{ observation: at(ip), findings }] };
}

async function run(store: BothRoles, hosts: HostResult[]): Promise<number> {
  const id = await store.startRun(RUN_META);
  for (const h of hosts) await store.recordHost(id, h);
  await store.finishRun(id, { targetsTotal: 8, hostsDone: hosts.length, openPorts: hosts.length, excluded: 0, status: 'completed' });
  return id;
}

const brief = (r: FindingLifecycleRow): unknown[] => [r.ruleId, r.ip, r.firstRun, r.lastRun, r.runsSeen, r.fixedRun ?? null, r.reopenedRun ?? null];

for (const engine of engines('127.0.94.28')) {
  describe(`finding lifecycles on ${engine.name}`, () => {
    test('first and last seen, fixed by a later run that looked, reopened after a gap; an endpoint run speaks for its endpoint only', async () => {
      const t: TestStore = await engine.create({ now: fixedClock });
      try {
        const s = t.store;
        const r1 = await run(s, [host(A, [FIND_OPEN, ANY_AE]), host(B, [ANY_AE])]);
        const r2 = await run(s, [host(A, [ANY_AE]), host(B, [ANY_AE])]);
        // A verification of B alone: B's port no longer answers, nothing stored.
        const r3 = await run(s, []);
        const r4 = await run(s, [host(A, [FIND_OPEN, ANY_AE])]);
        // Another scope's run: not handed in, so it neither fixes nor sees anything.
        await run(s, []);
        const scope: ScopeRun[] = [{ id: r1 }, { id: r2 }, { id: r3, endpoint: { ip: B, port: 104 } }, { id: r4 }];
        const rows = await s.findingLifecycles(scope);
        assert.deepEqual(rows.map(brief), [
          ['EXP-DICOM-001', A, r1, r4, 2, null, r4],
          ['EXP-DICOM-002', A, r1, r4, 3, null, null],
          ['EXP-DICOM-002', B, r1, r2, 2, r3, null],
        ]);
        const latest = rows[0]!;
        assert.equal(latest.severity, 'critical');
        assert.equal(latest.title, FIND_OPEN.title);
        assert.equal(latest.protocol, 'dicom');
        const row = await s.finding({ id: latest.findingId });
        assert.equal(row?.runId, r4, 'the finding id is that of the latest sighting');

        // Without the verification, run 4 (the whole scope, B not found) is the run that shows it fixed.
        const wholeOnly = await s.findingLifecycles([{ id: r1 }, { id: r2 }, { id: r4 }]);
        assert.deepEqual(wholeOnly.map(brief)[2], ['EXP-DICOM-002', B, r1, r2, 2, r4, null]);
        // A verification of A says nothing of B.
        const elsewhere = await s.findingLifecycles([{ id: r1 }, { id: r2 }, { id: r3, endpoint: { ip: A, port: 104 } }]);
        assert.deepEqual(elsewhere.map(brief), [
          ['EXP-DICOM-001', A, r1, r1, 1, r2, null],
          ['EXP-DICOM-002', A, r1, r2, 2, r3, null],
          ['EXP-DICOM-002', B, r1, r2, 2, null, null],
        ]);
        assert.deepEqual(await s.findingLifecycles([]), []);
      } finally {
        await t.cleanup();
      }
    });

    test('finds a finding by id, or by rule and endpoint in the latest run that has it', async () => {
      const t = await engine.create({ now: fixedClock });
      try {
        const s = t.store;
        const r1 = await run(s, [host(A, [FIND_OPEN])]);
        const r2 = await run(s, [host(A, [FIND_OPEN]), host(B, [ANY_AE])]);
        await run(s, [host(A, [])]);
        const byRule = await s.finding({ ruleId: 'EXP-DICOM-001', ip: A, port: 104 });
        assert.equal(byRule?.runId, r2);
        assert.equal(byRule?.remediation, FIND_OPEN.remediation);
        const first = (await s.findings(r1))[0]!;
        assert.deepEqual(await s.finding({ id: first.id }), first);
        assert.equal(await s.finding({ id: 999_999 }), undefined);
        assert.equal(await s.finding({ ruleId: 'EXP-DICOM-001', ip: B, port: 104 }), undefined);
      } finally {
        await t.cleanup();
      }
    });

    test('deleting a run removes its hosts, services, observations, findings and inventories, and nothing else', async () => {
      const t = await engine.create({ now: fixedClock });
      try {
        const s = t.store;
        const keep = await run(s, [host(A, [FIND_OPEN, ANY_AE])]);
        const gone = await run(s, [host(A, [FIND_OPEN]), host(B, [ANY_AE])]);
        const perRun = async (id: number): Promise<number[]> => [
          await t.count('SELECT count(*) FROM hosts WHERE run_id = ?', id),
          await t.count('SELECT count(*) FROM services WHERE run_id = ?', id),
          await t.count('SELECT count(*) FROM findings WHERE run_id = ?', id),
          await t.count('SELECT count(*) FROM observations o JOIN services s ON s.id = o.service_id WHERE s.run_id = ?', id),
          await t.count('SELECT count(*) FROM inventories i JOIN services s ON s.id = i.service_id WHERE s.run_id = ?', id),
        ];
        assert.deepEqual(await perRun(gone), [2, 2, 2, 2, 6]);
        const before = await perRun(keep);
        assert.equal(await s.deleteRun(gone), true);
        assert.equal(await s.run(gone), undefined);
        assert.deepEqual(await t.count('SELECT count(*) FROM services'), 1);
        assert.deepEqual(await t.count('SELECT count(*) FROM observations'), 1);
        assert.deepEqual(await t.count('SELECT count(*) FROM inventories'), 3);
        assert.deepEqual(await perRun(keep), before);
        assert.equal((await s.findings(keep)).length, 2);
        assert.equal(await s.deleteRun(gone), false);
      } finally {
        await t.cleanup();
      }
    });
  });
}
