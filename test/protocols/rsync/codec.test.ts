/**
 * The rsync codecs on bytes captured from rsync 3.5.0's daemon (protocol 32,
 * sessions run at 31 and 29) for a module holding:
 *   .            directory 0755, 4096 bytes, 2024-01-02 03:04:05 UTC
 *   scans        directory 0755
 *   notes.txt    file 0644, 6 bytes
 *   scans/CT1.dcm file 0644, 4 bytes
 * Each fixture's meaning is written beside it; truncated and malformed cases
 * and arbitrary bytes come after.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { classifyLine, encodeArguments, parseGreeting, sessionProtocol } from '../../../src/protocols/rsync/daemon.ts';
import { decodeEntry, INITIAL_STATE, pathOf, type EntryState, type FileListEntry } from '../../../src/protocols/rsync/file-list.ts';
import { Demultiplexer, emptyFilterList, encodeFrame, MAX_MESSAGES, MsgCode } from '../../../src/protocols/rsync/multiplex.ts';
import { decodeTransferHead, encodeFileRequest, encodeFirstIndex, FileHeadReader } from '../../../src/protocols/rsync/transfer.ts';
import { varintBytes, varlongBytes, WireCursor } from '../../../src/protocols/rsync/wire.ts';

/** Protocol 31: compat flags varint 0x06, seed 0x6b14c967, one MSG_DATA frame (0x0700003d: 61 bytes) holding the list. */
const CAPTURE_31 = Buffer.from(
  '06' + '67c9146b' + '3d000007' +
    // 0x19 TOP_DIR|SAME_UID|SAME_GID; name "." ; length varlong(3) 00 00 10 = 4096; mtime varlong(4) 65 25 7d 93 = 0x65937d25; mode 0x41ed
    '19' + '012e' + '000010' + '65257d93' + 'ed410000' +
    // 0x9a SAME_MODE|SAME_UID|SAME_GID|SAME_TIME; "scans"; 4096
    '9a' + '057363616e73' + '000010' +
    // 0x98 SAME_UID|SAME_GID|SAME_TIME; "notes.txt"; 6; mode 0x81a4
    '98' + '096e6f7465732e747874' + '000600' + 'a4810000' +
    // 0x9a; "scans/CT1.dcm"; 4
    '9a' + '0d7363616e732f4354312e64636d' + '000400' +
    // end of the list
    '00',
  'hex',
);

/** Protocol 29: no compat flags; seed; frame of 0x45 bytes: lengths as longint, times as int32, then the io_error int32. */
const CAPTURE_29 = Buffer.from(
  'e8e1146b' + '45000007' +
    '19' + '012e' + '00100000' + '257d9365' + 'ed410000' +
    '9a' + '057363616e73' + '00100000' +
    '98' + '096e6f7465732e747874' + '06000000' + 'a4810000' +
    '9a' + '0d7363616e732f4354312e64636d' + '04000000' +
    '00' + '00000000',
  'hex',
);

const WANT: FileListEntry[] = [
  { name: '.', kind: 'directory', length: 4096 },
  { name: 'scans', kind: 'directory', length: 4096 },
  { name: 'notes.txt', kind: 'file', length: 6 },
  { name: 'scans/CT1.dcm', kind: 'file', length: 4 },
];

/** Demultiplexes a capture after its setup bytes and decodes the list. */
function decodeCapture(capture: Buffer, setupBytes: number, protocol: number): { entries: FileListEntry[]; state: EntryState; ended: boolean } {
  const demux = new Demultiplexer();
  const data = Buffer.concat(demux.feed(capture.subarray(setupBytes)).data);
  const entries: FileListEntry[] = [];
  let state = INITIAL_STATE;
  let at = 0;
  for (;;) {
    const r = decodeEntry(data, at, state, protocol);
    if (r.kind === 'end') return { entries, state, ended: true };
    if (r.kind !== 'entry') return { entries, state, ended: false };
    entries.push(r.entry);
    state = r.state;
    at = r.next;
  }
}

describe('daemon text phase', () => {
  it('reads greetings with and without a sub-version or digest list, refuses anything else', () => {
    assert.deepEqual(parseGreeting('@RSYNCD: 32.0 sha512 sha256 sha1 md5 md4'), { version: 32, sub: 0 });
    assert.deepEqual(parseGreeting('@RSYNCD: 29'), { version: 29, sub: 0 });
    assert.equal(parseGreeting('SSH-2.0-OpenSSH_9.2'), undefined);
    assert.equal(parseGreeting('@RSYNCD: x'), undefined);
    assert.equal(parseGreeting(`@RSYNCD: ${'9'.repeat(50)}`), undefined);
    assert.equal(sessionProtocol({ version: 32, sub: 0 }), 31);
    assert.equal(sessionProtocol({ version: 29, sub: 0 }), 29);
  });

  it('classifies module-list lines (name without its padding), answers and the message of the day', () => {
    assert.deepEqual(classifyLine('images         \tExposure lab canary studies'), { kind: 'module', name: 'images' });
    assert.deepEqual(classifyLine('@RSYNCD: OK'), { kind: 'ok' });
    assert.deepEqual(classifyLine('@RSYNCD: AUTHREQD 3MCt1ktBkzqpRTH2/yvyBA'), { kind: 'auth-required' });
    assert.deepEqual(classifyLine('@ERROR: Unknown module \'x\''), { kind: 'error' });
    assert.deepEqual(classifyLine('@RSYNCD: EXIT'), { kind: 'exit' });
    assert.deepEqual(classifyLine('Welcome to the archive'), { kind: 'text' });
    assert.deepEqual(classifyLine('\tno name'), { kind: 'text' });
  });

  it('ends arguments with NUL from protocol 30, newline before, and an empty one after the last', () => {
    assert.equal(encodeArguments(['--server', '.'], 31).toString('latin1'), '--server\0.\0\0');
    assert.equal(encodeArguments(['--server', '.'], 29).toString('latin1'), '--server\n.\n\n');
  });
});

describe('integer codings', () => {
  it('varint and varlong read back what rsync writes, at every width', () => {
    for (const v of [0, 1, 0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000, 0x7fffffff, -1]) {
      assert.equal(new WireCursor(varintBytes(v)).varint('v'), v, `varint ${v}`);
    }
    for (const [v, min] of [[0, 3], [4096, 3], [0xffffff, 3], [0x1000000, 3], [2 ** 40 + 5, 3], [0x65937d25, 4], [2 ** 33, 4]] as const) {
      const c = new WireCursor(varlongBytes(v, min));
      assert.equal(c.varlong(min, 'v'), v, `varlong ${v}`);
      assert.equal(c.offset, c.buf.length, `varlong ${v}: every byte read`);
    }
    assert.deepEqual([...varlongBytes(4096, 3)], [0x00, 0x00, 0x10], 'the capture writes 4096 this way');
  });

  it('refuses a varint longer than an int32 and a longint past 2^53', () => {
    assert.throws(() => new WireCursor(Buffer.from([0xf8, 1, 2, 3, 4, 5])).varint('v'), /longer than an int32/);
    assert.throws(() => new WireCursor(Buffer.from('ffffffff' + 'ffffffffffffff7f', 'hex')).longint('v'), /beyond 2\^53/);
  });
});

describe('the file list', () => {
  it('decodes the protocol-31 capture: names with shared prefixes, same-mode and same-time entries, the end marker', () => {
    const r = decodeCapture(CAPTURE_31, 1 + 4, 31);
    assert.ok(r.ended);
    assert.deepEqual(r.entries, WANT);
    assert.equal(r.state.mtime, 0x65937d25);
    assert.equal(r.state.mode, 0o100644);
  });

  it('decodes the protocol-29 capture (longint lengths, int32 times)', () => {
    const r = decodeCapture(CAPTURE_29, 4, 29);
    assert.ok(r.ended);
    assert.deepEqual(r.entries, WANT);
  });

  it('says truncated at every cut inside an entry, and decodes the same once the rest arrives', () => {
    const data = Buffer.concat(new Demultiplexer().feed(CAPTURE_31.subarray(5)).data);
    const first = decodeEntry(data, 0, INITIAL_STATE, 31);
    assert.equal(first.kind, 'entry');
    const end = first.kind === 'entry' ? first.next : 0;
    for (let cut = 0; cut < end; cut++) assert.equal(decodeEntry(data.subarray(0, cut), 0, INITIAL_STATE, 31).kind, 'truncated', `cut at ${cut}`);
  });

  it('refuses a shared prefix longer than the previous name, an over-long name, hard-link data, a negative length', () => {
    const prev: EntryState = { lastName: 'ab', mtime: 0, mode: 0o100644 };
    assert.equal(decodeEntry(Buffer.from([0x20 | 0x02 | 0x80, 3, 1, 0x41]), 0, prev, 31).kind, 'malformed');
    const long = Buffer.concat([Buffer.from([0x40 | 0x02 | 0x80]), varintBytes(5000)]);
    assert.deepEqual(decodeEntry(long, 0, prev, 31), { kind: 'malformed', field: 'name length', message: 'name length: 5000 bytes after 0 shared' });
    assert.equal(decodeEntry(Buffer.from([0x04, 0x02, 0x01, 0x41]), 0, prev, 31).kind, 'malformed', 'XMIT_HLINKED without XMIT_HLINK_FIRST');
    assert.deepEqual(decodeEntry(Buffer.from('820141' + 'ffffffff' + 'feffffffffffffff', 'hex'), 0, prev, 29), { kind: 'malformed', field: 'file length', message: 'file length: negative' });
  });

  it('ends on the protocol-31 io-error end marker', () => {
    assert.deepEqual(decodeEntry(Buffer.from([0x04, 0x10, 0x05]), 0, INITIAL_STATE, 31), { kind: 'end', next: 3 });
  });

  it('paths: "." is the root, ".." is refused, empty components dropped', () => {
    assert.deepEqual(pathOf('.'), []);
    assert.deepEqual(pathOf('a//b/./c'), ['a', 'b', 'c']);
    assert.equal(pathOf('a/../../etc'), undefined);
  });

  it('never throws on arbitrary bytes, at any protocol', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 27, max: 31 }), (bytes, protocol) => {
        let state = INITIAL_STATE;
        let at = 0;
        const buf = Buffer.from(bytes);
        for (let i = 0; i < 300; i++) {
          const r = decodeEntry(buf, at, state, protocol);
          if (r.kind !== 'entry') return;
          assert.ok(r.next > at);
          state = r.state;
          at = r.next;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the multiplexed stream', () => {
  it('routes data byte by byte across frame headers, keeps only the int of a message, never its text', () => {
    const stream = Buffer.concat([encodeFrame(MsgCode.DATA, Buffer.from('abc')), encodeFrame(MsgCode.INFO, Buffer.from('Canary text DOE^JANE\n')), encodeFrame(MsgCode.NO_SEND, Buffer.from([7, 0, 0, 0])), encodeFrame(MsgCode.DATA, Buffer.from('de'))]);
    const demux = new Demultiplexer();
    const data: Buffer[] = [];
    const messages = [];
    for (const byte of stream) {
      const r = demux.feed(Buffer.from([byte]));
      data.push(...r.data);
      messages.push(...r.messages);
    }
    assert.equal(Buffer.concat(data).toString(), 'abcde');
    assert.deepEqual(messages, [{ code: MsgCode.INFO }, { code: MsgCode.NO_SEND, value: 7 }]);
    assert.ok(!JSON.stringify(messages).includes('DOE'));
  });

  it('refuses a tag that is no message code, and a daemon that sends nothing but messages', () => {
    assert.throws(() => new Demultiplexer().feed(Buffer.from([0, 0, 0, 0])), /tag 0 is no message code/);
    const noop = encodeFrame(MsgCode.NOOP, Buffer.alloc(0));
    assert.throws(() => new Demultiplexer().feed(Buffer.concat(Array.from({ length: MAX_MESSAGES + 1 }, () => noop))), /more than/);
  });

  it('a frame declaring 16 MiB costs nothing until its bytes come', () => {
    const r = new Demultiplexer().feed(Buffer.from([0xff, 0xff, 0xff, 0x07, 1, 2]));
    assert.deepEqual(r.data.map((b) => [...b]), [[1, 2]]);
  });

  it('the empty filter list is multiplexed from protocol 30 on, bare before', () => {
    assert.equal(emptyFilterList(31).toString('hex'), '0400000700000000');
    assert.equal(emptyFilterList(29).toString('hex'), '00000000');
  });
});

describe('one file\'s data', () => {
  it('asks for index 0 with ITEM_TRANSFER and an empty sum head, in a frame from protocol 30', () => {
    assert.equal(encodeFileRequest(0, 31).toString('hex'), '13000007' + '01' + '0080' + '00000000'.repeat(4));
    assert.equal(encodeFileRequest(0, 29).toString('hex'), '00000000' + '0080' + '00000000'.repeat(4));
    assert.equal(encodeFileRequest(0, 27).toString('hex'), '00000000' + '00000000'.repeat(4));
    assert.deepEqual([...encodeFirstIndex(300, 31)], [0xfe, 0x01, 0x2d]);
  });

  it('reads the echoed header, then literal runs up to the bound', () => {
    const head = Buffer.from('01' + '0080' + '00000000'.repeat(4), 'hex');
    const h = decodeTransferHead(head, 31);
    assert.deepEqual(h, { kind: 'head', ndx: 0, next: head.length });
    assert.equal(decodeTransferHead(head.subarray(0, 5), 31).kind, 'truncated');
    assert.equal(decodeTransferHead(Buffer.from('01' + '0080' + '01000000' + '00000000'.repeat(3), 'hex'), 31).kind, 'malformed');
    const reader = new FileHeadReader(6);
    assert.equal(reader.feed(Buffer.from('04000000' + 'aabb', 'hex')), 'more');
    assert.equal(reader.feed(Buffer.from('ccdd' + '04000000' + 'eeff0011', 'hex')), 'enough');
    assert.equal(reader.head().toString('hex'), 'aabbccddeeff');
    const short = new FileHeadReader(100);
    assert.equal(short.feed(Buffer.from('02000000' + '4443' + '00000000', 'hex')), 'ended');
    assert.equal(short.head().toString(), 'DC');
    assert.throws(() => new FileHeadReader(10).feed(Buffer.from('ffffffff', 'hex')), /block match/);
  });
});
