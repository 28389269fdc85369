/**
 * Every command that takes a store, on PostgreSQL: the compiled CLI scans
 * simulated SCPs in this process (127.0.28.16/30, one port) into a database
 * of a throwaway cluster (127.0.28.8), reports and diffs from it, resumes a
 * run in it, merges shards into it, and takes the URL from EXPOSURE_DB. A
 * store it cannot reach or open is one line, exit 2, and never the password.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import pg from 'pg';
import type { ScpBehaviour } from '../../src/lab/fleet/scp.ts';
import { freePort } from '../../src/lab/ports.ts';
import { startPostgres, type PostgresCluster } from '../../src/lab/postgres.ts';
import { recordParameters, runMeta } from '../../src/scan/run-parameters.ts';
import { openPostgresStore } from '../../src/store/index.ts';
import { latestServices, listenScp } from './scp-scans.ts';
import { requested } from '../scan/parameters.ts';
import { exposure } from './exposure-cli.ts';

const TARGETS = '127.0.28.16/30';
const SCPS: Array<[string, ScpBehaviour['kind']]> = [
  ['127.0.28.17', 'open'],
  ['127.0.28.18', 'rejecting'],
];
const servers: net.Server[] = [];
let port = 0;
let cluster: PostgresCluster;
let databases = 0;

before(async () => {
  cluster = await startPostgres({ ip: '127.0.28.8', port: await freePort('127.0.28.8') });
  const first = await listenScp(SCPS[0]![0], SCPS[0]![1], 0);
  servers.push(first);
  port = (first.address() as net.AddressInfo).port;
  for (const [ip, kind] of SCPS.slice(1)) servers.push(await listenScp(ip, kind, port));
});

after(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await cluster?.stop();
});

/** A new empty database on the cluster: its URL. */
async function database(): Promise<string> {
  const name = `cli_${++databases}`;
  const client = new pg.Client({ connectionString: cluster.url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return cluster.url.replace(/\/[^/]*$/, `/${name}`);
}

async function scan(db: string, extra: string[] = []): Promise<{ stdout: string }> {
  const r = await exposure(['scan', TARGETS, '-p', String(port), '--probes', 'dicom', '--seed', '7', '--rate', '0', '--db', db, ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return r;
}

test('scan into PostgreSQL, then report every streamed format, diff and the table from it, EXPOSURE_DB as the default', { timeout: 180_000 }, async () => {
  const url = await database();
  const first = await scan(url);
  assert.match(first.stdout, new RegExp(`\\nrun 1 stored in ${url.replace(/[/.]/g, '\\$&')}\\n$`));
  assert.deepEqual((await latestServices(url)).map((s) => (s as { ip: string; status: string }).status), ['success', 'rejected']);
  await scan(url, ['--quiet']);

  const json = await exposure(['report', '--db', url, '--run', '1', '--format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const model = JSON.parse(json.stdout) as { services: Array<{ ip: string }> };
  assert.deepEqual(model.services.map((s) => s.ip), ['127.0.28.17', '127.0.28.18']);
  for (const format of ['ndjson', 'csv', 'sarif', 'md', 'table']) {
    const r = await exposure(['report', '--format', format], 60_000, { EXPOSURE_DB: url });
    assert.equal(r.code, 0, `${format}: ${r.stderr}`);
    assert.ok(r.stdout.includes('127.0.28.17'), `${format} names the exposed SCP`);
  }
  // The flag wins over the variable.
  const flagWins = await exposure(['report', '--db', url, '--run', '2', '--format', 'ndjson'], 60_000, { EXPOSURE_DB: 'postgres://nobody@127.0.28.8:1/none' });
  assert.equal(flagWins.code, 0, flagWins.stderr);

  const diff = await exposure(['diff', '1', '2', '--db', url, '--format', 'json']);
  assert.equal(diff.code, 0, diff.stderr);
  assert.equal((JSON.parse(diff.stdout) as { newCritical: number }).newCritical, 0);
  const unknown = await exposure(['diff', '1', '9'], 60_000, { EXPOSURE_DB: url });
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, `exposure: ${url} has no run 9 (runs stored: 1, 2)\n`);
});

test('shards scanned into databases of their own merge into a PostgreSQL database as the whole scan', { timeout: 180_000 }, async () => {
  const parts = [await database(), await database()];
  for (const [i, part] of parts.entries()) await scan(part, ['--quiet', '--shard', `${i + 1}/2`]);
  const whole = await database();
  await scan(whole, ['--quiet']);
  const into = await database();
  const r = await exposure(['merge', parts[1]!, parts[0]!, '--into', into]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `merged 2 of 2 shards into ${into} as run 1: 2 hosts, 2 services\n`);
  assert.deepEqual(await latestServices(into), await latestServices(whole));
});

test('a run recorded in PostgreSQL and never scanned is resumed in place and completed', { timeout: 60_000 }, async () => {
  const url = await database();
  const store = openPostgresStore(url);
  const id = await store.startRun(runMeta(recordParameters(requested()), [], ['127.0.28.40/30']));
  await store.close();
  const r = await exposure(['scan', '--resume', String(id), '--db', url, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const after = openPostgresStore(url, { readonly: true });
  try {
    const runs = await after.runs();
    assert.deepEqual(runs.map((run) => [run.id, run.status, run.summary?.hostsDone]), [[id, 'completed', 4]]);
  } finally {
    await after.close();
  }
});

test('an unreachable server, a missing database and a bad URL are one line, exit 2, without the password', { timeout: 60_000 }, async () => {
  const closed = `postgres://scanner:hunter2-secret@127.0.28.8:${await freePort('127.0.28.8')}/exposure`;
  const missing = cluster.url.replace('exposure@', 'exposure:hunter2-secret@').replace(/\/[^/]*$/, '/no_such_db');
  const runs: Array<[string[], RegExp]> = [
    [['report', '--db', closed], /^exposure: cannot reach PostgreSQL at postgres:\/\/scanner:\*\*\*@127\.0\.28\.8:\d+\/exposure \(ECONNREFUSED\): is the server running and the address right\?\n$/],
    [['diff', '1', '2', '--db', missing], /^exposure: postgres:\/\/exposure:\*\*\*@127\.0\.28\.8:\d+\/no_such_db: the database does not exist \(create it first: createdb\)\n$/],
    [['scan', '127.0.28.40', '-p', '9', '--db', missing, '--quiet'], /: the database does not exist/],
    [['report', '--db', 'postgres://scanner:hunter2-secret@[bad/x'], /^exposure: the PostgreSQL URL cannot be parsed: give postgres:\/\/USER@HOST:PORT\/DATABASE\n$/],
  ];
  for (const [args, expected] of runs) {
    const r = await exposure(args);
    assert.equal(r.code, 2, `${args[0]}: ${r.stderr}`);
    assert.match(r.stderr, expected);
    assert.ok(!`${r.stdout}${r.stderr}`.includes('hunter2'), r.stderr);
  }
});
