/**
 * `exposure merge` on real scans: the compiled CLI scans 127.0.25.16/29 in
 * three shards and whole, against simulated SCPs in this process (five of
 * the eight addresses, one port), and the merged shards hold what the whole
 * scan found. Refusals are one line and exit 2, and leave --into untouched.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ScpBehaviour } from '../../src/lab/fleet/scp.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { latestServices, listenScp } from './scp-scans.ts';
import { exposure } from './exposure-cli.ts';

const TARGETS = '127.0.25.16/29';
const SCPS: Array<[string, ScpBehaviour['kind']]> = [
  ['127.0.25.17', 'open'],
  ['127.0.25.18', 'rejecting'],
  ['127.0.25.20', 'ae-checking'],
  ['127.0.25.21', 'echo-only'],
  ['127.0.25.23', 'qr-open'],
];
const servers: net.Server[] = [];
let port = 0;
let dir = '';

/** One port for all: the first SCP's, taken from the kernel; the other addresses are this file's own. */
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exposure-merge-cli-'));
  const [[ip, kind], ...rest] = SCPS as [[string, ScpBehaviour['kind']], ...Array<[string, ScpBehaviour['kind']]>];
  const first = await listenScp(ip, kind, 0);
  servers.push(first);
  port = (first.address() as net.AddressInfo).port;
  for (const [ip2, kind2] of rest) servers.push(await listenScp(ip2, kind2, port));
});

after(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

async function scan(db: string, extra: string[] = [], seed = '11'): Promise<void> {
  const r = await exposure(['scan', TARGETS, '-p', String(port), '--probes', 'dicom', '--seed', seed, '--rate', '0', '--quiet', '--db', db, ...extra]);
  assert.equal(r.code, 0, r.stderr);
}

test('three shards scanned apart and merged hold what one whole scan finds', { timeout: 180_000 }, async () => {
  const parts = [1, 2, 3].map((i) => join(dir, `part${i}.db`));
  for (const [i, part] of parts.entries()) await scan(part, ['--shard', `${i + 1}/3`]);
  const whole = join(dir, 'whole.db');
  await scan(whole);
  const merged = join(dir, 'merged.db');
  // Given out of order: shards are merged by index.
  const r = await exposure(['merge', parts[2]!, parts[0]!, parts[1]!, '--into', merged]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^merged 3 of 3 shards into .*merged\.db as run 1: 5 hosts, 5 services\n$/);

  const expected = await latestServices(whole);
  assert.equal(expected.length, SCPS.length, 'the whole scan found every SCP');
  assert.deepEqual(await latestServices(merged), expected);

  const store = openSqliteStore(merged, { readonly: true });
  try {
    const run = (await store.run(1))!;
    assert.equal(run.status, 'completed');
    assert.equal(run.summary?.hostsDone, 8, 'every address of the /29, each in one shard');
  } finally {
    await store.close();
  }

  const resumed = await exposure(['scan', '--resume', '1', '--db', merged, '--quiet']);
  assert.equal(resumed.code, 2);
  assert.match(resumed.stderr, /^exposure: run 1 of .*merged\.db is already completed\n$/);
});

test('shards of another seed, or one shard twice, are refused in one line with exit 2, and --into is not created', { timeout: 120_000 }, async () => {
  const a = join(dir, 'seed-a.db');
  const b = join(dir, 'seed-b.db');
  await scan(a, ['--shard', '1/2'], '21');
  await scan(b, ['--shard', '2/2'], '22');
  const out = join(dir, 'refused.db');

  const other = await exposure(['merge', a, b, '--into', out]);
  assert.equal(other.code, 2);
  assert.equal(other.stderr, `exposure: ${b} (run 1, shard 2/2) is not a shard of the same run as ${a} (run 1, shard 1/2): their seed differs\n`);

  const twice = await exposure(['merge', a, a, '--into', out]);
  assert.equal(twice.code, 2);
  assert.equal(twice.stderr, `exposure: ${a} (run 1) and ${a} (run 1) are both shard 1/2: give each shard once\n`);

  const self = await exposure(['merge', a, '--into', a]);
  assert.equal(self.code, 2);
  assert.match(self.stderr, /^exposure: --into .* is also given as a shard/);
  assert.equal(existsSync(out), false, 'a refused merge writes nothing');
});

test('a merge with a shard missing is stored as interrupted and says which', { timeout: 120_000 }, async () => {
  const only = join(dir, 'only-2-of-2.db');
  await scan(only, ['--shard', '2/2'], '31');
  const out = join(dir, 'partial.db');
  const r = await exposure(['merge', only, '--into', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^merged 1 of 2 shards into /);
  assert.match(r.stderr, /^exposure: missing: shard 1\/2 \(not given\)\nexposure: run 1 is stored as interrupted: it lacks the shards above\n$/);
  const resumed = await exposure(['scan', '--resume', '1', '--db', out, '--quiet']);
  assert.equal(resumed.code, 2);
  assert.match(resumed.stderr, /was merged from shards: resume the unfinished shards' own runs, then merge them again\n$/);
});
