import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LATEST_VERSION } from '../../src/store/migrations.ts';
import { openSqliteStore, StoreError, StoreValidationError, type HostResult } from '../../src/store/index.ts';
import {
  ANY_AE,
  buildFixtureStore,
  ECHO_ONLY,
  EXPOSED,
  FIND_OPEN,
  fixedClock,
  HOSTS,
  NO_TLS,
  REFUSED,
  REJECTING,
  RUN_META,
} from './fixtures.ts';
import { engines } from './engines.ts';

function tempDir(): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'exposure-store-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

// Behaviour both engines share: each test runs on SQLite and on PostgreSQL (a cluster on 127.0.28.1).
for (const engine of engines('127.0.28.1')) {
  describe(`the ${engine.name} store`, () => {
    test('round trips observations and findings, in insertion order, with IPv6 endpoints', async () => {
      const f = await buildFixtureStore(engine);
      try {
        const services = await f.store.services(f.runId);
        assert.deepEqual(
          services.map((s) => s.observation),
          [EXPOSED, REJECTING, REFUSED, ECHO_ONLY],
        );
        assert.deepEqual(services[0]?.findings, [FIND_OPEN, ANY_AE, NO_TLS]);
        assert.deepEqual(services[3]?.findings, [ANY_AE, NO_TLS]);
        const v6 = services[3];
        assert.equal(v6?.ip, '2001:db8::5');
        assert.equal(v6?.port, 104);
        assert.equal(v6?.product, 'DCMTK storescp');
        assert.equal(v6?.version, '3.6.7');
        assert.equal(services[0]?.hostname, 'pacs.example.test');
        assert.equal(services[0]?.country, undefined, 'geo columns stay empty until the geo step');
      } finally {
        await f.cleanup();
      }
    });

    test('lists findings most severe first and aggregates the inventory per attribute', async () => {
      const f = await buildFixtureStore(engine);
      try {
        const findings = await f.store.findings(f.runId);
        assert.deepEqual(
          findings.map((x) => [x.severity, x.ruleId, x.ip]),
          [
            ['critical', 'EXP-DICOM-001', '10.0.0.5'],
            ['high', 'EXP-DICOM-002', '10.0.0.5'],
            ['high', 'EXP-DICOM-002', '2001:db8::5'],
            ['medium', 'EXP-DICOM-003', '10.0.0.5'],
            ['medium', 'EXP-DICOM-003', '2001:db8::5'],
          ],
        );
        assert.equal(findings[0]?.cwe, 'CWE-306');
        assert.equal('cwe' in (findings[1] ?? {}), false, 'a finding without CWE comes back without the key');
        assert.deepEqual(await f.store.inventory(f.runId), [
          { keyword: 'PatientName', tag: '00100010', class: 'direct-identifier', services: 1, records: 1000 },
          { keyword: 'PatientID', tag: '00100020', class: 'direct-identifier', services: 1, records: 1000 },
          { keyword: 'PatientBirthDate', tag: '00100030', class: 'quasi-identifier', services: 1, records: 950 },
        ]);
      } finally {
        await f.cleanup();
      }
    });

    test('records run metadata, summary and progress', async () => {
      const f = await buildFixtureStore(engine);
      try {
        assert.equal(await f.store.latestRunId(), f.runId);
        const run = await f.store.run(f.runId);
        assert.deepEqual(run, {
          id: f.runId,
          startedAt: '2024-05-01T10:00:00.000Z',
          finishedAt: '2024-05-01T10:00:00.000Z',
          status: 'completed',
          meta: RUN_META,
          summary: { targetsTotal: 9, hostsDone: 3, openPorts: 4, excluded: 0 },
          hostsRecorded: 3,
        });
        assert.equal((await f.store.runs()).length, 1);
        assert.equal(await f.store.run(999), undefined);
      } finally {
        await f.cleanup();
      }
    });

    test('rejects an invalid observation naming the field, never the value a peer sent', async () => {
      const f = await buildFixtureStore(engine);
      try {
        const secret = 'PEER-SENT-THIS-VALUE';
        const bad = { ...REFUSED, endpoint: { ip: '10.0.0.9', port: 104 }, status: secret };
        const host = { ip: '10.0.0.9', services: [{ observation: bad, findings: [] }] } as unknown as HostResult;
        await assert.rejects(f.store.recordHost(f.runId, host), (err: unknown) => {
          assert.ok(err instanceof StoreValidationError);
          assert.equal(err.code, 'INVALID_OBSERVATION');
          assert.match(err.message, /observation of service 1 of host 10\.0\.0\.9 is invalid: status \(invalid_enum_value\)/);
          assert.doesNotMatch(err.message, new RegExp(secret));
          assert.deepEqual(err.issues, [{ path: 'status', code: 'invalid_enum_value' }]);
          return true;
        });
        const badFinding = { ...FIND_OPEN, ruleId: 'DICOM-1' };
        const host2 = {
          ip: '10.0.0.9',
          services: [{ observation: { ...REFUSED, endpoint: { ip: '10.0.0.9', port: 104 } }, findings: [badFinding] }],
        };
        await assert.rejects(f.store.recordHost(f.runId, host2), /finding 1 of service 1 of host 10\.0\.0\.9 is invalid: ruleId \(invalid_string\)/);
      } finally {
        await f.cleanup();
      }
    });

    test('a host whose second service is invalid leaves nothing of that host behind', async () => {
      const f = await buildFixtureStore(engine);
      try {
        const good = { ...REFUSED, endpoint: { ip: '10.0.0.9', port: 104 } };
        const invalid = { ...REFUSED, endpoint: { ip: '10.0.0.9', port: 0 } };
        await assert.rejects(
          f.store.recordHost(f.runId, { ip: '10.0.0.9', services: [{ observation: good, findings: [NO_TLS] }, { observation: invalid, findings: [] }] }),
          /service 2 of host 10\.0\.0\.9 is invalid: endpoint\.port \(too_small\)/,
        );
        // Valid for zod, refused by the database (same endpoint twice): the first service was already inserted.
        await assert.rejects(
          f.store.recordHost(f.runId, { ip: '10.0.0.9', services: [{ observation: good, findings: [NO_TLS] }, { observation: good, findings: [] }] }),
          /UNIQUE constraint failed|duplicate key value violates unique constraint/,
        );
        for (const table of ['hosts', 'services']) {
          assert.equal(await f.count(`SELECT count(*) FROM ${table} WHERE ip = ?`, '10.0.0.9'), 0, table);
        }
        assert.equal(await f.count('SELECT count(*) FROM services'), 4);
        assert.equal(await f.count('SELECT count(*) FROM observations'), 4);
        assert.equal(await f.count('SELECT count(*) FROM findings'), 5);
        assert.equal(await f.store.isHostDone(f.runId, '10.0.0.9'), false);
      } finally {
        await f.cleanup();
      }
    });

    test('a batch is one transaction: an invalid host leaves no host of the batch and no checkpoint behind', async () => {
      const f = await buildFixtureStore(engine);
      try {
        const at = (ip: string): HostResult => ({ ip, services: [{ observation: { ...REFUSED, endpoint: { ip, port: 104 } }, findings: [NO_TLS] }] });
        const invalid = { ip: '10.0.0.12', services: [{ observation: { ...REFUSED, endpoint: { ip: '10.0.0.12', port: 0 } }, findings: [] }] };
        const counters = { hostsDone: 3, openPorts: 3, unreachable: 0, services: 3, findings: 3 };
        await assert.rejects(
          f.store.recordHosts(f.runId, { hosts: [at('10.0.0.10'), at('10.0.0.11'), invalid], checkpoint: { watermark: 3, done: [], counters } }),
          /service 1 of host 10\.0\.0\.12 is invalid: endpoint\.port \(too_small\)/,
        );
        assert.equal(await f.count('SELECT count(*) FROM hosts WHERE ip LIKE ?', '10.0.0.1_'), 0);
        assert.equal(await f.store.loadCheckpoint(f.runId), undefined, 'the checkpoint went with the batch');

        await f.store.recordHosts(f.runId, { hosts: [at('10.0.0.10'), at('10.0.0.11')], checkpoint: { watermark: 2, done: [5, 7], counters } });
        assert.deepEqual(await f.store.loadCheckpoint(f.runId), { watermark: 2, done: [5, 7], counters });
        assert.equal(await f.store.isHostDone(f.runId, '10.0.0.11'), true);
        // A batch of hosts with nothing to store only moves the checkpoint; steps below the watermark are forgotten.
        await f.store.recordHosts(f.runId, { hosts: [], checkpoint: { watermark: 6, done: [], counters: { ...counters, hostsDone: 6 } } });
        assert.deepEqual(await f.store.loadCheckpoint(f.runId), { watermark: 6, done: [7], counters: { ...counters, hostsDone: 6 } });
        assert.equal(await f.count('SELECT count(*) FROM services'), 6);
      } finally {
        await f.cleanup();
      }
    });

    test('refuses an observation filed under another host', async () => {
      const f = await buildFixtureStore(engine);
      try {
        await assert.rejects(
          f.store.recordHost(f.runId, { ip: '10.0.0.9', services: [{ observation: EXPOSED, findings: [] }] }),
          /endpoint\.ip \(not_this_host\)/,
        );
      } finally {
        await f.cleanup();
      }
    });

    test('checkpoints survive reopening, so a resumed scan skips hosts already recorded', async () => {
      const f = await buildFixtureStore(engine);
      try {
        await f.store.close();
        const reopened = f.open({ now: fixedClock });
        try {
          for (const h of HOSTS) assert.equal(await reopened.isHostDone(f.runId, h.ip), true, h.ip);
          assert.equal(await reopened.isHostDone(f.runId, '10.0.0.7'), false);
          const second = await reopened.startRun(RUN_META);
          assert.equal(await reopened.isHostDone(second, '10.0.0.5'), false, 'checkpoints belong to one run');
          await assert.rejects(reopened.recordHost(f.runId, HOSTS[1]!), (err: unknown) => {
            assert.ok(err instanceof StoreError);
            assert.equal(err.code, 'HOST_ALREADY_RECORDED');
            return true;
          });
          // A run killed before finishRun still shows its progress.
          await reopened.recordHost(second, HOSTS[1]!);
          const run = await reopened.run(second);
          assert.equal(run?.status, 'running');
          assert.equal(run?.summary, undefined);
          assert.equal(run?.hostsRecorded, 1);
          assert.equal(await reopened.latestRunId(), second);
        } finally {
          await reopened.close();
        }
      } finally {
        await f.cleanup();
      }
    });

    test('refuses to record into a run that does not exist', async () => {
      const f = await buildFixtureStore(engine);
      try {
        await assert.rejects(f.store.recordHost(42, HOSTS[1]!), /run 42 does not exist/);
        await assert.rejects(
          f.store.finishRun(42, { targetsTotal: 0, hostsDone: 0, openPorts: 0, excluded: 0, status: 'failed' }),
          /run 42 does not exist/,
        );
      } finally {
        await f.cleanup();
      }
    });
  });
}

test('opens a new file in WAL mode, marked as ours, at the latest schema version', async () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'new.db');
    const store = openSqliteStore(path);
    await store.close();
    const db = new Database(path, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('user_version', { simple: true }), LATEST_VERSION);
    assert.equal(db.pragma('application_id', { simple: true }), 0x4558504f);
    db.close();
  } finally {
    t.done();
  }
});

test('opening an SQLite file of another application fails clearly and leaves it untouched', () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'other.db');
    const other = new Database(path);
    other.exec('CREATE TABLE contacts (name TEXT)');
    other.close();
    assert.throws(() => openSqliteStore(path), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.equal(err.code, 'NOT_EXPOSURE_DB');
      assert.match(err.message, /other\.db is not an Exposure database/);
      return true;
    });
    const db = new Database(path, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'delete');
    assert.equal(db.pragma('user_version', { simple: true }), 0);
    db.close();
  } finally {
    t.done();
  }
});

test('opening a file that is not SQLite at all fails clearly', () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'notes.txt');
    writeFileSync(path, 'these are not the tables you are looking for\n'.repeat(200));
    assert.throws(() => openSqliteStore(path), /notes\.txt is not an Exposure database: it is not an SQLite file/);
  } finally {
    t.done();
  }
});

test('opening a database from a newer Exposure fails clearly', async () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'future.db');
    await openSqliteStore(path).close();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    assert.throws(() => openSqliteStore(path), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.equal(err.code, 'NEWER_SCHEMA');
      assert.ok(err.message.includes(`newer Exposure (schema version 99; this version reads up to ${LATEST_VERSION})`));
      return true;
    });
  } finally {
    t.done();
  }
});

test('read-only opening never creates a file', () => {
  const t = tempDir();
  try {
    assert.throws(() => openSqliteStore(join(t.dir, 'typo.db'), { readonly: true }), /cannot open .*typo\.db: it does not exist/);
  } finally {
    t.done();
  }
});

test('a read-only store reads what a writer recorded', async () => {
  const f = await buildFixtureStore();
  try {
    const reader = openSqliteStore(f.path, { readonly: true });
    try {
      assert.equal((await reader.services(f.runId)).length, 4);
      await assert.rejects(reader.startRun(RUN_META), /readonly/);
    } finally {
      await reader.close();
    }
  } finally {
    await f.cleanup();
  }
});
