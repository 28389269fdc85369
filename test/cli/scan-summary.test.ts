/**
 * What `exposure scan` prints when it ends: services and exposure by
 * protocol, the exposed services, the totals and findings by severity. The
 * scan runs the compiled CLI against a simulated SCP in this process that
 * answers C-FIND with matches, on 127.0.23.1 (port 0); 127.0.23.2 has no
 * listener at all.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveScp } from '../../src/lab/fleet/scp.ts';
import { exposure } from './exposure-cli.ts';

const HOST = '127.0.23.1';
const NOBODY = '127.0.23.2';
let server: net.Server;
let port = 0;
let dir = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exposure-scan-summary-'));
  server = net.createServer((s) => serveScp(s, { kind: 'qr-open', aeTitle: 'ORTHANC', slowMs: 0, rttMs: 0, findMatches: 3 }));
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  port = (server.address() as net.AddressInfo).port;
});

after(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

test('an exposed service: the protocol counts, the service under "Exposed services", the totals and findings', { timeout: 60_000 }, async () => {
  const db = join(dir, 'exposed.db');
  const r = await exposure(['scan', HOST, '--ports', String(port), '--probes', 'dicom', '--greeting-wait', '50', '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout;
  assert.match(out, /^Run 1 · completed · started /m);
  assert.match(out, /^Protocol +Services +Exposed$/m);
  assert.match(out, /^dicom +1 +1$/m);
  assert.match(out, new RegExp(`^Exposed services\\nEndpoint .*\\n${HOST.replace(/\./g, '\\.')}:${port} +dicom +success `, 'm'));
  assert.match(out, /^1 service, 1 exposed · patient records \d+ \(summed over servers; ≥ \d+ distinct\) · /m);
  const critical = /^Findings: (\d+) critical, \d+ high, \d+ medium, \d+ low, \d+ info$/m.exec(out);
  assert.ok(critical && Number(critical[1]) >= 1, out);
  assert.doesNotMatch(out, /more exposed services/);
  assert.match(out, new RegExp(`\\nrun 1 stored in ${db.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\n$`));
});

test('nothing found: says so, and the totals are zero', { timeout: 60_000 }, async () => {
  const r = await exposure(['scan', NOBODY, '--ports', String(port), '--probes', 'dicom', '--db', join(dir, 'empty.db')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^No services found\.$/m);
  assert.match(r.stdout, /^No service exposed patient data\.$/m);
  assert.match(r.stdout, /^0 services, 0 exposed · patient records — · /m);
  assert.match(r.stdout, /^Findings: 0 critical, 0 high, 0 medium, 0 low, 0 info$/m);
});
