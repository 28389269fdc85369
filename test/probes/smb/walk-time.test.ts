/**
 * --walk-time on SMB: a server that opens a file and then trickles its READ
 * response a byte at a time. The walk gives the read up when its time ends,
 * not at the next folder. The server is a small in-process SMB2 responder on
 * 127.0.97.5, port 0, answering CREATE, READ and CLOSE (MS-SMB2 2.2.14, 2.2.20).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createDialer } from '../../../src/net/dialer.ts';
import { Deadline } from '../../../src/net/deadline.ts';
import { DEFAULT_FILE_WALK } from '../../../src/probes/nas/limits.ts';
import { walkTree, type FileTree } from '../../../src/probes/nas/tree-walk.ts';
import { SmbClient } from '../../../src/probes/smb/client.ts';
import { SmbTree } from '../../../src/probes/smb/share-ops.ts';
import { createPseudonyms } from '../../../src/privacy/pseudonyms.ts';
import { Command, decodeMessage, encodeHeader, frame, frameLength, HeaderFlag, SMB2_HEADER_LENGTH } from '../../../src/protocols/smb/smb2.ts';
import { drip } from '../ftp/scripted-ftp.ts';
import { TestPeers } from '../../net/peers.ts';

const HOST = '127.0.97.5';
const peers = new TestPeers();
after(() => peers.close());

/** A response header to `command`, message `messageId`: success, from the server (2.2.1.2). */
function responseHeader(command: number, messageId: bigint): Buffer {
  const h = encodeHeader({ creditCharge: 0, command, credits: 32, messageId, treeId: 1, sessionId: 1n });
  h.writeUInt32LE(HeaderFlag.SERVER_TO_REDIR, 16);
  return h;
}

/** CREATE response (2.2.14): StructureSize 89, a file of 1 MiB, FileId all ones, no create contexts. */
function createResponse(): Buffer {
  const b = Buffer.alloc(89);
  b.writeUInt16LE(89, 0);
  b.writeBigUInt64LE(1n << 20n, 48); // EndofFile
  b.fill(1, 64, 80); // FileId
  return b;
}

/** CLOSE response (2.2.16): StructureSize 60. */
function closeResponse(): Buffer {
  const b = Buffer.alloc(60);
  b.writeUInt16LE(60, 0);
  return b;
}

/** READ response (2.2.20) announcing `length` bytes of data right after its fixed part. */
function readResponseStart(length: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(17, 0);
  b.writeUInt8(SMB2_HEADER_LENGTH + 16, 2); // DataOffset
  b.writeUInt32LE(length, 4); // DataLength
  return b;
}

/** Answers CREATE and CLOSE at once; a READ's response is announced whole and its data trickled. */
function trickler(s: net.Socket): void {
  let pending = Buffer.alloc(0);
  s.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      const len = frameLength(pending);
      if (!len.ok || len.value === undefined || pending.length < 4 + len.value) return;
      const m = decodeMessage(pending.subarray(4, 4 + len.value));
      pending = pending.subarray(4 + len.value);
      if (!m.ok) return void s.destroy();
      const { command, messageId } = m.value.header;
      if (command === Command.CREATE) s.write(frame(Buffer.concat([responseHeader(command, messageId), createResponse()])));
      else if (command === Command.CLOSE) s.write(frame(Buffer.concat([responseHeader(command, messageId), closeResponse()])));
      else if (command === Command.READ) {
        const data = 4096;
        const start = Buffer.concat([responseHeader(command, messageId), readResponseStart(data)]);
        const f = frame(Buffer.concat([start, Buffer.alloc(data)]));
        s.write(f.subarray(0, 4 + start.length));
        drip(s, f.subarray(4 + start.length), 50);
      }
    }
  });
}

describe('--walk-time on SMB', () => {
  it('gives up a READ trickling in a byte at a time when the walk time ends', async () => {
    const port = await peers.listen(net.createServer(trickler), HOST);
    const dialer = createDialer({ scope: { check: () => ({ allowed: true }) }, connectTimeoutMs: 1000, maxBytesPerConnection: 1 << 20, connectionsPerSecond: 0 });
    const probe = new Deadline(20_000, undefined, 'the probe');
    const client = new SmbClient(await dialer.connect({ ip: HOST, port }), { ioTimeoutMs: 3000, maxMessageBytes: 1 << 20, signal: probe.signal });
    const share = new SmbTree(client, 1, 100);
    // One folder listed from memory; the file is read from the trickling server.
    const tree: FileTree = {
      list: async (path) => (path.length === 0 ? [{ name: 'IM0001.dcm', kind: 'file', size: 1 << 20 }] : []),
      readHead: (path, max, signal, enough) => share.readHead(path, max, signal, enough),
    };
    const started = performance.now();
    try {
      const outcome = await walkTree(tree, { ...DEFAULT_FILE_WALK, walkTimeMs: 600 }, createPseudonyms().counter(), probe);
      const ms = performance.now() - started;
      assert.ok(ms >= 550 && ms < 600 + 600, `the read was not cut at the walk's 600 ms: ${ms.toFixed(0)} ms`);
      assert.deepEqual(outcome.walk.stoppedBy, ['time']);
      assert.equal(outcome.walk.headersRead, 0);
      assert.equal(outcome.walk.files, 1);
      assert.equal(outcome.failure, undefined, 'running out of time is a bound, not a broken walk');
      assert.equal(probe.signal.aborted, false, 'the probe goes on after its walk');
    } finally {
      client.close();
      probe.end();
    }
  });
});
