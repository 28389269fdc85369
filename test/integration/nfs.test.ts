/**
 * The NFS path against a real server: nfs-ganesha (FSAL_VFS) registered with
 * its own rpcbind, exporting a folder of canary studies to everyone beside a
 * folder limited to another client, scanned with `exposure scan` as a user
 * runs it, then
 *  - the port mapper, the export list and the open export's walk equal what
 *    the lab holds; the limited export is not open to the scanner;
 *  - a walk larger than the limits stops there and says so;
 *  - the findings and every report format carry the NFS facts;
 *  - no canary value (every value of every planted patient, and the text and
 *    names of the export's planted text files, which the walk reads for
 *    indicators) in any byte of the stores, every report format, the
 *    notification packs or the debug logs.
 * Runs on 127.0.98.x, this suite's own block.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MOUNT_PORT } from '../../src/lab/nfs-ganesha.ts';
import { startNasLab, type NasLab, type NasLabServer } from '../../src/lab/nas-lab.ts';
import { createDialer } from '../../src/net/dialer.ts';
import type { NfsDetails } from '../../src/observation/observation.ts';
import { scannerCredential } from '../../src/probes/nfs/index.ts';
import { RpcSession } from '../../src/probes/nfs/rpc-session.ts';
import { decodeMountResult, encodeDirPath, MOUNT_PROGRAM, MOUNT_V3, MOUNTPROC3_MNT } from '../../src/protocols/nfs/mount.ts';
import type { ServiceRow } from '../../src/store/store.ts';
import { assertNoCanaryValue, assertOutputsToGrep, assertTextCanariesIn, assertWalkAsPlanted, describeCanaryPrivacy, exposureIn, scanServices, scanWithReports, SHARE_CANARIES } from './share-scan.ts';

const IP = '127.0.98.7';
const FORMATS = ['table', 'json', 'ndjson', 'csv', 'sarif', 'md', 'html'];

let labDir: string;
let outDir: string;
let packsDir: string;
let lab: NasLab;
let services: ServiceRow[];

function server(): NasLabServer {
  return lab.servers.find((s) => s.name === 'nfs-ganesha')!;
}

function nfs(s: ServiceRow | undefined): NfsDetails {
  assert.ok(s, 'no NFS service stored');
  assert.equal(s.observation.details?.protocol, 'nfs');
  return s.observation.details as NfsDetails;
}

before(async () => {
  labDir = await mkdtemp(join(tmpdir(), 'exposure-nfs-lab-'));
  await chmod(labDir, 0o755); // ganesha squashes the scanner to "nobody", who must traverse to the export
  outDir = await mkdtemp(join(tmpdir(), 'exposure-nfs-out-'));
  packsDir = await mkdtemp(join(tmpdir(), 'exposure-nfs-packs-'));
  lab = await startNasLab({ dir: join(labDir, 'lab'), addresses: { 'nfs-ganesha': IP }, only: ['nfs-ganesha'] });
  services = await scanWithReports(outDir, [IP, '--ports', '111'], FORMATS);
  await exposureIn(outDir, ['report', '--db', join(outDir, 'scan.db'), '--by', 'org', '--out', packsDir], 'report-packs');
});

after(async () => {
  await lab?.stop();
  await rm(labDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
  await rm(packsDir, { recursive: true, force: true });
});

describe('scan of the lab NFS server (nfs-ganesha)', () => {
  it('finds one NFS service on the port mapper, with MOUNT and NFS registered over TCP', () => {
    assert.deepEqual(services.map((s) => `${s.ip}:${s.port}/${s.protocol}/${s.observation.status}`), [`${IP}:111/nfs/success`]);
    const d = nfs(services[0]);
    assert.equal(d.mountPort, MOUNT_PORT);
    assert.equal(d.nfsPort, 2049);
    assert.equal(d.exportList, 'listed');
  });

  it('lists the export open to everyone and mounts it; the limited export is not open to the scanner', () => {
    const d = nfs(services[0]);
    const [open, limited] = server().expected.shares!;
    // ganesha leaves out of the EXPORT answer what the asking client may not mount: the limited export is not offered at all.
    assert.equal(d.exportsListed, 1);
    assert.deepEqual(d.exports.map((e) => [e.path, e.clients, e.access, e.walk !== undefined]), [[open!.name, 'everyone', 'mounted', true]]);
    assert.ok(!d.exports.some((e) => e.path === limited!.name));
    assert.deepEqual(d.exports[0]!.authFlavors?.includes('sys'), true);
  });

  it('names the export by the path MOUNT gives (ganesha\'s Pseudo, as a NAS would), no folder of the lab host in any output', async () => {
    assert.equal(nfs(services[0]).exports[0]!.path, '/images');
    await assertNoCanaryValue(outDir, [labDir]);
  });

  it('the limited export refuses the scanner when asked for by name (MNT3ERR_ACCES)', async () => {
    const dialer = createDialer({ scope: { check: (ip) => (ip === IP ? { allowed: true } : { allowed: false, reason: 'out of test scope' }) }, connectTimeoutMs: 2000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 });
    const signal = AbortSignal.timeout(10_000);
    const session = await RpcSession.open({ ip: IP, port: MOUNT_PORT }, { dialer, connectTimeoutMs: 2000, ioTimeoutMs: 5000, maxRecordBytes: 1 << 20 }, signal);
    try {
      const limited = server().expected.shares!.find((s) => !s.guestAccess)!;
      const body = await session.call(MOUNT_PROGRAM, MOUNT_V3, MOUNTPROC3_MNT, scannerCredential('EXPOSURE-TEST'), encodeDirPath(Buffer.from(limited.name)), signal);
      const result = decodeMountResult(body);
      assert.ok(result.ok);
      assert.equal(result.value.status, 'acces');
    } finally {
      session.close();
    }
  });

  it('the open export: counts, header inventory and indicators equal what the lab holds, every image confirmed by its marker', () => {
    const s = services[0]!;
    const want = server().expected.shares!.find((e) => e.guestAccess)!.content!;
    const w = nfs(s).exports[0]!.walk!;
    assertWalkAsPlanted(s, w, want, 'NFS');
  });

  it('findings: export open to everyone with DICOM (critical), export list readable, the miner config and the script', () => {
    const rules = services[0]!.findings.map((f) => f.ruleId);
    for (const id of ['EXP-NAS-013', 'EXP-NAS-014', 'EXP-NAS-101', 'EXP-NAS-102']) assert.ok(rules.includes(id), id);
    assert.ok(!rules.includes('EXP-NAS-003'));
    assert.equal(services[0]!.findings.find((f) => f.ruleId === 'EXP-NAS-013')?.severity, 'critical');
  });

  it('the reports and the packs carry the NFS facts', async () => {
    const md = await readFile(join(outDir, 'report.md'), 'utf8');
    assert.match(md, /## File shares/);
    const files = server().expected.shares!.find((e) => e.guestAccess)!.content!.files;
    assert.match(md, new RegExp(`NFS \\(MOUNT port 20048, NFS port 2049\\), 1 export listed · export /images: every client, mounted, ${files} files`));
    const table = await readFile(join(outDir, 'report.table'), 'utf8');
    assert.match(table, /every client, mounted/);
    assert.match(await readFile(join(outDir, 'report.json'), 'utf8'), /"protocol": ?"nfs"/);
    assert.match(await readFile(join(outDir, 'report.html'), 'utf8'), /EXP-NAS-013/);
    assert.match(await readFile(join(outDir, 'report.sarif'), 'utf8'), /EXP-NAS-013/);
    assert.match(await readFile(join(outDir, 'report.csv'), 'utf8'), /nfs/);
    const folders = (await readdir(packsDir)).filter((f) => f !== 'index.md');
    assert.ok(folders.length > 0);
    const letter = await readFile(join(packsDir, folders[0]!, 'README.md'), 'utf8');
    assert.match(letter, /showmount -e 127\.0\.98\.7/);
  });
});

describe('limits', () => {
  it('an export larger than the limits stops there, says so and counts "at least"', async () => {
    const db = join(outDir, 'limits.db');
    await exposureIn(outDir, ['scan', IP, '--ports', '111', '--db', db, '--max-entries', '6', '--max-header-samples', '2', '--quiet'], 'limits');
    const [row] = await scanServices(db);
    const w = nfs(row).exports[0]!.walk!;
    assert.ok(w.stoppedBy.includes('entries'), `stopped by ${w.stoppedBy.join(',')}`);
    assert.ok(w.headersRead <= 2);
    const files = row!.observation.exposure.files;
    if (files) assert.equal(files.atLeast, true);
  });
});

describe('privacy of the outputs', () => {
  it('the grep reads the store, every report format (csv as its two tables) naming the export, and a debug log', async () => {
    await assertOutputsToGrep(outDir, FORMATS, [IP]);
  });

  it('no canary value in any notification pack', async () => {
    const packs = await readdir(packsDir, { recursive: true });
    assert.ok(packs.includes('index.md') && packs.some((f) => f.endsWith('README.md')), 'the packs were not written');
    await assertNoCanaryValue(packsDir, SHARE_CANARIES);
  });

  it('the grep could fail: the text files the walk read hold the text canaries and a planted patient', async () => {
    await assertTextCanariesIn(join(labDir, 'lab', 'nfs-ganesha', 'images'));
  });
});

describeCanaryPrivacy(() => ({ outDir, studyFolder: join(labDir, 'lab', 'nfs-ganesha', 'images', 'archive', '2023', 'pat1', 'study1') }), 'in the export', SHARE_CANARIES);
