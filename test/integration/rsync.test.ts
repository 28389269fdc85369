/**
 * The rsync path against the real daemon: `rsync --daemon` with an anonymous
 * module of canary studies beside a module behind a secret, scanned with
 * `exposure scan` as a user runs it, then
 *  - the module list, the anonymous module's walk and the secret module's
 *    "auth required" equal what the lab holds; no secret is ever tried;
 *  - a walk larger than the limits stops there and says so;
 *  - the reports carry the rsync facts;
 *  - no canary patient value in any byte of the store, the reports or the logs.
 * Runs on 127.0.97.x, this suite's own block.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startNasLab, type NasLab, type NasLabServer } from '../../src/lab/nas-lab.ts';
import type { RsyncDetails } from '../../src/observation/observation.ts';
import type { ServiceRow } from '../../src/store/store.ts';
import { assertWalkAsPlanted, describeCanaryPrivacy, exposureIn, scanServices, scanWithReports } from './share-scan.ts';

const IP = '127.0.97.7';

let labDir: string;
let outDir: string;
let lab: NasLab;
let services: ServiceRow[];

function exposure(args: string[], name: string): Promise<void> {
  return exposureIn(outDir, args, name);
}

function daemon(): NasLabServer {
  return lab.servers.find((s) => s.name === 'rsyncd')!;
}

function rsync(s: ServiceRow | undefined): RsyncDetails {
  assert.ok(s, 'no rsync service stored');
  assert.equal(s.observation.details?.protocol, 'rsync');
  return s.observation.details as RsyncDetails;
}

before(async () => {
  labDir = await mkdtemp(join(tmpdir(), 'exposure-rsync-lab-'));
  await chmod(labDir, 0o755); // the daemon serves its modules as "nobody" when started as root
  outDir = await mkdtemp(join(tmpdir(), 'exposure-rsync-out-'));
  lab = await startNasLab({ dir: join(labDir, 'lab'), addresses: { rsyncd: IP }, only: ['rsyncd'] });
  services = await scanWithReports(outDir, [IP, '--ports', '873'], ['table', 'json', 'csv', 'md', 'html', 'sarif', 'ndjson']);
});

after(async () => {
  await lab?.stop();
  await rm(labDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

describe('scan of the lab rsync daemon', () => {
  it('finds one rsync service on 873 and names the daemon from its greeting', () => {
    assert.deepEqual(services.map((s) => `${s.ip}:${s.port}/${s.protocol}/${s.observation.status}`), [`${IP}:873/rsync/success`]);
    const d = rsync(services[0]);
    assert.equal(services[0]!.observation.product?.name, 'rsync');
    assert.ok(d.serverProtocol >= 30, `protocol ${d.serverProtocol}`);
    assert.equal(d.protocolVersion, Math.min(d.serverProtocol, 31));
  });

  it('lists both modules; the anonymous one is walked, the one behind a secret is reported as such', () => {
    const d = rsync(services[0]);
    assert.equal(d.moduleList, 'listed');
    assert.equal(d.modulesListed, 2);
    assert.deepEqual(d.modules.map((m) => [m.name, m.access, m.walk !== undefined]), [
      ['images', 'anonymous', true],
      ['radiology', 'auth-required', false],
    ]);
  });

  it('images: counts, header inventory and indicators equal what the lab holds, every image confirmed by its marker', () => {
    const s = services[0]!;
    const want = daemon().expected.shares!.find((m) => m.name === 'images')!.content!;
    const w = rsync(s).modules.find((m) => m.name === 'images')!.walk!;
    assertWalkAsPlanted(s, w, want, 'rsync');
  });

  it('findings: anonymous module with DICOM (critical), module list readable, the miner config and the script', () => {
    const rules = services[0]!.findings.map((f) => f.ruleId);
    for (const id of ['EXP-NAS-011', 'EXP-NAS-012', 'EXP-NAS-101', 'EXP-NAS-102']) assert.ok(rules.includes(id), id);
    assert.ok(!rules.includes('EXP-NAS-003'));
    assert.equal(services[0]!.findings.find((f) => f.ruleId === 'EXP-NAS-011')?.severity, 'critical');
  });

  it('never sends a user name or a secret: the daemon logs no login attempt by anyone', async () => {
    const log = await readFile(join(labDir, 'lab', 'rsyncd', 'rsyncd.log'), 'utf8');
    const radiology = log.split('\n').filter((l) => l.includes('module radiology'));
    assert.ok(radiology.length > 0, 'the probe asked for the module');
    // rsync logs "auth failed on module M from HOST (IP) for USER: …" when a user was given; ours ends at the challenge.
    for (const l of radiology) assert.doesNotMatch(l, /\) for /);
    assert.ok(!log.includes('radiologist'));
  });

  it('the reports carry the rsync facts', async () => {
    const md = await readFile(join(outDir, 'report.md'), 'utf8');
    assert.match(md, /## File shares/);
    const files = daemon().expected.shares!.find((m) => m.name === 'images')!.content!.files;
    assert.match(md, new RegExp(`rsync protocol \\d+, 2 modules listed · module images: anonymous, ${files} files`));
    assert.match(md, /module radiology: auth-required/);
    const table = await readFile(join(outDir, 'report.table'), 'utf8');
    assert.match(table, /module images: anonymous/);
    const json = await readFile(join(outDir, 'report.json'), 'utf8');
    assert.match(json, /"protocol": ?"rsync"/);
    const html = await readFile(join(outDir, 'report.html'), 'utf8');
    assert.match(html, /EXP-NAS-011/);
  });
});

describe('limits', () => {
  it('a module larger than the limits stops there, says so and counts "at least"', async () => {
    const db = join(outDir, 'limits.db');
    await exposure(['scan', IP, '--ports', '873', '--db', db, '--max-entries', '6', '--max-header-samples', '2', '--quiet'], 'limits');
    const [row] = await scanServices(db);
    const w = rsync(row).modules.find((m) => m.name === 'images')!.walk!;
    assert.ok(w.stoppedBy.includes('entries'), `stopped by ${w.stoppedBy.join(',')}`);
    assert.ok(w.headersRead <= 2);
    const files = row!.observation.exposure.files;
    if (files) assert.equal(files.atLeast, true);
  });
});

describeCanaryPrivacy(() => ({ outDir, studyFolder: join(labDir, 'lab', 'rsyncd', 'images', 'archive', '2023', 'pat1', 'study1') }), 'in the module');
