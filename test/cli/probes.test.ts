/**
 * `exposure scan --probes`: "help" lists the probes, an unknown name is a
 * usage error naming the valid ones, and a selection is recorded with the run
 * and restricts what runs. The scan runs the compiled CLI against the
 * simulated SCP in this process, on 127.0.94.40 (port 0).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveScp } from '../../src/lab/fleet/scp.ts';
import { PROBES } from '../../src/probes/index.ts';
import { probeList } from '../../src/cli/options.ts';
import { UsageError } from '../../src/cli/errors.ts';
import { parametersOfRun } from '../../src/scan/run-parameters.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { exposure } from './exposure-cli.ts';

const HOST = '127.0.94.40';
let server: net.Server;
let port = 0;
let dir = '';
/** Connections the SCP accepted. */
let accepted = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exposure-probes-'));
  server = net.createServer((s) => {
    accepted++;
    serveScp(s, { kind: 'open', aeTitle: 'ORTHANC', slowMs: 0, rttMs: 0, findMatches: 0 });
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  port = (server.address() as net.AddressInfo).port;
});

after(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

test('--probes help lists every probe with its default ports and what it does, and scans nothing', async () => {
  const r = await exposure(['scan', '--probes', 'help']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  for (const p of PROBES) {
    const line = lines.find((l) => l.startsWith(`${p.id} `));
    assert.ok(line, `${p.id} listed`);
    assert.ok(line.includes(p.defaultPorts.join(',')) && line.includes(p.summary), line);
  }
  assert.match(lines.find((l) => l.startsWith('dicom-tls '))!, /\s2762\s/, 'dicom-tls claims 2762 only');
});

test('an unknown probe is a usage error that names the valid ones, exit 2', async () => {
  const r = await exposure(['scan', HOST, '--probes', 'dicom,telnet', '--db', join(dir, 'x.db')]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `exposure: --probes: there is no probe "telnet"; the probes are ${PROBES.map((p) => p.id).join(', ')} (--probes help describes them)\n`);
});

test('the probe list parser: ids kept once in the order given, "help" only alone', () => {
  assert.deepEqual(probeList('dicom-tls, dicom,dicom-tls'), ['dicom-tls', 'dicom']);
  assert.equal(probeList('help'), 'help');
  assert.throws(() => probeList('help,dicom'), (e: unknown) => e instanceof UsageError && /no probe "help"/.test(e.message));
  assert.throws(() => probeList(' , '), (e: unknown) => e instanceof UsageError && /at least one probe/.test(e.message));
});

test('a selection is recorded with the run and restricts what runs', { timeout: 60_000 }, async () => {
  const db = join(dir, 'scan.db');
  const before = accepted;
  const r = await exposure(['scan', HOST, '--ports', String(port), '--probes', 'dicom', '--greeting-wait', '50', '--db', db, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(accepted - before, 1, 'one connection: discovery and the DICOM probe on it');
  const store = openSqliteStore(db, { readonly: true });
  try {
    const id = (await store.latestRunId())!;
    const services = await store.services(id);
    assert.deepEqual(services.map((s) => `${s.port}:${s.protocol}:${s.status}`), [`${port}:dicom:success`]);
    const p = parametersOfRun((await store.run(id))!, db);
    assert.deepEqual(p.probes, ['dicom']);
    assert.equal(p.limits.greetingWaitMs, 50);
  } finally {
    await store.close();
  }
});
