/**
 * The honeypot pass where no `scan` ends a run: a distributed run completed by
 * `exposure worker` is assessed by that worker after its last block's commit,
 * and `exposure report` assesses a finished run stored without an assessment.
 * Three DICOMHawk personas (lab/fleet/honeypot.ts) in this process on
 * 127.0.99.61-63, PostgreSQL on 127.0.99.30; the compiled CLI (npm run build).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHoneypots, type Honeypots } from '../../src/lab/fleet/honeypot.ts';
import { startPostgres, type PostgresCluster } from '../../src/lab/postgres.ts';
import { freePort } from '../../src/lab/ports.ts';
import { openSqliteStore, openStoreReader } from '../../src/store/index.ts';
import { exposure } from '../cli/exposure-cli.ts';
import { EXPOSED, honeypotPersona, RUN_META } from '../store/fixtures.ts';

const PERSONAS = ['127.0.99.61', '127.0.99.62', '127.0.99.63'];
const PORT = 11112;

let dir: string;
let honeypots: Honeypots | undefined;
let cluster: PostgresCluster | undefined;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'exposure-worker-honeypots-'));
  honeypots = await startHoneypots(PERSONAS.map((ip) => ({ ip, port: PORT, persona: 'dicomhawk-ge-ct' as const })));
  cluster = await startPostgres({ ip: '127.0.99.30', port: await freePort('127.0.99.30') });
});

after(async () => {
  await honeypots?.close();
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the honeypot pass without a scan', () => {
  it('runs in the worker that completes a distributed run, once, after the commit', async () => {
    const db = cluster!.url;
    const scan = await exposure(['scan', '127.0.99.61-127.0.99.63', '--ports', String(PORT), '--seed', '7', '--quiet', '--db', db, '--distribute', '--block-size', '1'], 60_000);
    assert.equal(scan.code, 0, scan.stderr);
    const runId = Number(/^run (\d+) recorded/m.exec(scan.stdout)?.[1]);
    assert.ok(runId > 0, scan.stdout);
    const worker = await exposure(['worker', '--db', db, '--name', 'w1', '--poll', '200'], 120_000);
    assert.equal(worker.code, 0, worker.stderr);
    assert.match(worker.stderr, new RegExp(`run ${runId} completed`));
    assert.equal(worker.stderr.match(/honeypot pass: /g)?.length, 1, worker.stderr);
    assert.match(worker.stderr, new RegExp(`run ${runId}: honeypot pass: 3 likely honeypots`));
    const store = openStoreReader(db);
    try {
      assert.equal((await store.run(runId))?.status, 'completed');
      assert.equal(await store.honeypotsPending(runId), false);
      const services = await store.services(runId);
      assert.deepEqual(services.map((s) => s.honeypot?.level), ['likely', 'likely', 'likely']);
      assert.equal((await store.runTotals(runId)).likelyHoneypots, 3);
    } finally {
      await store.close();
    }
  });

  it('runs in `report` on a finished run stored without it, and only the first time', async () => {
    const db = join(dir, 'older.db');
    const store = openSqliteStore(db);
    let runId: number;
    try {
      runId = await store.startRun(RUN_META);
      const hosts = [{ ip: '10.0.0.5', services: [{ observation: EXPOSED, findings: [] }] }, ...['10.9.0.1', '10.9.0.2', '10.9.0.3'].map((ip) => ({ ip, services: [{ observation: honeypotPersona(ip), findings: [] }] }))];
      await store.recordHosts(runId, { hosts });
      await store.finishRun(runId, { targetsTotal: 4, hostsDone: 4, openPorts: 4, excluded: 0, status: 'completed' });
    } finally {
      await store.close();
    }
    const first = await exposure(['report', '--db', db, '--format', 'json']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, new RegExp(`run ${runId} had no honeypot assessment: assessed now, 3 likely honeypots`));
    const report = JSON.parse(first.stdout) as { totals: { services: number; likelyHoneypots?: { services: number; counted: boolean } } };
    assert.deepEqual(report.totals.likelyHoneypots, { services: 3, counted: false });
    assert.equal(report.totals.services, 1);
    const again = await exposure(['report', '--db', db, '--format', 'csv']);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /honeypot assessment/);
    assert.match(again.stdout, /10\.9\.0\.1,11112,dicom,.*,likely,100,any-called-ae; honeypot-persona; lure-dataset; same-keyed-dataset; same-dataset; fast-responses\r\n/);
  });
});
