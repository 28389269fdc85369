/**
 * The rsync probe against scripted hostile daemons on 127.0.97.x, port 0
 * (the real daemon is test/integration/rsync.test.ts): another protocol, an
 * endless module list, an over-long line, a file list that never ends, one
 * that stalls, and peer text in module names and the message of the day.
 * Each ends in a status within its bounds, never a throw, and no peer text
 * but capped module names in the result.
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { createDialer } from '../../../src/net/dialer.ts';
import { Observation, type RsyncDetails } from '../../../src/observation/observation.ts';
import { createPseudonyms } from '../../../src/privacy/pseudonyms.ts';
import { DEFAULT_FILE_WALK } from '../../../src/probes/nas/limits.ts';
import type { FileWalkOptions, ProbeContext } from '../../../src/probes/probe.ts';
import { MAX_MODULES_KEPT, MAX_MODULES_WALKED, rsyncProbe } from '../../../src/probes/rsync/index.ts';
import { MAX_LIST_LINES, RsyncSession, type SessionOptions } from '../../../src/probes/rsync/session.ts';
import { RsyncTree } from '../../../src/probes/rsync/tree.ts';
import { encodeFrame, MsgCode } from '../../../src/protocols/rsync/multiplex.ts';
import { encodeFileRequest } from '../../../src/protocols/rsync/transfer.ts';
import { int32Bytes, varintBytes, varlongBytes } from '../../../src/protocols/rsync/wire.ts';

const HOST = '127.0.97.21';
const servers: net.Server[] = [];
/** Bytes any scripted daemon writes at most: every loop here is bounded. */
const SERVER_BYTE_CAP = 64 << 20;

after(() => {
  for (const s of servers) s.close();
});

/** A daemon on port 0 that greets at protocol 31, then hands each line the client sends to `onLine`. */
async function daemon(onLine: (line: string, s: net.Socket) => void, greeting = '@RSYNCD: 31.0 md5 md4\n', host = HOST): Promise<number> {
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    s.write(greeting);
    let pending = '';
    let lines = 0;
    s.on('data', (d) => {
      if (lines >= 2) return; // the greeting and the module name: what follows is binary, and ignored
      pending += d.toString('latin1');
      for (let nl = pending.indexOf('\n'); nl >= 0 && lines < 2; nl = pending.indexOf('\n')) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (++lines === 2) onLine(line, s);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as net.AddressInfo).port;
}

/** Writes `next()` until it returns undefined, the socket closes, or the byte cap: backpressure respected. */
function pump(s: net.Socket, next: () => Buffer | undefined): void {
  let written = 0;
  const go = (): void => {
    while (!s.destroyed && written < SERVER_BYTE_CAP) {
      const chunk = next();
      if (!chunk) return void s.end();
      written += chunk.length;
      if (!s.write(chunk)) return void s.once('drain', go);
    }
  };
  go();
}

function ctx(walk: Partial<FileWalkOptions> = {}, probeTimeoutMs = 20_000): ProbeContext {
  return {
    dialer: createDialer({ scope: { check: (ip) => (ip === HOST ? { allowed: true } : { allowed: false, reason: 'out of test scope' }) }, connectTimeoutMs: 2000, maxBytesPerConnection: 16 << 20, connectionsPerSecond: 0 }),
    signal: new AbortController().signal,
    identity: { callingAeTitle: 'EXPOSURE-SCAN', userAgent: 'Exposure/0.1.0' },
    limits: { maxRecords: 10, connectTimeoutMs: 2000, ioTimeoutMs: 2000, probeTimeoutMs, maxPduBytes: 1 << 20 },
    dicom: { userAeTitles: [], useGuessList: false },
    pseudonyms: createPseudonyms(),
    fileWalk: { ...DEFAULT_FILE_WALK, ...walk },
  };
}

function details(o: Observation): RsyncDetails {
  Observation.parse(o);
  assert.equal(o.details?.protocol, 'rsync');
  return o.details as RsyncDetails;
}

/** The binary setup after "@RSYNCD: OK" at protocol 31: compat flags 0, a seed. */
const SETUP = Buffer.concat([varintBytes(0), int32Bytes(0x1234)]);

/** A file-list entry at protocol 31: the first carries time and mode, the rest share them. */
function entry(name: string, first: boolean, length = 1000): Buffer {
  const n = Buffer.from(name, 'latin1');
  if (first) return Buffer.concat([Buffer.from([0x01, n.length]), n, varlongBytes(length, 3), varlongBytes(1_700_000_000, 4), int32Bytes(0o100644)]);
  return Buffer.concat([Buffer.from([0x82, n.length]), n, varlongBytes(length, 3)]);
}

/** One module "m" listed; asking for it gets OK and then `afterOk`. */
function oneModule(afterOk: (s: net.Socket) => void, host = HOST): Promise<number> {
  return daemon(
    (line, s) => {
      if (line === '') return void s.end('m              \tscripted\n@RSYNCD: EXIT\n');
      s.write('@RSYNCD: OK\n');
      afterOk(s);
    },
    undefined,
    host,
  );
}

/**
 * Runs `run`, noting the most 'abort' listeners any signal held at once (sampled
 * at each one added) and the MaxListenersExceededWarnings emitted meanwhile.
 */
async function abortListeners<T>(run: () => Promise<T>): Promise<{ result: T; peak: number; warnings: string[] }> {
  const add = EventTarget.prototype.addEventListener;
  let peak = 0;
  EventTarget.prototype.addEventListener = function (this: EventTarget, ...args: Parameters<EventTarget['addEventListener']>): void {
    add.apply(this, args);
    if (this instanceof AbortSignal && args[0] === 'abort') peak = Math.max(peak, getEventListeners(this, 'abort').length);
  };
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void (w.name === 'MaxListenersExceededWarning' && warnings.push(w.message));
  process.on('warning', onWarning);
  try {
    const result = await run();
    // Warnings are emitted on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    return { result, peak, warnings };
  } finally {
    EventTarget.prototype.addEventListener = add;
    process.off('warning', onWarning);
  }
}

describe('rsync probe, hostile daemons', () => {
  it('an HTTP answer is not rsync, and its text stays out of the result', async () => {
    const server = net.createServer((s) => {
      s.on('error', () => undefined);
      s.end('HTTP/1.1 400 Bad Request\r\nX-Canary: QUILLFEATHER\r\n\r\n');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    const o = await rsyncProbe.run({ ip: HOST, port: (server.address() as net.AddressInfo).port }, ctx());
    Observation.parse(o);
    assert.equal(o.status, 'not-this-protocol');
    assert.equal(o.details, undefined);
    assert.ok(!JSON.stringify(o).includes('QUILLFEATHER'));
  });

  it('an endless module list is read to its line cap; names kept and modules asked for are capped; none is logged into', async () => {
    let asked = 0;
    const port = await daemon((line, s) => {
      if (line !== '') {
        asked += 1;
        return void s.end('@RSYNCD: AUTHREQD Y2hhbGxlbmdl\n');
      }
      let i = 0;
      pump(s, () => (i < 1_000_000 ? Buffer.from(`mod${i++}${' '.repeat(8)}\tendless list\n`) : undefined));
    });
    const started = performance.now();
    const o = await rsyncProbe.run({ ip: HOST, port }, ctx());
    const d = details(o);
    assert.equal(o.status, 'success');
    assert.equal(d.moduleListCut, true);
    assert.equal(d.modulesListed, MAX_LIST_LINES);
    assert.equal(d.modules.length, MAX_MODULES_KEPT);
    assert.equal(asked, MAX_MODULES_WALKED);
    assert.deepEqual(new Set(d.modules.slice(0, MAX_MODULES_WALKED).map((m) => m.access)), new Set(['auth-required']));
    assert.ok(d.modules.slice(MAX_MODULES_WALKED).every((m) => m.access === 'not-tried'));
    assert.ok(!JSON.stringify(o).includes('endless'), 'module comments are not kept');
    assert.ok(performance.now() - started < 15_000);
  });

  it('a connection per module adds no listener of its own to the probe\'s signals: one each, however many connections', async () => {
    const port = await daemon((line, s) => {
      if (line !== '') return void s.end('@RSYNCD: AUTHREQD Y2hhbGxlbmdl\n');
      s.end(`${Array.from({ length: MAX_MODULES_WALKED }, (_, i) => `mod${i}\tmodule\n`).join('')}@RSYNCD: EXIT\n`);
    });
    const { result: o, peak, warnings } = await abortListeners(() => rsyncProbe.run({ ip: HOST, port }, ctx()));
    assert.equal(details(o).modules.filter((m) => m.access === 'auth-required').length, MAX_MODULES_WALKED, 'a connection for the list and one per module');
    // The probe's deadline: net/abort-watch's one listener, and the harness's grace.
    assert.ok(peak <= 2, `${peak} abort listeners on one signal`);
    assert.deepEqual(warnings, []);
  });

  it('an over-long line ends the conversation as a protocol error, with the greeting kept', async () => {
    const port = await daemon((_line, s) => pump(s, (() => {
      let n = 0;
      return () => (n++ < 10 ? Buffer.alloc(4096, 0x41) : undefined);
    })()));
    const o = await rsyncProbe.run({ ip: HOST, port }, ctx());
    assert.equal(o.status, 'protocol-error');
    assert.equal(o.error?.code, 'RSYNC_LINE_TOO_LONG');
    assert.equal(details(o).serverProtocol, 31);
  });

  it('an over-long greeting is not rsync', async () => {
    const port = await daemon(() => undefined, `@RSYNCD: 31.0 ${'x'.repeat(20_000)}\n`);
    const o = await rsyncProbe.run({ ip: HOST, port }, ctx());
    assert.equal(o.status, 'not-this-protocol');
  });

  it('a file list that never ends stops at the entry cap, says so, and counts "at least"', async () => {
    const port = await oneModule((s) => {
      s.write(SETUP);
      let i = 0;
      pump(s, () => {
        if (i >= 200_000) return undefined;
        const batch = Array.from({ length: 100 }, () => entry(`f${String(i).padStart(7, '0')}.dcm`, i++ === 0));
        return encodeFrame(MsgCode.DATA, Buffer.concat(batch));
      });
    });
    const o = await rsyncProbe.run({ ip: HOST, port }, ctx({ maxEntries: 500, maxHeaderSamples: 0 }));
    const w = details(o).modules[0]!.walk!;
    assert.equal(o.status, 'success');
    assert.ok(w.stoppedBy.includes('entries'), w.stoppedBy.join(','));
    assert.equal(w.dicomFiles, 500);
    assert.deepEqual(o.exposure.files, { n: 500, atLeast: true });
  });

  it('a file list that stalls is cut by --walk-time: what came is walked, the walk says "time"', async () => {
    const port = await oneModule((s) => {
      s.write(Buffer.concat([SETUP, encodeFrame(MsgCode.DATA, Buffer.concat([entry('a.dcm', true), entry('b.dcm', false)]))]));
      // … and nothing more, the connection held open.
    });
    const started = performance.now();
    const o = await rsyncProbe.run({ ip: HOST, port }, { ...ctx({ walkTimeMs: 600, maxHeaderSamples: 0 }), limits: { ...ctx().limits, ioTimeoutMs: 10_000 } });
    const w = details(o).modules[0]!.walk!;
    assert.ok(performance.now() - started < 5000);
    assert.deepEqual(w.stoppedBy, ['time']);
    assert.equal(w.dicomFiles, 2);
  });

  it('a malformed entry is a protocol error; the module list learned before it stays', async () => {
    const port = await oneModule((s) => s.write(Buffer.concat([SETUP, encodeFrame(MsgCode.DATA, Buffer.from([0x40 | 0x01, ...varintBytes(100_000)]))])));
    const o = await rsyncProbe.run({ ip: HOST, port }, ctx());
    assert.equal(o.status, 'protocol-error');
    assert.equal(o.error?.code, 'RSYNC_MALFORMED');
    assert.equal(details(o).modules[0]?.access, 'anonymous');
  });

  it('module names are cleaned and capped; the message of the day and @ERROR text are not kept', async () => {
    const port = await daemon((line, s) => {
      if (line === '') return void s.end(`Welcome DOE^JANE\n\x1b[31mbad\x1b[0m${'n'.repeat(200)}\tcomment\n@RSYNCD: EXIT\n`);
      s.end('@ERROR: access denied to PATIENT-SECRET\n');
    });
    const o = await rsyncProbe.run({ ip: HOST, port }, ctx());
    const d = details(o);
    assert.equal(d.modulesListed, 1);
    assert.equal(d.modules[0]!.access, 'refused');
    assert.match(d.modules[0]!.name, /^\?\[31mbad\?\[0mn+$/);
    assert.equal(d.modules[0]!.name.length, 80);
    const text = JSON.stringify(o);
    assert.ok(!text.includes('DOE') && !text.includes('PATIENT-SECRET') && !text.includes('\x1b'));
  });
  it('before protocol 30 the io_error flag after the file list is read, not taken for the transfer head, even when it comes later', async () => {
    const host = '127.0.111.2';
    // Protocol 29: the setup is the checksum seed alone; an entry's length, time and mode are plain ints.
    const first = Buffer.concat([Buffer.from([0x01, 5]), Buffer.from('a.dcm', 'latin1'), int32Bytes(100_000), int32Bytes(1_700_000_000), int32Bytes(0o100644)]);
    // File index 0 as an int, item flags ITEM_TRANSFER, an empty sum head, one 4 KiB literal run.
    const transfer = Buffer.concat([int32Bytes(0), Buffer.from([0x00, 0x80]), Buffer.alloc(16), int32Bytes(4096), Buffer.alloc(4096, 0x41)]);
    const port = await daemon(
      (line, s) => {
        if (line === '') return void s.end('m              \tscripted\n@RSYNCD: EXIT\n');
        s.write('@RSYNCD: OK\n');
        s.write(Buffer.concat([int32Bytes(0x1234), encodeFrame(MsgCode.DATA, Buffer.concat([first, Buffer.from([0])]))]));
        // The io_error flag in a frame of its own, a moment later: a chunk of its own on the client's side.
        // The file is sent once it is asked for and after that flag, as the sender writes them in that order.
        let flagSent = false;
        let asked = false;
        const answer = (): void => void (flagSent && asked && s.write(encodeFrame(MsgCode.DATA, transfer)));
        setTimeout(() => {
          s.write(encodeFrame(MsgCode.DATA, int32Bytes(0)));
          flagSent = true;
          answer();
        }, 50);
        let heard = Buffer.alloc(0);
        s.on('data', (d: Buffer) => {
          heard = Buffer.concat([heard, d]).subarray(-64);
          if (!asked && heard.includes(encodeFileRequest(0, 29))) {
            asked = true;
            answer();
          }
        });
      },
      '@RSYNCD: 29\n',
      host,
    );
    const dialer = createDialer({ scope: { check: (ip) => (ip === host ? { allowed: true } : { allowed: false, reason: 'out of test scope' }) }, connectTimeoutMs: 2000, maxBytesPerConnection: 16 << 20, connectionsPerSecond: 0 });
    const signal = new AbortController().signal;
    const options: SessionOptions = { dialer, endpoint: { ip: host, port }, connectTimeoutMs: 2000, ioTimeoutMs: 5000, signal };
    const listing = await RsyncSession.open(options);
    const tree = new RsyncTree(listing, (bound) => RsyncSession.open(options, bound), 'm', 100);
    try {
      const head = await tree.readHead(['a.dcm'], 64 << 10, signal, (bytes) => (bytes.length >= 132 ? 132 : undefined));
      assert.deepEqual(head, Buffer.alloc(132, 0x41));
    } finally {
      listing.close();
    }
  });

  it('a file header read stops once the walk has enough: a file that goes on and then stalls is not waited for', async () => {
    const host = '127.0.111.1';
    // At protocol 31: file index 0 (write_ndx: 0x01), item flags ITEM_TRANSFER, an empty sum head, then one 4 KiB literal run of a 100 KB file … and nothing more, the connection held open.
    const transfer = Buffer.concat([Buffer.from([0x01, 0x00, 0x80]), Buffer.alloc(16), int32Bytes(4096), Buffer.alloc(4096, 0x41)]);
    const port = await oneModule((s) => {
      s.write(Buffer.concat([SETUP, encodeFrame(MsgCode.DATA, Buffer.concat([entry('a.dcm', true, 100_000), Buffer.from([0])]))]));
      // The sender answers the file's request, as rsync does, once it has read it.
      let heard = Buffer.alloc(0);
      s.on('data', (d: Buffer) => {
        heard = Buffer.concat([heard, d]).subarray(-64);
        if (heard.includes(encodeFileRequest(0, 31))) s.write(encodeFrame(MsgCode.DATA, transfer));
      });
    }, host);
    const dialer = createDialer({ scope: { check: (ip) => (ip === host ? { allowed: true } : { allowed: false, reason: 'out of test scope' }) }, connectTimeoutMs: 2000, maxBytesPerConnection: 16 << 20, connectionsPerSecond: 0 });
    const signal = new AbortController().signal;
    const options: SessionOptions = { dialer, endpoint: { ip: host, port }, connectTimeoutMs: 2000, ioTimeoutMs: 10_000, signal };
    const listing = await RsyncSession.open(options);
    const tree = new RsyncTree(listing, (bound) => RsyncSession.open(options, bound), 'm', 100);
    const seen: number[] = [];
    const started = performance.now();
    try {
      const head = await tree.readHead(['a.dcm'], 64 << 10, signal, (bytes) => (seen.push(bytes.length), bytes.length >= 132 ? 132 : undefined));
      assert.deepEqual(head, Buffer.alloc(132, 0x41), 'what enough keeps, no more');
    } finally {
      listing.close();
    }
    assert.ok(performance.now() - started < 5000, 'no wait for the rest of the file up to the byte cap');
    assert.ok(seen.length > 0 && Math.max(...seen) <= 4096, `enough was asked as the data came: ${seen.join(',')}`);
  });
});
