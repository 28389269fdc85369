/**
 * Many machines, one result: the lab's real DICOM servers scanned once on one
 * machine into SQLite, and once distributed through a real PostgreSQL to three
 * `exposure worker` processes; the two runs hold the same services, findings
 * and study tables. Then again with one worker killed (SIGKILL) while it holds
 * a block: its lease runs out, another worker takes the block over, and the
 * result is still the same, no service stored twice. A silent listener (accepts,
 * never answers) makes one block last the I/O timeout, so the worker is killed
 * while it surely holds that block, not one it is about to finish.
 * Runs on 127.0.80.x (lab and the silent listener) and 127.0.81.1 (PostgreSQL) only.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startLab, type Lab, type LabServerName } from '../../src/lab/lab.ts';
import { startPostgres, type PostgresCluster } from '../../src/lab/postgres.ts';
import { freePort } from '../../src/lab/ports.ts';
import { openStoreReader, type StoreReader } from '../../src/store/index.ts';
import { CLI, exposure as cli } from '../cli/exposure-cli.ts';

const exposure = (args: string[]): ReturnType<typeof cli> => cli(args, 180_000);

const ADDRESSES: Partial<Record<LabServerName, string>> = {
  'orthanc-open': '127.0.80.2',
  'orthanc-locked': '127.0.80.3',
  dcmqrscp: '127.0.80.4',
  storescp: '127.0.80.5',
  'orthanc-echo-only': '127.0.80.6',
};
const SCAN = ['127.0.80.1-127.0.80.9', '--ports', '104,4242,11112', '--io-timeout', '5000', '--seed', '7', '--quiet'];
const LEASE_MS = 1500;
/** Accepts on port 104 and never answers: the DICOM probe waits its --io-timeout there. */
const SILENT = { ip: '127.0.80.8', port: 104 };

let dir: string;
let lab: Lab | undefined;
let cluster: PostgresCluster | undefined;
let silent: Server | undefined;
const held: Socket[] = [];

function worker(db: string, name: string): { child: ChildProcess; done: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [CLI, 'worker', '--db', db, '--name', name, '--lease', String(LEASE_MS), '--poll', '200'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, done, stderr: () => err };
}

/** What must be equal between two runs of the same targets: per service its facts and findings, and the study tables. */
async function summary(store: StoreReader, runId: number): Promise<unknown> {
  const services = (await store.services(runId)).map((s) => ({
    endpoint: `${s.ip}:${s.port}/${s.protocol}`,
    status: s.status,
    product: s.product,
    version: s.version,
    exposure: s.observation.exposure,
    findings: s.findings.map((f) => `${f.ruleId}:${f.severity}`).sort(),
  }));
  return {
    services,
    totals: await store.runTotals(runId),
    byProtocol: await store.breakdown(runId, 'protocol'),
    byProduct: await store.breakdown(runId, 'product'),
    byCountry: await store.breakdown(runId, 'country'),
    rules: await store.findingsByRule(runId),
    inventory: await store.inventory(runId),
  };
}

async function distributedRun(db: string): Promise<number> {
  const r = await exposure(['scan', ...SCAN, '--db', db, '--distribute', '--block-size', '1']);
  assert.equal(r.code, 0, r.stderr);
  const m = /^run (\d+) recorded/m.exec(r.stdout);
  assert.ok(m, r.stdout);
  return Number(m[1]);
}

async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let expected: unknown;
let pgUrl: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'exposure-distributed-'));
  lab = await startLab({ dir: join(dir, 'lab'), addresses: ADDRESSES, only: Object.keys(ADDRESSES) as LabServerName[] });
  silent = createServer((socket) => {
    held.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    silent!.once('error', reject);
    silent!.listen(SILENT.port, SILENT.ip, () => resolve());
  });
  // The cluster runs as the unprivileged postgres user: its folder goes where that user may enter.
  cluster = await startPostgres({ ip: '127.0.81.1', port: await freePort('127.0.81.1') });
  pgUrl = cluster.url;
  const file = join(dir, 'one-machine.db');
  const r = await exposure(['scan', ...SCAN, '--db', file]);
  assert.equal(r.code, 0, r.stderr);
  const store = openStoreReader(file);
  try {
    expected = await summary(store, (await store.latestRunId())!);
  } finally {
    await store.close();
  }
});

after(async () => {
  for (const socket of held) socket.destroy();
  await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
  await lab?.stop();
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('a distributed run', () => {
  it('with three workers holds what one machine found', async () => {
    const runId = await distributedRun(pgUrl);
    const workers = ['w1', 'w2', 'w3'].map((n) => worker(pgUrl, n));
    const codes = await Promise.all(workers.map((w) => w.done));
    assert.deepEqual(codes, [0, 0, 0], workers.map((w) => w.stderr()).join('\n'));
    const store = openStoreReader(pgUrl);
    try {
      const r = await store.run(runId);
      assert.equal(r?.status, 'completed');
      assert.deepEqual(await summary(store, runId), expected);
    } finally {
      await store.close();
    }
    // Every block done once, by whichever worker claimed it.
    const status = await exposure(['status', '--db', pgUrl, '--run', String(runId), '--format', 'json']);
    assert.equal(status.code, 0, status.stderr);
    const s = JSON.parse(status.stdout) as { runs: Array<{ done: number; blocks: number; workers: Array<{ worker: string; blocksDone: number }> }> };
    assert.equal(s.runs[0]?.done, s.runs[0]?.blocks);
    assert.equal(s.runs[0]?.workers.reduce((sum, w) => sum + w.blocksDone, 0), s.runs[0]?.blocks, status.stdout);
  });

  it('with a worker killed mid-block still holds it, each service once', async () => {
    const runId = await distributedRun(pgUrl);
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      const victim = worker(pgUrl, 'victim');
      // Once the victim has held a block for a second (the silent listener's: the others take milliseconds),
      // it dies without giving it back.
      const victimBlock = await waitFor('the victim to hold a block', 60_000, async () => {
        const r = await client.query<{ block_no: number }>(
          `SELECT block_no FROM blocks WHERE run_id = $1 AND worker = 'victim' AND state = 'claimed' AND claimed_at < now() - interval '1 second'`,
          [runId],
        );
        return r.rows[0]?.block_no;
      });
      victim.child.kill('SIGKILL');
      await victim.done;
      const rest = ['w4', 'w5'].map((n) => worker(pgUrl, n));
      const codes = await Promise.all(rest.map((w) => w.done));
      assert.deepEqual(codes, [0, 0], rest.map((w) => w.stderr()).join('\n'));
      const block = await client.query<{ state: string; worker: string; attempts: number }>(
        'SELECT state, worker, attempts FROM blocks WHERE run_id = $1 AND block_no = $2',
        [runId, victimBlock],
      );
      assert.equal(block.rows[0]?.state, 'done');
      assert.notEqual(block.rows[0]?.worker, 'victim');
      assert.ok((block.rows[0]?.attempts ?? 0) >= 2);
      const twice = await client.query('SELECT ip, port, protocol, count(*) FROM services WHERE run_id = $1 GROUP BY ip, port, protocol HAVING count(*) > 1', [runId]);
      assert.equal(twice.rowCount, 0);
    } finally {
      await client.end();
    }
    const store = openStoreReader(pgUrl);
    try {
      assert.equal((await store.run(runId))?.status, 'completed');
      assert.deepEqual(await summary(store, runId), expected);
    } finally {
      await store.close();
    }
  });
});
