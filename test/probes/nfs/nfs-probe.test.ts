/**
 * The NFS probe against scripted servers on 127.0.98.x, port 0 (the real
 * server is test/integration/nfs.test.ts, nfs-ganesha): one in-process ONC
 * RPC server plays the port mapper, MOUNT and NFS on one port, answering
 * what each test scripts — exports for everyone and for others, a refused
 * MNT, a tree to walk, MOUNT or NFS over UDP alone — and hostile ones: a port mapper that never answers,
 * a giant fragment length, an endless export list, a READDIRPLUS that never
 * ends the folder. Each ends in a status within its bounds, never a throw.
 */
import assert from 'node:assert/strict';
import type net from 'node:net';
import { after, describe, it } from 'node:test';
import { freePort } from '../../../src/lab/ports.ts';
import { nfsProbe, scannerCredential } from '../../../src/probes/nfs/index.ts';
import { MOUNT_PROGRAM } from '../../../src/protocols/nfs/mount.ts';
import { encodeNfsError, encodeReadDirPlusPage, encodeReadResult, NFS_PROGRAM, NFSPROC3_READ, NFSPROC3_READDIRPLUS, type FileAttributes } from '../../../src/protocols/nfs/nfs3.ts';
import { IPPROTO_TCP, IPPROTO_UDP, PMAP_PROGRAM } from '../../../src/protocols/sunrpc/portmap.ts';
import { AUTH_SYS, type DecodedCall } from '../../../src/protocols/sunrpc/rpc.ts';
import { XdrReader } from '../../../src/protocols/sunrpc/xdr.ts';
import { details, rpcPeers, server, SERVER_BYTE_CAP, u32, type Answer, type Script } from './scripted-rpc.ts';

const HOST = '127.0.98.21';
const { rpcServer, ctx, close } = rpcPeers(HOST);
after(close);

/** A small tree: the root holds one folder "study" with two DICOM files and a text file. */
const PART10 = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.from('02000000554c0400', 'hex'), Buffer.alloc(4)]);
function smallTree(call: DecodedCall): Answer {
  const handle = call.args.opaque(64, 'h').toString();
  if (call.procedure === NFSPROC3_READDIRPLUS) {
    const file = (name: string, size: number): { name: string; cookie: number; attributes: FileAttributes; handle: Buffer } => ({ name, cookie: name.length, attributes: { type: 'file', size }, handle: Buffer.from(`${handle}/${name}`) });
    if (handle.endsWith('/study')) return { results: encodeReadDirPlusPage({ cookieVerifier: Buffer.alloc(8), entries: [file('1.dcm', PART10.length), file('2.dcm', PART10.length), file('notes.txt', 10)], eof: true }) };
    return { results: encodeReadDirPlusPage({ cookieVerifier: Buffer.alloc(8), entries: [{ name: 'study', cookie: 1, attributes: { type: 'directory', size: 4096 }, handle: Buffer.from(`${handle}/study`) }], eof: true }) };
  }
  if (call.procedure === NFSPROC3_READ) return { results: encodeReadResult(PART10, true) };
  return { results: encodeNfsError(10004) };
}

/** A port mapper that answers, and a MOUNT whose EXPORT answer is `answer`: a protocol error with `code` in the export list, the port mapper's answer kept. */
async function brokenExportList(answer: Answer, code: string): Promise<void> {
  const port = await rpcServer((call, own) => (call.program === PMAP_PROGRAM ? { results: u32(own) } : answer));
  const o = await nfsProbe.run({ ip: HOST, port }, ctx());
  assert.equal(o.status, 'protocol-error');
  assert.equal(o.error?.code, code);
  assert.equal(o.error?.phase, 'export-list');
  assert.equal(details(o).mountPort, port);
}

describe('the NFS probe', () => {
  it('walks the export open to everyone, leaves the one listing another host, and unmounts', async () => {
    const calls: DecodedCall[] = [];
    const port = await rpcServer(
      server({
        exports: [
          { dir: '/srv/images', groups: ['*'] },
          { dir: '/srv/radiology', groups: ['127.0.98.250'] },
          { dir: '/srv/lab', groups: ['127.0.0.0/8', 'ws1.example'] },
        ],
        nfs: smallTree,
      }),
      calls,
    );
    const o = await nfsProbe.run({ ip: HOST, port }, ctx());
    assert.equal(o.status, 'success', o.error?.message);
    const d = details(o);
    assert.equal(d.exportList, 'listed');
    assert.equal(d.exportsListed, 3);
    assert.deepEqual(
      d.exports.map((e) => [e.path, e.clients, e.clientEntries, e.scannerListed, e.access]),
      [
        ['/srv/images', 'everyone', 1, 'yes', 'mounted'],
        ['/srv/radiology', 'listed', 1, 'no', 'not-tried'],
        ['/srv/lab', 'listed', 2, 'yes', 'not-tried'],
      ],
    );
    const w = d.exports[0]!.walk!;
    assert.deepEqual([w.directories, w.files, w.dicomFiles, w.confirmedByMarker], [2, 3, 2, 2]);
    assert.equal(o.exposure.files?.n, 2);
    const mountCalls = calls.filter((c) => c.program === MOUNT_PROGRAM).map((c) => c.procedure);
    assert.deepEqual(mountCalls, [5, 1, 3], 'EXPORT, one MNT, its UMNT');
    // AUTH_SYS on every MOUNT and NFS call, never as root.
    for (const c of calls.filter((x) => x.program !== PMAP_PROGRAM)) {
      assert.equal(c.credentialFlavor, AUTH_SYS);
      const cred = new XdrReader(c.credentialBody);
      cred.uint32('stamp');
      assert.equal(cred.string(255, 'machine').toString(), 'EXPOSURE-SCAN');
      assert.notEqual(cred.uint32('uid'), 0);
      assert.notEqual(cred.uint32('gid'), 0);
    }
  });

  it('never presents itself as root, and otherwise as its own ids', () => {
    assert.deepEqual([scannerCredential('x', 0, 0).uid, scannerCredential('x', 0, 0).gid], [65534, 65534]);
    assert.deepEqual([scannerCredential('x', 1000, 100).uid, scannerCredential('x', 1000, 100).gid], [1000, 100]);
  });

  it('an export with no group at all is open to everyone; a refused MNT is access-denied', async () => {
    const port = await rpcServer(server({ exports: [{ dir: '/open', groups: [] }], mnt: () => 13 }));
    const d = details(await nfsProbe.run({ ip: HOST, port }, ctx()));
    assert.deepEqual(d.exports.map((e) => [e.clients, e.access, e.walk]), [['everyone', 'access-denied', undefined]]);
  });

  it('MOUNT without NFSv3 over TCP: mounted, nothing walked, unmounted, and said why', async () => {
    const calls: DecodedCall[] = [];
    const tidy = server({ exports: [{ dir: '/open', groups: ['*'] }] });
    const nfsPortNone: Script = (call, port) => {
      if (call.program !== PMAP_PROGRAM) return tidy(call, port);
      return { results: u32(call.args.uint32('prog') === NFS_PROGRAM ? 0 : port) };
    };
    const d = details(await nfsProbe.run({ ip: HOST, port: await rpcServer(nfsPortNone, calls) }, ctx()));
    assert.equal(d.nfsPort, 0);
    assert.equal(d.stoppedBecause, 'no-nfs-v3');
    assert.deepEqual(d.exports.map((e) => [e.access, e.walk]), [['mounted', undefined]]);
    assert.deepEqual(calls.filter((c) => c.program === MOUNT_PROGRAM).map((c) => c.procedure), [5, 1, 3]);
  });

  it('an NFS port that refuses the connection after MNT: the export is still unmounted', async () => {
    const calls: DecodedCall[] = [];
    const tidy = server({ exports: [{ dir: '/open', groups: ['*'] }] });
    const closed = await freePort(HOST);
    const nfsPortClosed: Script = (call, port) => {
      if (call.program !== PMAP_PROGRAM) return tidy(call, port);
      return { results: u32(call.args.uint32('prog') === NFS_PROGRAM ? closed : port) };
    };
    const o = await nfsProbe.run({ ip: HOST, port: await rpcServer(nfsPortClosed, calls) }, ctx());
    assert.equal(o.error?.phase, 'walk');
    assert.deepEqual(details(o).exports.map((e) => e.access), ['mounted']);
    assert.deepEqual(calls.filter((c) => c.program === MOUNT_PROGRAM).map((c) => c.procedure), [5, 1, 3], 'EXPORT, MNT, then UMNT although the walk never began');
  });

  it('a port mapper without MOUNT: success, nothing listed', async () => {
    const port = await rpcServer((call) => (call.program === PMAP_PROGRAM ? { results: u32(0) } : 'close'));
    const o = await nfsProbe.run({ ip: HOST, port }, ctx());
    assert.equal(o.status, 'success');
    assert.equal(details(o).exportList, 'not-registered');
  });

  it('MOUNT registered over UDP alone: success, said so, no MOUNT connection tried', async () => {
    const calls: DecodedCall[] = [];
    const udpOnly: Script = (call, port) => {
      if (call.program !== PMAP_PROGRAM) return 'close';
      const [, , protocol] = [call.args.uint32('prog'), call.args.uint32('vers'), call.args.uint32('prot')];
      return { results: u32(protocol === IPPROTO_UDP ? port : 0) };
    };
    const o = await nfsProbe.run({ ip: HOST, port: await rpcServer(udpOnly, calls) }, ctx());
    assert.equal(o.status, 'success');
    const d = details(o);
    assert.deepEqual([d.mountPort, d.exportList, d.exports.length], [0, 'udp-only', 0]);
    assert.deepEqual(calls.map((c) => c.program), [PMAP_PROGRAM, PMAP_PROGRAM, PMAP_PROGRAM], 'GETPORT for MOUNT and NFS over TCP, then MOUNT over UDP; nothing else');
  });

  it('MOUNT over TCP, NFSv3 over UDP alone: mounted, not walked, unmounted, and said why', async () => {
    const calls: DecodedCall[] = [];
    const tidy = server({ exports: [{ dir: '/open', groups: ['*'] }] });
    const nfsOverUdp: Script = (call, port) => {
      if (call.program !== PMAP_PROGRAM) return tidy(call, port);
      const [program, , protocol] = [call.args.uint32('prog'), call.args.uint32('vers'), call.args.uint32('prot')];
      return { results: u32(program === NFS_PROGRAM && protocol === IPPROTO_TCP ? 0 : port) };
    };
    const d = details(await nfsProbe.run({ ip: HOST, port: await rpcServer(nfsOverUdp, calls) }, ctx()));
    assert.equal(d.stoppedBecause, 'nfs-v3-udp-only');
    assert.deepEqual(d.exports.map((e) => [e.access, e.walk]), [['mounted', undefined]]);
    assert.deepEqual(calls.filter((c) => c.program === MOUNT_PROGRAM).map((c) => c.procedure), [5, 1, 3]);
    assert.equal(calls.filter((c) => c.program === NFS_PROGRAM).length, 0);
  });

  it('a port mapper that never answers: not this protocol, within the I/O timeout', async () => {
    const port = await rpcServer(() => 'silence');
    const started = Date.now();
    const o = await nfsProbe.run({ ip: HOST, port }, ctx({}, 15_000, 500));
    assert.equal(o.status, 'not-this-protocol');
    assert.ok(Date.now() - started < 5_000);
    assert.equal(o.details, undefined);
  });

  it('a giant fragment length is refused from its header: protocol error, nothing buffered', async () => {
    const port = await rpcServer(() => ({ raw: Buffer.from('ffffffff', 'hex') }));
    const o = await nfsProbe.run({ ip: HOST, port }, ctx());
    assert.equal(o.status, 'protocol-error');
    assert.equal(o.error?.code, 'RPC_RECORD_TOO_LONG');
  });

  it('a record of empty fragments without end is refused at the fragment cap and named so, the port mapper kept', async () => {
    // 4-byte headers of empty fragments that never set the last-fragment bit: far under the byte cap.
    const empties = Buffer.concat(Array.from({ length: 2048 }, () => Buffer.alloc(4)));
    await brokenExportList({ raw: empties }, 'RPC_TOO_MANY_FRAGMENTS');
  });

  it('an endless export list (fragments that never end the record) stops at the record cap, the port mapper kept', async () => {
    const endless = (s: net.Socket): void => {
      let written = 0;
      const fragment = Buffer.concat([Buffer.from('0000fff0', 'hex'), Buffer.alloc(0xfff0, 1)]);
      const go = (): void => {
        while (!s.destroyed && written < SERVER_BYTE_CAP) {
          written += fragment.length;
          if (!s.write(fragment)) return void s.once('drain', go);
        }
      };
      go();
    };
    await brokenExportList({ stream: endless }, 'RPC_RECORD_TOO_LONG');
  });

  it('a READDIRPLUS that never ends the folder stops at the entry cap', async () => {
    let cookie = 0;
    const endlessFolder = (call: DecodedCall): Answer => {
      if (call.procedure !== NFSPROC3_READDIRPLUS) return { results: encodeNfsError(10004) };
      const entries = Array.from({ length: 50 }, () => ({ name: `f${++cookie}.txt`, cookie, attributes: { type: 'file' as const, size: 1 } }));
      return { results: encodeReadDirPlusPage({ cookieVerifier: Buffer.alloc(8), entries, eof: false }) };
    };
    const port = await rpcServer(server({ exports: [{ dir: '/x', groups: ['*'] }], nfs: endlessFolder }));
    const started = Date.now();
    const o = await nfsProbe.run({ ip: HOST, port }, ctx({ maxEntries: 300 }));
    const w = details(o).exports[0]!.walk!;
    assert.deepEqual(w.stoppedBy, ['entries']);
    assert.ok(cookie <= 400, `asked for ${cookie} entries`);
    assert.ok(Date.now() - started < 5_000);
  });

  it('an empty page that does not end the folder is not asked for again', async () => {
    let pages = 0;
    const emptyPages = (call: DecodedCall): Answer => {
      pages += 1;
      return call.procedure === NFSPROC3_READDIRPLUS ? { results: encodeReadDirPlusPage({ cookieVerifier: Buffer.alloc(8), entries: [], eof: false }) } : { results: encodeNfsError(10004) };
    };
    const port = await rpcServer(server({ exports: [{ dir: '/x', groups: ['*'] }], nfs: emptyPages }));
    const o = await nfsProbe.run({ ip: HOST, port }, ctx());
    assert.equal(o.status, 'success');
    assert.equal(pages, 1);
  });

  it('peer text in export paths is cleaned and capped; group names are never kept', async () => {
    const port = await rpcServer(server({ exports: [{ dir: `/srv/\u001b[31mDOE^JANE\u202e${'x'.repeat(400)}`, groups: ['secret-host-name.example'] }] }));
    const o = await nfsProbe.run({ ip: HOST, port }, ctx());
    const d = details(o);
    assert.ok(d.exports[0]!.path.length <= 160);
    assert.doesNotMatch(d.exports[0]!.path, /[\u0000-\u001f\u202e]/);
    assert.doesNotMatch(JSON.stringify(o), /secret-host-name/);
    assert.equal(d.exports[0]!.scannerListed, 'unknown');
  });
});
