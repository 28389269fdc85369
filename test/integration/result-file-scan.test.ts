/**
 * `exposure scan --from` a ZMap and a masscan result file, against the fleet
 * simulator on 127.1.1.x: lines with a port skip discovery, a closed port is no
 * service, the same address on two lines is one host, default exclusions and
 * the guard apply. Runs the CLI as a user does.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnFleet, type FleetProcess } from '../../src/lab/fleet/spawn.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { exposure as runExposure } from '../cli/exposure-cli.ts';

const exposure = (args: string[]) => runExposure(args, 120_000);
let fleet: FleetProcess;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'exposure-from-'));
  fleet = await spawnFleet({ groups: [{ first: '127.1.1.1', stride: 1, count: 4, ports: [104, 11112], mix: { open: 1 } }], aeTitle: 'ORTHANC', slowMs: 0 }, 60_000);
});
after(async () => {
  await fleet?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('scan --from a result file', () => {
  it('probes the endpoints of a ZMap CSV file, once per endpoint, without discovery', { timeout: 120_000 }, async () => {
    const file = join(dir, 'zmap.csv');
    // 127.1.1.1:104 and 127.1.1.2:11112 listen; 127.1.1.1:4242 is closed; 127.1.1.1 appears twice, 127.1.1.2:11112 too.
    await writeFile(file, 'saddr,sport,success\n127.1.1.1,104,1\n127.1.1.2,11112,1\n127.1.1.1,4242,1\n127.1.1.3,104,0\n127.1.1.2,11112,1\n');
    const db = join(dir, 'zmap.db');
    const r = await exposure(['scan', '--from', file, '--no-default-exclusions', '--db', db, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /done: 4 targets done · 0 excluded · 1 unreachable/);
    const store = openSqliteStore(db, { readonly: true });
    try {
      const services = await store.services((await store.latestRunId())!);
      assert.deepEqual(services.map((s) => `${s.ip}:${s.port}:${s.status}`).sort(), ['127.1.1.1:104:success', '127.1.1.2:11112:success']);
    } finally {
      await store.close();
    }
  });

  it('applies the default exclusions to a result file in full, and says how to keep the lines', async () => {
    const file = join(dir, 'masscan.lst');
    await writeFile(file, '#masscan\nopen tcp 104 127.1.1.1 1700000000\n# end\n');
    const r = await exposure(['scan', '--from', file, '--db', join(dir, 'm.db'), '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /1 entries of .* fall in excluded ranges .* --no-default-exclusions/);
    assert.match(r.stdout, /dry run: 0 targets in this run, 1 excluded/);
  });

  it('refuses a public address in a result file before sending anything, naming the entry', async () => {
    const file = join(dir, 'public.txt');
    await writeFile(file, '127.1.1.1\n192.0.2.10\n');
    const r = await exposure(['scan', '--from', file, '--no-default-exclusions', '--db', join(dir, 'p.db')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /refusing to scan 192\.0\.2\.10 \(entry 2 of .*public\.txt\).*--allow-list FILE/);
  });

  it('names the line of a malformed result file and exits cleanly', async () => {
    const file = join(dir, 'bad.csv');
    await writeFile(file, 'saddr,sport\n127.1.1.1,104\n127.1.1.2,http\n');
    const r = await exposure(['scan', '--from', file, '--db', join(dir, 'b.db')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^exposure: "http" is not a port \(1-65535\) \(line 3 of .*bad\.csv\)\n$/);
  });

  it('rejects bad flag values with a clear message', async () => {
    const r = await exposure(['scan', '127.1.1.1', '--shard', '5/4']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--shard must be I\/N/);
    const both = await exposure(['scan', '127.1.1.1', '--from', 'x.csv']);
    assert.match(both.stderr, /either target specs or --from FILE, not both/);
    const ip6 = await exposure(['scan', 'fd00::/64', '--dry-run']);
    assert.match(ip6.stderr, /IPv6 space cannot be swept/);
  });
});
