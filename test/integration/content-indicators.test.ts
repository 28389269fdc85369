/**
 * Indicators by content against the real servers: vsftpd (anonymous), Samba
 * (guest share) and the rsync daemon (anonymous module) each serve the lab's
 * share, which holds a miner's pool config in a folder not named after the
 * miner, a ransom note under a name no table knows and a reading report
 * carrying canary patient values. Scanned with `exposure scan` as a user runs
 * it, then
 *  - each protocol finds the config and the note by content, the report fires nothing;
 *  - EXP-NAS-101 says what was found by content, apart from names;
 *  - the reports show "found by content";
 *  - no byte of the text, the decoys' names or any value of the canary
 *    patients in the store, any report format (csv as its two tables), the
 *    notification packs or the debug logs, all of which are there to grep.
 * Runs on 127.0.98.31-35, in the NFS suite's block (nfs.test.ts holds .7).
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startNasLab, type NasLab, type NasServerName } from '../../src/lab/nas-lab.ts';
import type { FileWalk } from '../../src/observation/file-share.ts';
import type { ServiceRow } from '../../src/store/store.ts';
import { assertNoCanaryValue, assertOutputsToGrep, assertTextCanariesIn, exposureIn, scanWithReports, SHARE_CANARIES } from './share-scan.ts';

type Server = Extract<NasServerName, 'ftp-anonymous' | 'smb-guest' | 'rsyncd'>;
const ADDRESSES: Record<Server, string> = { 'ftp-anonymous': '127.0.98.31', 'smb-guest': '127.0.98.33', rsyncd: '127.0.98.35' };
const FORMATS = ['table', 'json', 'ndjson', 'csv', 'sarif', 'md', 'html'];
const BY_CONTENT = { 'djvu-note-text': 1, 'monero-address': 1, 'stratum-pool-url': 1, 'xmrig-pool-config': 1 };

let labDir: string;
let outDir: string;
let lab: NasLab;
let services: ServiceRow[];

/** The walk of the share each server serves the lab's content on. */
function walkOf(name: Server): FileWalk {
  const s = services.find((x) => x.ip === ADDRESSES[name]);
  assert.ok(s, `no service stored for ${name}`);
  const d = s.observation.details;
  const w = d?.protocol === 'ftp' ? d.walk : d?.protocol === 'smb' ? d.shares.find((x) => x.name === 'scans')?.walk : d?.protocol === 'rsync' ? d.modules.find((m) => m.name === 'images')?.walk : undefined;
  assert.ok(w, `no walk for ${name}`);
  return w;
}

before(async () => {
  labDir = await mkdtemp(join(tmpdir(), 'exposure-content-lab-'));
  await chmod(labDir, 0o755); // Samba's guest and rsync's nobody must traverse to their shares
  outDir = await mkdtemp(join(tmpdir(), 'exposure-content-out-'));
  lab = await startNasLab({ dir: join(labDir, 'lab'), addresses: ADDRESSES, only: Object.keys(ADDRESSES) as Server[] });
  services = await scanWithReports(outDir, [...Object.values(ADDRESSES), '--ports', '21,445,873'], FORMATS);
  await exposureIn(outDir, ['report', '--db', join(outDir, 'scan.db'), '--by', 'org', '--format', 'md', '--out', join(outDir, 'packs')], 'report-packs');
});

after(async () => {
  await lab?.stop();
  await rm(labDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

describe('indicators by content on FTP, SMB and rsync', () => {
  for (const name of Object.keys(ADDRESSES) as Server[]) {
    it(`${name}: the pool config and the note found by content, the named config by name, the text files counted`, () => {
      const w = walkOf(name);
      const want = lab.servers.find((s) => s.name === name)!.expected;
      const content = want.content ?? want.shares!.find((s) => s.content)!.content!;
      const byContent = Object.fromEntries(w.indicators.filter((i) => i.by === 'content').map((i) => [i.id, i.count]));
      assert.deepEqual(byContent, BY_CONTENT);
      assert.deepEqual(Object.fromEntries(w.indicators.map((i) => [i.id, i.count])), content.indicators);
      assert.equal(w.indicators.find((i) => i.id === 'xmrig-config')?.by, 'name');
      assert.equal(w.textsRead, content.textsRead);
    });
  }

  it('EXP-NAS-101 on each service says what was found by content, apart from names', () => {
    assert.equal(services.length, 3);
    for (const s of services) {
      const f = s.findings.find((x) => x.ruleId === 'EXP-NAS-101');
      assert.ok(f, `${s.ip}: no EXP-NAS-101`);
      assert.match(f.evidence, /Found by name \(files never opened\): xmrig-config ×1 .*Found by content .*djvu-note-text ×1 .*stratum-pool-url ×1/);
    }
  });

  it('the reports show the indicators found by content', async () => {
    for (const format of ['md', 'html']) {
      const text = await readFile(join(outDir, `report.${format}`), 'utf8');
      assert.match(text, /found by content djvu-note-text×1 monero-address×1 stratum-pool-url×1 xmrig-pool-config×1/, format);
    }
  });
});

describe('privacy of the content read', () => {
  it('no byte of the decoys, their names or the canary patients in the store, the reports, the packs or the logs', async () => {
    await assertOutputsToGrep(outDir, FORMATS, Object.values(ADDRESSES));
    assert.ok((await readdir(join(outDir, 'packs'), { recursive: true })).some((f) => f.endsWith('README.md')), 'the packs were not written');
    await assertNoCanaryValue(outDir, SHARE_CANARIES);
  });

  it('the grep above could fail: the files the walk read hold those values, under those names', async () => {
    await assertTextCanariesIn(join(labDir, 'lab', 'ftp-anonymous', 'root'));
  });
});
