/**
 * What a port speaks, from the first bytes its peer sent: each shape with what
 * must match and what must not, truncated input, and arbitrary bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FIRST_BYTES } from '../../src/net/parked.ts';
import { classifyFirstBytes, type FirstBytesKind } from '../../src/scan/first-bytes.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const text = (s: string): Buffer => Buffer.from(s, 'latin1');

/** [bytes, what they are, why]; the test sees only the first FIRST_BYTES of them, as the harness keeps. */
const CASES: ReadonlyArray<readonly [Buffer, FirstBytesKind, string]> = [
  [Buffer.alloc(0), 'none', 'closed or reset without a byte'],
  // PS3.8 9.3: type, reserved 0, 32-bit length.
  [hex('02 00 00000100 0001 0000 4f52 5448 414e 4320 2020'), 'dicom', 'A-ASSOCIATE-AC: protocol version 1, called AE title'],
  [hex('03 00 00000004 00 01 01 07'), 'dicom', 'A-ASSOCIATE-RJ: permanent, service user, called AE title not recognised'],
  [hex('07 00 00000004 00 00 02 00'), 'dicom', 'A-ABORT from the provider'],
  [hex('03 00 00000005 00 01 01 07'), 'unknown', 'A-ASSOCIATE-RJ with a length other than 4'],
  [hex('02 01 00000100'), 'unknown', 'reserved byte not 0'],
  [hex('08 00 00000004 00000000'), 'unknown', 'no PDU type 8'],
  [hex('02 00 0000'), 'unknown', 'truncated before the PDU length'],
  [hex('02'), 'unknown', 'one byte'],
  // RFC 8446 5.1: content type, legacy version 3.x, length.
  [hex('15 03 03 0002 02 46'), 'tls', 'alert: fatal, protocol_version'],
  [hex('16 03 03 007a 02 000076 0303'), 'tls', 'ServerHello'],
  [hex('15 03 01 0002 02 28'), 'tls', 'alert under TLS 1.0 record version'],
  [hex('15 03'), 'unknown', 'truncated record header'],
  [hex('16 02 00 0031'), 'unknown', 'record version 2.0'],
  [hex('18 03 03 0002'), 'unknown', 'content type 24 is not TLS 1.3 or earlier'],
  // RFC 9112 4.
  [text('HTTP/1.1 400 Bad Request\r\n'), 'http', 'status line'],
  [text('HTTP/1.0 200 OK\r\n'), 'http', 'HTTP/1.0'],
  [text('GET / HTTP/1.1\r\n'), 'unknown', 'a request is not an answer'],
  [text('HTTP/1.1'), 'unknown', 'version without status code'],
  [text('HTTPS/1.1 200 OK'), 'unknown', 'not the HTTP name'],
  // RFC 959 4.2.
  [text('220 ProFTPD Server\r\n'), 'ftp', 'ready'],
  [text('220-Welcome\r\n'), 'ftp', 'multi-line greeting'],
  [text('421 Too many users\r\n'), 'ftp', 'not available'],
  [text('230 Logged in\r\n'), 'unknown', 'a reply that never greets'],
  [text('2200 x'), 'unknown', 'four digits'],
  [text('22'), 'unknown', 'truncated code'],
  // RFC 4253 4.2.
  [text('SSH-2.0-OpenSSH_9.6\r\n'), 'ssh', 'identification string'],
  [text('SSH-2.0'), 'unknown', 'truncated before the software version'],
  // rsync csprotocol.txt.
  [text('@RSYNCD: 31.0 sha512 sha256 sha1 md5 md4\n'), 'rsync', 'daemon greeting'],
  [text('@RSYNCD: 29\n'), 'rsync', 'greeting without a sub-version'],
  [text('@RSYNCD: OK\n'), 'unknown', 'an answer, not a greeting'],
  // RFC 1002 4.3.1 session message carrying SMB2 / SMB1.
  [hex('00 0000f8 fe 534d42 40000000'), 'smb', 'SMB2 header'],
  [hex('00 000055 ff 534d42 72'), 'smb', 'SMB1 header'],
  [hex('00 0000f8 fe 534d'), 'unknown', 'truncated protocol id'],
  [hex('00 0000f8 fe 584d42'), 'unknown', 'not "SMB"'],
];

test('first bytes are classified by their protocol structure, anchored at the first byte', () => {
  for (const [bytes, kind, why] of CASES) assert.equal(classifyFirstBytes(bytes.subarray(0, FIRST_BYTES)), kind, why);
});

test('a shape found later than the first byte is not that protocol', () => {
  assert.equal(classifyFirstBytes(text(' HTTP/1.1 200 OK')), 'unknown');
  assert.equal(classifyFirstBytes(text('x220 ready\r\n')), 'unknown');
  assert.equal(classifyFirstBytes(Buffer.concat([hex('00'), hex('15 03 03 0002 02 46')])), 'unknown');
});

test('arbitrary bytes always get a kind, never a throw', () => {
  const kinds = new Set<FirstBytesKind>(['none', 'dicom', 'tls', 'http', 'ftp', 'smb', 'ssh', 'rsync', 'unknown']);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: FIRST_BYTES }), (bytes) => kinds.has(classifyFirstBytes(Buffer.from(bytes)))),
    { numRuns: 2000 },
  );
});
