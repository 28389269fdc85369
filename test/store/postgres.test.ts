/**
 * What only the PostgreSQL store does: its schema marker and migration under
 * an advisory lock, refusing databases not its own, a reader that never
 * writes, connection errors in one line without the password, transactions a
 * caller shares with the batch writes, and writers meeting on one rule text.
 * The behaviour both engines share is tested in the other files of this
 * folder, on both. The cluster listens on 127.0.28.6.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { freePort } from '../../src/lab/ports.ts';
import { startPostgres, type PostgresCluster } from '../../src/lab/postgres.ts';
import { NUMBER_TYPES } from '../../src/store/postgres/connect.ts';
import { enqueueBlocks } from '../../src/store/postgres/queue.ts';
import { PG_LATEST_VERSION } from '../../src/store/postgres/schema.ts';
import { openPostgresStore, openStoreReader, openStoreSink, PostgresStore, StoreError, type HostResult } from '../../src/store/index.ts';
import type { Finding } from '../../src/observation/finding.ts';
import { ANY_AE, fixedClock, HOSTS, NO_TLS, REFUSED, RUN_META } from './fixtures.ts';

const IP = '127.0.28.6';
let cluster: PostgresCluster;
let databases = 0;

before(async () => {
  cluster = await startPostgres({ ip: IP, port: await freePort(IP) });
});
after(() => cluster?.stop());

async function sql<T extends pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, types: NUMBER_TYPES, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** A new empty database on the cluster: its URL. */
async function database(): Promise<string> {
  const name = `pg_only_${++databases}`;
  await sql(cluster.url, `CREATE DATABASE ${name}`);
  return cluster.url.replace(/\/[^/]*$/, `/${name}`);
}

const tables = async (url: string): Promise<string[]> =>
  (await sql<{ t: string }>(url, `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).map((r) => r.t);

function refusedAt(ip: string, findings: Finding[]): HostResult {
  return { ip, services: [{ observation: { ...REFUSED, endpoint: { ip, port: 104 } }, findings }] };
}

/** The StoreError a promise rejects with. */
async function storeError(p: Promise<unknown>): Promise<StoreError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StoreError, String(err));
    return err;
  }
  assert.fail('it did not reject');
}

describe('the PostgreSQL schema', () => {
  it('is created once by writers starting together, marked as ours at the latest version, with the work queue', async () => {
    const url = await database();
    const sinks = Array.from({ length: 4 }, () => openStoreSink(url, { now: fixedClock }));
    try {
      const ids = await Promise.all(sinks.map((s) => s.startRun(RUN_META)));
      assert.deepEqual([...ids].sort(), [1, 2, 3, 4]);
    } finally {
      await Promise.all(sinks.map((s) => s.close()));
    }
    assert.deepEqual(await sql(url, 'SELECT application, version FROM exposure_schema'), [{ application: 'exposure', version: PG_LATEST_VERSION }]);
    assert.ok((await tables(url)).includes('blocks'));
    // A scan asks for SQLite's write thread; a PostgreSQL sink writes over its own connection instead.
    const scanSink = openStoreSink(url, { writeThread: true });
    assert.ok(scanSink instanceof PostgresStore);
    await scanSink.close();
  });

  it('refuses a database of another application in one line and leaves it untouched', async () => {
    const url = await database();
    await sql(url, 'CREATE TABLE contacts (name text)');
    const sink = openStoreSink(url);
    try {
      const err = await storeError(sink.startRun(RUN_META));
      assert.equal(err.code, 'NOT_EXPOSURE_DB');
      assert.equal(err.message, `${url} is not an Exposure database: its schema holds 1 tables of another application`);
    } finally {
      await sink.close();
    }
    assert.deepEqual(await tables(url), ['contacts']);
  });

  it('refuses a database written by a newer Exposure, writer and reader alike', async () => {
    const url = await database();
    const sink = openStoreSink(url);
    await sink.startRun(RUN_META);
    await sink.close();
    await sql(url, 'UPDATE exposure_schema SET version = 99');
    for (const store of [openStoreSink(url), openStoreReader(url)]) {
      try {
        const err = await storeError(store.run(1));
        assert.equal(err.code, 'NEWER_SCHEMA');
        assert.ok(err.message.includes(`newer Exposure (schema version 99; this version reads up to ${PG_LATEST_VERSION})`), err.message);
      } finally {
        await store.close();
      }
    }
  });

  it('a reader never creates tables and refuses to write; it reads what a writer stored', async () => {
    const url = await database();
    const empty = openStoreReader(url);
    try {
      const err = await storeError(empty.runs());
      assert.equal(err.code, 'NOT_EXPOSURE_DB');
      assert.match(err.message, /is not an Exposure database yet: it is empty/);
    } finally {
      await empty.close();
    }
    assert.deepEqual(await tables(url), []);

    const sink = openPostgresStore(url, { now: fixedClock });
    const runId = await sink.startRun(RUN_META);
    await sink.recordHost(runId, HOSTS[0]!);
    await sink.close();
    const reader = openPostgresStore(url, { readonly: true });
    try {
      assert.equal((await reader.services(runId)).length, 2);
      // The reader's connections are read-only: the server itself refuses a write.
      await assert.rejects(reader.startRun(RUN_META), /read-only transaction/);
      await assert.rejects(reader.recordHost(runId, HOSTS[1]!), /read-only transaction/);
    } finally {
      await reader.close();
    }
    assert.equal((await sql<{ n: number }>(url, 'SELECT count(*) AS n FROM runs'))[0]?.n, 1);
  });
});

describe('connection errors', () => {
  it('an unreachable server, a missing database and an unparsable URL are one line each, without the password', async () => {
    const closed = await freePort(IP); // nothing listens there: connect is refused at once
    const cases: Array<[string, RegExp]> = [
      [`postgres://scanner:hunter2-secret@${IP}:${closed}/exposure`, /^cannot reach PostgreSQL at postgres:\/\/scanner:\*\*\*@127\.0\.28\.6:\d+\/exposure \(ECONNREFUSED\)/],
      [cluster.url.replace('exposure@', 'exposure:hunter2-secret@').replace(/\/[^/]*$/, '/no_such_db'), /: the database does not exist \(create it first: createdb\)$/],
    ];
    for (const [url, expected] of cases) {
      for (const store of [openStoreSink(url), openStoreReader(url)]) {
        try {
          const err = await storeError(store.run(1));
          assert.equal(err.code, 'CANNOT_CONNECT');
          assert.match(err.message, expected);
          assert.ok(!err.message.includes('hunter2') && !err.message.includes('\n'), err.message);
        } finally {
          await store.close();
        }
      }
    }
    assert.throws(() => openStoreReader('postgres://scanner:hunter2-secret@[nope/x'), (err: unknown) => {
      assert.ok(err instanceof StoreError && err.code === 'NOT_EXPOSURE_DB');
      assert.ok(!err.message.includes('hunter2'), err.message);
      return true;
    });
  });
});

describe('transactions shared with a caller', () => {
  it("commits the caller's own SQL and the batch together, and rolls both back when the callback throws", async () => {
    const url = await database();
    const store = openPostgresStore(url, { now: fixedClock });
    try {
      const runId = await store.startRun(RUN_META);
      const fresh: Finding = { ...ANY_AE, title: 'A text first met in a transaction that fails' };
      await assert.rejects(
        store.inTransaction(async (tx) => {
          await enqueueBlocks(tx.client, runId, 10, 5);
          await tx.recordHosts(runId, { hosts: [refusedAt('10.0.0.1', [fresh])] });
          throw new Error('the block was taken over');
        }),
        /the block was taken over/,
      );
      assert.equal((await sql<{ n: number }>(url, 'SELECT count(*) AS n FROM blocks'))[0]?.n, 0);
      assert.equal(await store.isHostDone(runId, '10.0.0.1'), false);
      assert.equal((await sql<{ n: number }>(url, 'SELECT count(*) AS n FROM rule_texts'))[0]?.n, 0);

      const done = await store.inTransaction(async (tx) => {
        await enqueueBlocks(tx.client, runId, 10, 5);
        await tx.recordHosts(runId, { hosts: [refusedAt('10.0.0.1', [fresh])] });
        await tx.recordHosts(runId, { hosts: [refusedAt('10.0.0.2', [fresh, NO_TLS])], checkpoint: { watermark: 2, done: [], counters: { hostsDone: 2, openPorts: 0, unreachable: 0, services: 2, findings: 3 } } });
        return 'done';
      });
      assert.equal(done, 'done');
      assert.equal((await sql<{ n: number }>(url, 'SELECT count(*) AS n FROM blocks'))[0]?.n, 2);
      // The text the rolled-back transaction first stored is stored again, not pointed at.
      assert.deepEqual((await store.services(runId)).map((s) => s.findings), [[fresh], [fresh, NO_TLS]]);
      assert.equal((await store.loadCheckpoint(runId))?.watermark, 2);
    } finally {
      await store.close();
    }
  });

  it('writers storing the same new rule text at once store it once, and each finding points at it', async () => {
    const url = await database();
    const first = openPostgresStore(url, { now: fixedClock });
    const runId = await first.startRun(RUN_META);
    const writers = [first, ...Array.from({ length: 3 }, () => openPostgresStore(url, { now: fixedClock }))];
    try {
      const shared: Finding = { ...NO_TLS, title: 'One wording met by every writer' };
      await Promise.all(writers.map((w, i) => w.recordHosts(runId, { hosts: Array.from({ length: 20 }, (_x, k) => refusedAt(`10.${i}.0.${k}`, [shared, ANY_AE])) })));
      assert.deepEqual(await sql(url, 'SELECT rule_id, count(*) AS n FROM rule_texts GROUP BY rule_id ORDER BY rule_id'), [
        { rule_id: 'EXP-DICOM-002', n: 1 },
        { rule_id: 'EXP-DICOM-003', n: 1 },
      ]);
      const findings = await first.findings(runId);
      assert.equal(findings.length, 160);
      assert.ok(findings.every((f) => f.title === (f.ruleId === shared.ruleId ? shared.title : ANY_AE.title)));
    } finally {
      await Promise.all(writers.map((w) => w.close()));
    }
  });
});
