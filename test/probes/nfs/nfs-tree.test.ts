/**
 * The NFS walk over what a server supports, against scripted servers on
 * 127.0.98.22, port 0: a server that refuses READDIRPLUS (NFS3ERR_NOTSUPP, or
 * the procedure unavailable) is listed with READDIR, its entries' types and
 * sizes from LOOKUP and GETATTR, within the same caps; a file's head is READ
 * only as far as the walk needs it (Pixel Data, or 132 bytes of a file that
 * is not DICOM), in few calls.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SET_B, writeStudySet } from '../../../src/lab/canary.ts';
import { datasetToPart10, part10ToDataset } from '../../../src/lab/dcmjs-writer.js';
import { DEFAULT_FILE_WALK } from '../../../src/probes/nas/limits.ts';
import { nfsProbe } from '../../../src/probes/nfs/index.ts';
import {
  encodeGetAttrResult,
  encodeLookupResult,
  encodeNfsError,
  encodeReadDirPage,
  encodeReadDirPlusPage,
  encodeReadResult,
  NFS_PROGRAM,
  NFSPROC3_GETATTR,
  NFSPROC3_LOOKUP,
  NFSPROC3_READ,
  NFSPROC3_READDIR,
  NFSPROC3_READDIRPLUS,
  type FileAttributes,
} from '../../../src/protocols/nfs/nfs3.ts';
import type { DecodedCall } from '../../../src/protocols/sunrpc/rpc.ts';
import { details, rpcPeers, server, type Answer } from './scripted-rpc.ts';

const HOST = '127.0.98.22';
const { rpcServer, ctx, close } = rpcPeers(HOST);
after(close);

const PART10 = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.from('02000000554c0400', 'hex'), Buffer.alloc(4)]);
const NFS3ERR_NOTSUPP = 10004;

/**
 * A server without READDIRPLUS: the root holds "study" with two DICOM files
 * and a text file; LOOKUP sends attributes except for "2.dcm", whose size
 * only GETATTR gives; `folder` replaces the study's entries when set.
 */
function readDirOnly(refuse: Answer, folder?: readonly string[]): (call: DecodedCall) => Answer {
  const sizes: Readonly<Record<string, FileAttributes>> = { study: { type: 'directory', size: 4096 }, '1.dcm': { type: 'file', size: PART10.length }, '2.dcm': { type: 'file', size: PART10.length }, 'notes.txt': { type: 'file', size: 10 } };
  const attributesOf = (name: string): FileAttributes => sizes[name] ?? { type: 'file', size: 1 };
  return (call) => {
    const handle = call.args.opaque(64, 'handle').toString();
    switch (call.procedure) {
      case NFSPROC3_READDIRPLUS:
        return refuse;
      case NFSPROC3_READDIR: {
        const names = handle.endsWith('/study') ? (folder ?? ['1.dcm', '2.dcm', 'notes.txt']) : ['.', '..', 'study'];
        return { results: encodeReadDirPage({ cookieVerifier: Buffer.alloc(8), entries: names.map((name, i) => ({ name, cookie: i + 1 })), eof: true }) };
      }
      case NFSPROC3_LOOKUP: {
        const name = call.args.string(255, 'name').toString();
        return { results: encodeLookupResult(Buffer.from(`${handle}/${name}`), name === '2.dcm' ? undefined : attributesOf(name)) };
      }
      case NFSPROC3_GETATTR:
        return { results: encodeGetAttrResult(attributesOf(handle.split('/').at(-1)!)) };
      case NFSPROC3_READ:
        return { results: encodeReadResult(PART10, true) };
      default:
        return { results: encodeNfsError(NFS3ERR_NOTSUPP) };
    }
  };
}

const procedures = (calls: readonly DecodedCall[]): number[] => calls.filter((c) => c.program === NFS_PROGRAM).map((c) => c.procedure);
const count = (calls: readonly DecodedCall[], procedure: number): number => procedures(calls).filter((p) => p === procedure).length;

describe('the NFS walk without READDIRPLUS', () => {
  for (const [why, refuse] of [
    ['NFS3ERR_NOTSUPP', { results: encodeNfsError(NFS3ERR_NOTSUPP) }],
    ['the procedure unavailable', { notRun: 'proc-unavail' }],
  ] as const) {
    it(`READDIRPLUS refused with ${why}: READDIR, then LOOKUP and GETATTR for types and sizes; READDIRPLUS asked once`, async () => {
      const calls: DecodedCall[] = [];
      const port = await rpcServer(server({ exports: [{ dir: '/srv/images', groups: ['*'] }], nfs: readDirOnly(refuse) }), calls);
      const o = await nfsProbe.run({ ip: HOST, port }, ctx());
      assert.equal(o.status, 'success', o.error?.message);
      const w = details(o).exports[0]!.walk!;
      assert.deepEqual([w.directories, w.files, w.bytes, w.dicomFiles, w.confirmedByMarker], [2, 3, 2 * PART10.length + 10, 2, 2]);
      assert.deepEqual(w.stoppedBy, []);
      assert.equal(o.exposure.files?.n, 2);
      assert.equal(count(calls, NFSPROC3_READDIRPLUS), 1, 'the refusal is remembered for the rest of the walk');
      assert.equal(count(calls, NFSPROC3_READDIR), 2);
      assert.equal(count(calls, NFSPROC3_LOOKUP), 4, 'study, 1.dcm, 2.dcm, notes.txt');
      assert.equal(count(calls, NFSPROC3_GETATTR), 1, 'only for the entry LOOKUP sent no attributes for');
    });
  }

  it('a large folder listed by READDIR: no LOOKUP past the entry cap', async () => {
    const calls: DecodedCall[] = [];
    const many = Array.from({ length: 500 }, (_, i) => `f${i}.txt`);
    const port = await rpcServer(server({ exports: [{ dir: '/x', groups: ['*'] }], nfs: readDirOnly({ results: encodeNfsError(NFS3ERR_NOTSUPP) }, many) }), calls);
    const o = await nfsProbe.run({ ip: HOST, port }, ctx({ maxEntries: 100 }));
    const w = details(o).exports[0]!.walk!;
    assert.deepEqual(w.stoppedBy, ['entries']);
    assert.ok(count(calls, NFSPROC3_LOOKUP) <= 100, `${count(calls, NFSPROC3_LOOKUP)} LOOKUPs`);
  });
});

describe('NFS header reads', () => {
  let root: string;
  /** name → bytes served: a short header, a 12 KiB one, a file named .dcm that is not DICOM; each long past its header. */
  const files = new Map<string, Buffer>();
  const padding = Buffer.alloc(200_000, 0x55);
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'exposure-nfs-head-'));
    const image = await readFile((await writeStudySet(SET_B, root)).files[0]!);
    const dataset = part10ToDataset(image);
    dataset.ImageComments = 'a long comment '.repeat(700);
    files.set('short.dcm', Buffer.concat([image, padding]));
    files.set('long.dcm', Buffer.concat([datasetToPart10(dataset), padding]));
    files.set('not-dicom.dcm', Buffer.concat([Buffer.from('plain text, no preamble\n'), padding]));
  });
  after(() => rm(root, { recursive: true, force: true }));

  /** A folder of `files`, READ answered with at most `chunk` bytes a call; every READ noted as [name, offset, count]. */
  function flatFolder(reads: [string, number, number][], chunk = Infinity): (call: DecodedCall) => Answer {
    return (call) => {
      const handle = call.args.opaque(64, 'handle').toString();
      if (call.procedure === NFSPROC3_READDIRPLUS) {
        const entries = [...files].map(([name, bytes], i) => ({ name, cookie: i + 1, attributes: { type: 'file' as const, size: bytes.length }, handle: Buffer.from(name) }));
        return { results: encodeReadDirPlusPage({ cookieVerifier: Buffer.alloc(8), entries, eof: true }) };
      }
      if (call.procedure !== NFSPROC3_READ) return { results: encodeNfsError(NFS3ERR_NOTSUPP) };
      const [offset, count] = [call.args.uint64('offset'), call.args.uint32('count')];
      reads.push([handle, offset, count]);
      const bytes = files.get(handle)!;
      const data = bytes.subarray(offset, offset + Math.min(count, chunk));
      return { results: encodeReadResult(data, offset + data.length >= bytes.length) };
    };
  }

  const readsOf = (reads: readonly [string, number, number][], name: string): [number, number][] => reads.filter(([n]) => n === name).map(([, offset, count]) => [offset, count]);

  it('stops at Pixel Data: a short header in one 4 KiB READ, a 12 KiB one in two, a file that is not DICOM in one', async () => {
    const reads: [string, number, number][] = [];
    const port = await rpcServer(server({ exports: [{ dir: '/srv/images', groups: ['*'] }], nfs: flatFolder(reads) }));
    const o = await nfsProbe.run({ ip: HOST, port }, ctx());
    const w = details(o).exports[0]!.walk!;
    assert.deepEqual([w.headersRead, w.confirmedByMarker], [3, 2]);
    assert.ok(w.elementsPerHeader && w.elementsPerHeader.max > w.elementsPerHeader.min, 'both headers read whole');
    assert.deepEqual(readsOf(reads, 'short.dcm'), [[0, 4096]]);
    assert.deepEqual(readsOf(reads, 'long.dcm'), [[0, 4096], [4096, 8192]]);
    assert.deepEqual(readsOf(reads, 'not-dicom.dcm'), [[0, 4096]]);
    const asked = reads.reduce((n, [, , count]) => n + count, 0);
    assert.ok(asked < DEFAULT_FILE_WALK.maxHeaderBytes, `${asked} bytes asked for three headers`);
  });

  it('a server that answers short READs is asked on from where it stopped, within the READ cap', async () => {
    const reads: [string, number, number][] = [];
    const port = await rpcServer(server({ exports: [{ dir: '/srv/images', groups: ['*'] }], nfs: flatFolder(reads, 1000) }));
    const o = await nfsProbe.run({ ip: HOST, port }, ctx());
    const w = details(o).exports[0]!.walk!;
    assert.equal(w.confirmedByMarker, 2);
    assert.deepEqual(readsOf(reads, 'short.dcm').map(([offset]) => offset), [0, 1000]);
    assert.equal(readsOf(reads, 'long.dcm').length, 8, 'eight READs at most, the header counted as far as it came');
    assert.deepEqual(readsOf(reads, 'not-dicom.dcm').map(([offset]) => offset), [0]);
  });
});

type PlusEntry = { name: string | Buffer; cookie: number; attributes: FileAttributes; handle: Buffer };
const folderEntry = (name: string | Buffer, handle: string, cookie: number): PlusEntry => ({ name, cookie, attributes: { type: 'directory', size: 4096 }, handle: Buffer.from(handle) });
const fileEntry = (name: string, cookie: number): PlusEntry => ({ name, cookie, attributes: { type: 'file', size: 10 }, handle: Buffer.from(`file:${name}`) });

/** Walks export /x of a server that lists each folder, by its handle, with READDIRPLUS from `folders` (the root's handle is "root:/x"). */
async function walkPlus(folders: Readonly<Record<string, readonly PlusEntry[]>>): Promise<{ directories: number; files: number }> {
  const listing = (call: DecodedCall): Answer => {
    if (call.procedure !== NFSPROC3_READDIRPLUS) return { results: encodeNfsError(NFS3ERR_NOTSUPP) };
    const entries = folders[call.args.opaque(64, 'handle').toString()] ?? [];
    return { results: encodeReadDirPlusPage({ cookieVerifier: Buffer.alloc(8), entries, eof: true }) };
  };
  const port = await rpcServer(server({ exports: [{ dir: '/x', groups: ['*'] }], nfs: listing }));
  return details(await nfsProbe.run({ ip: HOST, port }, ctx())).exports[0]!.walk!;
}

describe('NFS file handles', () => {
  it('a name holding "/" keeps its own handle: folder "a/b" and folder b inside a are listed apart', async () => {
    const w = await walkPlus({
      'root:/x': [folderEntry('a', 'A', 1), folderEntry('a/b', 'SLASHED', 3)],
      A: [folderEntry('b', 'A-B', 1)],
      'A-B': [fileEntry('one.txt', 17)],
      SLASHED: [fileEntry('two.txt', 17), fileEntry('three.txt', 19)],
    });
    assert.deepEqual([w.directories, w.files], [4, 3], 'root, a, a/b (one name), a → b; one.txt, two.txt, three.txt');
  });
  it('names that are not UTF-8 keep their own handles and are looked up byte for byte', async () => {
    // Two folders whose names differ only in a byte that is not UTF-8: decoded as UTF-8 both would read "a\uFFFD".
    const [one, two] = [Buffer.from([0x61, 0xfe]), Buffer.from([0x61, 0xff])];
    const w = await walkPlus({
      'root:/x': [folderEntry(one, 'ONE', 1), folderEntry(two, 'TWO', 2)],
      ONE: [fileEntry('one.txt', 1)],
      TWO: [fileEntry('two.txt', 1), fileEntry('three.txt', 2)],
    });
    assert.deepEqual([w.directories, w.files], [3, 3], 'root and the two folders, each listed from its own handle: one.txt, two.txt, three.txt');

    // Without READDIRPLUS the folders' handles come from LOOKUP, which must name them in the server's bytes.
    const looked: Buffer[] = [];
    const readDir = (call: DecodedCall): Answer => {
      const handle = call.args.opaque(64, 'handle').toString();
      if (call.procedure === NFSPROC3_READDIR) return { results: encodeReadDirPage({ cookieVerifier: Buffer.alloc(8), entries: handle === 'root:/x' ? [{ name: one, cookie: 1 }] : [], eof: true }) };
      if (call.procedure !== NFSPROC3_LOOKUP) return { results: encodeNfsError(NFS3ERR_NOTSUPP) };
      const name = call.args.string(255, 'name');
      looked.push(name);
      return name.equals(one) ? { results: encodeLookupResult(Buffer.from('ONE'), { type: 'directory', size: 4096 }) } : { results: encodeNfsError(2) };
    };
    const port2 = await rpcServer(server({ exports: [{ dir: '/x', groups: ['*'] }], nfs: readDir }));
    const w2 = details(await nfsProbe.run({ ip: HOST, port: port2 }, ctx())).exports[0]!.walk!;
    assert.ok(looked.length > 0 && looked.every((n) => n.equals(one)), looked.map((n) => n.toString('hex')).join(','));
    assert.equal(w2.directories, 2, 'the root and the folder LOOKUP found');
  });
});
