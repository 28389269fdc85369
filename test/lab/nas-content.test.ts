/**
 * The lab's share content, walked straight from disk by the shared walker
 * (no server): it holds what its expectation says, the content decoys are
 * found by content, and nothing of their text, the canary patients' values
 * or the decoys' names comes out of the walk.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CANARY_VALUES } from '../../src/lab/canary.ts';
import { SHARE_TEXT_CANARIES, writeNasTree, type NasExpectation } from '../../src/lab/nas-content.ts';
import { Deadline } from '../../src/net/deadline.ts';
import { DEFAULT_FILE_WALK } from '../../src/probes/nas/limits.ts';
import { walkTree, type FileTree, type WalkOutcome } from '../../src/probes/nas/tree-walk.ts';
import { createPseudonyms } from '../../src/privacy/pseudonyms.ts';

/** A FileTree over a local folder, reading heads as the protocols do: up to the cap, less once `enough` says so. */
function diskTree(root: string): FileTree {
  return {
    async list(path) {
      const entries = await readdir(join(root, ...path), { withFileTypes: true });
      return Promise.all(entries.map(async (e) => ({ name: e.name, kind: e.isDirectory() ? ('directory' as const) : ('file' as const), size: e.isDirectory() ? 0 : (await stat(join(root, ...path, e.name))).size })));
    },
    async readHead(path, maxBytes, _signal, enough) {
      const f = await open(join(root, ...path));
      try {
        const buf = Buffer.alloc(maxBytes);
        const { bytesRead } = await f.read(buf, 0, maxBytes, 0);
        const head = buf.subarray(0, bytesRead);
        return head.subarray(0, enough(head) ?? head.length);
      } finally {
        await f.close();
      }
    },
  };
}

let root: string;
let want: NasExpectation;
let outcome: WalkOutcome;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'exposure-nas-content-'));
  want = await writeNasTree(root);
  const probe = new Deadline(20_000, undefined, 'the probe');
  outcome = await walkTree(diskTree(root), DEFAULT_FILE_WALK, createPseudonyms().counter(), probe).finally(() => probe.end());
});
after(() => rm(root, { recursive: true, force: true }));

describe('lab share content', () => {
  it('holds what its expectation says, indicators by name and by content included', () => {
    const w = outcome.walk;
    assert.deepEqual(
      [w.directories, w.files, w.bytes, w.dicomFiles, w.dicomBytes, w.dicomdirs, w.dicomFolders, w.textsRead, w.stoppedBy.length],
      [want.directories, want.files, want.bytes, want.dicomFiles, want.dicomBytes, want.dicomdirs, want.dicomFolders, want.textsRead, 0],
    );
    assert.deepEqual(Object.fromEntries(w.indicators.map((i) => [i.id, i.count])), want.indicators);
    const byContent = w.indicators.filter((i) => i.by === 'content').map((i) => i.id);
    assert.deepEqual(byContent, ['djvu-note-text', 'monero-address', 'stratum-pool-url', 'xmrig-pool-config']);
  });

  it('nothing of the decoys, their names or the canary patients comes out of the walk', () => {
    const out = JSON.stringify(outcome);
    for (const c of [...SHARE_TEXT_CANARIES, ...CANARY_VALUES]) assert.ok(!out.includes(c), `${c} left the walk`);
  });
});
