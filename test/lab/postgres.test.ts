/**
 * The tests' throwaway PostgreSQL cluster: it answers queries on its own
 * 127.x address, runs unprivileged, and leaves no process and no folder
 * behind; a start that cannot listen fails with one clear error, in time.
 * Addresses 127.0.25.1-3 are this file's own.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { LabError } from '../../src/lab/errors.ts';
import { freePort } from '../../src/lab/ports.ts';
import { assertReachable, findPostgres, startPostgres } from '../../src/lab/postgres.ts';

async function uidOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
}

test('a cluster answers on its 127.x address, keeps a table, and leaves no process or folder once stopped', { timeout: 90_000 }, async () => {
  const ip = '127.0.25.1';
  const cluster = await startPostgres({ ip, port: await freePort(ip) });
  try {
    assert.match(cluster.url, /^postgres:\/\/exposure@127\.0\.25\.1:\d+\/exposure$/);
    assert.ok(existsSync(join(cluster.socketDir, `.s.PGSQL.${cluster.port}`)), 'the unix socket is in the cluster\'s folder');
    if (process.getuid?.() === 0) assert.notEqual(await uidOf(cluster.pid), 0, 'run as root, the server drops to the postgres user');
    const client = new pg.Client({ connectionString: cluster.url, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      await client.query('CREATE TABLE blocks (id integer PRIMARY KEY, state text NOT NULL)');
      await client.query("INSERT INTO blocks VALUES (1, 'done'), (2, 'left')");
      const r = await client.query<{ n: string }>("SELECT count(*) AS n FROM blocks WHERE state = 'left'");
      assert.equal(r.rows[0]?.n, '1');
      assert.equal((await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db, 'exposure');
    } finally {
      await client.end();
    }
    // A client still connected does not hold the stop up: fast shutdown disconnects it.
    const lingering = new pg.Client({ connectionString: cluster.url, connectionTimeoutMillis: 5_000 });
    lingering.on('error', () => undefined);
    await lingering.connect();
    const began = Date.now();
    await cluster.stop();
    assert.ok(Date.now() - began < 5_000, `stopped in ${Date.now() - began} ms with a client connected`);
  } finally {
    await cluster.stop();
  }
  assert.equal(existsSync(`/proc/${cluster.pid}`), false, `pid ${cluster.pid} is gone`);
  assert.equal(existsSync(cluster.dir), false, 'the folder is removed');
  await cluster.stop(); // a second stop is harmless
});

test('a port already taken fails the start with one clear error within its deadline, leaving nothing behind', { timeout: 60_000 }, async () => {
  const ip = '127.0.25.2';
  const parentDir = await mkdtemp(join(tmpdir(), 'exposure-pg-parent-'));
  await chmod(parentDir, 0o755); // the postgres user the server runs as (under root) must enter it
  // Whatever holds the port accepts and says nothing, as a stray server might; its sockets are closed at the end.
  const held = new Set<net.Socket>();
  const holder = net.createServer((s) => held.add(s));
  await new Promise<void>((resolve) => holder.listen(0, ip, resolve));
  const port = (holder.address() as net.AddressInfo).port;
  try {
    const began = Date.now();
    await assert.rejects(startPostgres({ ip, port, parentDir, readyTimeoutMs: 20_000 }), (e: unknown) => {
      assert.ok(e instanceof LabError);
      assert.equal(e.code, 'port-in-use');
      assert.ok(e.message.startsWith(`${ip}:${port} is already in use: PostgreSQL could not listen there`), e.message);
      return true;
    });
    // Under a second here: the server's exit ends the wait, not the deadline nor a connect timeout.
    assert.ok(Date.now() - began < 10_000, `the server's exit is noticed long before the readiness deadline (${Date.now() - began} ms)`);
    assert.deepEqual(await readdir(parentDir), [], 'the cluster\'s folder is removed');
  } finally {
    for (const s of held) s.destroy();
    await new Promise((resolve) => holder.close(resolve));
    await rm(parentDir, { recursive: true, force: true });
  }
});

test('a cluster never listens outside 127.0.0.0/8, nor on a privileged port', async () => {
  await assert.rejects(startPostgres({ ip: '10.0.0.1', port: 5432 }), (e: unknown) => e instanceof LabError && e.code === 'bad-address');
  await assert.rejects(startPostgres({ ip: '127.0.25.3', port: 80 }), (e: unknown) => e instanceof LabError && e.code === 'bad-option');
});

test('a parent folder the server\'s account cannot enter is refused by name before initdb', async () => {
  const parentDir = await mkdtemp(join(tmpdir(), 'exposure-pg-parent-')); // 0700, ours
  try {
    const inside = join(parentDir, 'cluster');
    await assert.rejects(assertReachable(inside, { uid: 4_000_000 }), (e: unknown) => {
      return e instanceof LabError && e.code === 'bad-dir' && e.message.startsWith(`${parentDir} cannot be entered by the postgres user`);
    });
    await chmod(parentDir, 0o711);
    await assertReachable(inside, { uid: 4_000_000 });
    await assertReachable(inside, undefined); // not root: the server runs as ourselves
  } finally {
    await rm(parentDir, { recursive: true, force: true });
  }
});

test('the server is found under /usr/lib/postgresql/<major>/bin, or the install script is named', async () => {
  const found = await findPostgres();
  assert.match(found.initdb, /^\/usr\/lib\/postgresql\/\d+\/bin\/initdb$/);
  const empty = await mkdtemp(join(tmpdir(), 'exposure-pg-none-'));
  try {
    await assert.rejects(findPostgres(empty), (e: unknown) => e instanceof LabError && e.code === 'binary-missing' && e.message.includes('scripts/install-lab-deps.sh'));
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});
