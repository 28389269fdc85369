/**
 * The shared walker's content read, on an in-memory share: which files it
 * reads, how much of each, and that nothing of what they say or what they
 * are called comes out of the walk — only indicator ids and counts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Deadline } from '../../../src/net/deadline.ts';
import { DEFAULT_FILE_WALK, type TextReadLimits } from '../../../src/probes/nas/limits.ts';
import { walkTree, type EnoughOf, type FileTree, type TreeEntry } from '../../../src/probes/nas/tree-walk.ts';
import { createPseudonyms } from '../../../src/privacy/pseudonyms.ts';

type Node = Buffer | { readonly [name: string]: Node };

const CANARY = ['Quillfeather^Ottoline', 'MRN-58213-CANARY', '1931-07-14', 'pool.canary-mine.example', 'LEEME-AHORA', 'stock-notes'];
const WALLET = `4B${'7'.repeat(50)}${'k'.repeat(43)}`;

const SHARE: Node = {
  'README.txt': Buffer.from(`Report for ${CANARY[0]}, ${CANARY[1]}, born ${CANARY[2]}. Chest CT normal.\n`),
  'LEEME-AHORA.txt': Buffer.from('ATTENTION!\n\nDon\u2019t worry, you can return all your files!\nWrite to us.\n'),
  '_readme.txt': Buffer.from('Named like a STOP/Djvu note: flagged by name, never opened.'),
  archive: {
    'IM0001.dcm': Buffer.alloc(200),
    'scan.sh': Buffer.from('#!/bin/sh\n'),
  },
  'stock-notes': {
    'config.json': Buffer.from(`{"pools":[{"url":"stratum+tcp://${CANARY[3]}:3333","user":"${WALLET}","keepalive":true}]}`),
    'binary.txt': Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]), Buffer.from(' Ooops, your important files are encrypted.')]),
  },
  big: {
    'ledger.txt': Buffer.concat([Buffer.from('Q'.repeat(5000)), Buffer.from(' Ooops, your important files are encrypted.')]),
  },
};

interface Read {
  readonly path: string;
  readonly maxBytes: number;
  readonly readOnTo10k: boolean;
}

/** A FileTree over `root`, recording each read: the path, the cap asked for, and whether `enough` lets it read on. */
function memoryTree(root: Node, reads: Read[]): FileTree {
  const at = (path: readonly string[]): Node | undefined => path.reduce<Node | undefined>((n, p) => (n && !Buffer.isBuffer(n) ? n[p] : undefined), root);
  return {
    list: async (path) => {
      const n = at(path);
      if (!n || Buffer.isBuffer(n)) return undefined;
      return Object.entries(n).map(([name, v]): TreeEntry => (Buffer.isBuffer(v) ? { name, kind: 'file', size: v.length } : { name, kind: 'directory', size: 0 }));
    },
    readHead: async (path, maxBytes, _signal, enough: EnoughOf) => {
      const n = at(path);
      if (!Buffer.isBuffer(n)) return undefined;
      reads.push({ path: path.join('/'), maxBytes, readOnTo10k: enough(Buffer.alloc(10_000, 0x41)) === undefined });
      const keep = enough(n);
      return n.subarray(0, Math.min(keep ?? maxBytes, maxBytes));
    },
  };
}

async function walk(root: Node, text?: TextReadLimits): Promise<{ outcome: Awaited<ReturnType<typeof walkTree>>; reads: Read[] }> {
  const reads: Read[] = [];
  const probe = new Deadline(10_000, undefined, 'the probe');
  try {
    const outcome = await walkTree(memoryTree(root, reads), DEFAULT_FILE_WALK, createPseudonyms().counter(), probe, text);
    return { outcome, reads };
  } finally {
    probe.end();
  }
}

describe('share walk: indicators by content', () => {
  it('reads the small text files, finds the pool, the wallet and the note by content, the named note by name', async () => {
    const { outcome } = await walk(SHARE);
    const hits = Object.fromEntries(outcome.walk.indicators.map((i) => [i.id, `${i.kind} ${i.count} by ${i.by}`]));
    assert.deepEqual(hits, {
      'djvu-note': 'ransom-note 1 by name',
      'djvu-note-text': 'ransom-note 1 by content',
      'executable-in-image-folder': 'executable-in-image-folder 1 by name',
      'monero-address': 'wallet-address 1 by content',
      'stratum-pool-url': 'miner-config 1 by content',
      'xmrig-pool-config': 'miner-config 1 by content',
    });
    assert.equal(outcome.walk.textsRead, 5);
    assert.equal(outcome.walk.headersRead, 1, 'text reads are not header reads');
  });

  it('reads each text file to 4 KiB at most, never a file flagged by name, and a large file by its head only', async () => {
    const { outcome, reads } = await walk(SHARE);
    const texts = reads.filter((r) => !r.path.endsWith('.dcm'));
    assert.deepEqual(texts.map((r) => r.path).sort(), ['LEEME-AHORA.txt', 'README.txt', 'big/ledger.txt', 'stock-notes/binary.txt', 'stock-notes/config.json']);
    assert.ok(texts.every((r) => r.maxBytes === 4096 && r.readOnTo10k), 'text reads go to the cap, not stopped as a DICOM header would be');
    const dicom = reads.find((r) => r.path.endsWith('.dcm'))!;
    assert.equal(dicom.readOnTo10k, false, 'a header sample still stops where a header is enough');
    assert.equal(texts[0]!.path, 'stock-notes/config.json', "a miner's config is read first");
    assert.ok(!outcome.walk.indicators.some((i) => i.id === 'wannacry-note-text'), 'the phrase past 4 KiB and the one in a binary file are not seen');
  });

  it('nothing of the text, file names or folder names comes out of the walk', async () => {
    const { outcome } = await walk(SHARE);
    const out = JSON.stringify(outcome);
    for (const c of [...CANARY, WALLET, 'stratum+tcp', 'README', 'config.json', 'ledger']) assert.ok(!out.includes(c), `${c} left the walk`);
  });

  it('reads no more files than its limits: per share and per folder', async () => {
    const many: Record<string, Node> = {};
    for (let f = 0; f < 6; f++) {
      const folder: Record<string, Node> = {};
      for (let i = 0; i < 5; i++) folder[`n${i}.txt`] = Buffer.from(i === 4 && f === 5 ? 'Ooops, your important files are encrypted.' : 'plain notes');
      many[`f${f}`] = folder;
    }
    const { outcome, reads } = await walk(many, { maxFiles: 4, maxBytes: 64, maxPerFolder: 1, maxFileSize: 1 << 20 });
    assert.equal(reads.length, 4);
    assert.equal(new Set(reads.map((r) => r.path.split('/')[0])).size, 4, 'one file per folder');
    assert.ok(reads.every((r) => r.maxBytes === 64));
    assert.equal(outcome.walk.textsRead, 4);
    assert.deepEqual(outcome.walk.indicators, [], 'a note beyond the limits is not seen');
  });

  it('reads no text once the walk is out of time', async () => {
    const reads: Read[] = [];
    const probe = new Deadline(10_000, undefined, 'the probe');
    const tree = memoryTree(SHARE, reads);
    let listings = 0;
    const slow: FileTree = {
      ...tree,
      list: async (path, signal) => {
        if (++listings > 1) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return tree.list(path, signal);
      },
    };
    try {
      const outcome = await walkTree(slow, { ...DEFAULT_FILE_WALK, walkTimeMs: 150 }, createPseudonyms().counter(), probe);
      assert.deepEqual(outcome.walk.stoppedBy, ['time']);
      assert.equal(outcome.walk.textsRead, 0);
      assert.equal(reads.filter((r) => !r.path.endsWith('.dcm')).length, 0);
    } finally {
      probe.end();
    }
  });
});
