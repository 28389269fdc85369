/**
 * Builders of the SMB responses the codecs read, laid out as MS-SMB2 2.2,
 * MS-NLMP 2.2.1.2 and C706 12.6 / MS-SRVS 3.1.4.8 say, with made-up names:
 * shared by the codecs' tests and the fuzz seeds.
 */
import { ndrString } from '../../../src/protocols/smb/dcerpc.ts';
import { encodeUuid, NDR_UUID } from '../../../src/protocols/smb/dcerpc.ts';
import { NTLM_FLAG } from '../../../src/protocols/smb/ntlmssp.ts';
import { encodeHeader } from '../../../src/protocols/smb/smb2.ts';

export function u32s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32LE(v >>> 0, i * 4));
  return b;
}

/** A response header (MS-SMB2 2.2.1.2) with the server-to-redirector flag, and a body. */
export function response(command: number, body: Buffer, status = 0): Buffer {
  const h = encodeHeader({ creditCharge: 1, command, credits: 1, messageId: 7n, treeId: 5, sessionId: 0x1122n });
  h.writeUInt32LE(status >>> 0, 8);
  h.writeUInt32LE(1, 16);
  return Buffer.concat([h, body]);
}

/** One FILE_DIRECTORY_INFORMATION entry (MS-FSCC 2.4.10), `next` bytes long when that is more than it needs. */
export function directoryEntry(name: string, size: number, dir: boolean, next: number): Buffer {
  const n = Buffer.from(name, 'utf16le');
  const e = Buffer.alloc(Math.max(next, 64 + n.length));
  e.writeUInt32LE(next, 0);
  e.writeBigUInt64LE(BigInt(size), 40);
  e.writeUInt32LE(dir ? 0x10 : 0x20, 56);
  e.writeUInt32LE(n.length, 60);
  n.copy(e, 64);
  return e;
}

export function avPair(id: number, value: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16LE(id, 0);
  h.writeUInt16LE(value.length, 2);
  return Buffer.concat([h, value]);
}

/**
 * MS-NLMP 2.2.1.2 CHALLENGE with target info NB computer "FILESRV", NB domain "CLINIC",
 * DNS "filesrv.clinic.test", and version 10.0.17763 unless `withVersion` is false.
 */
export function challenge(withVersion = true): Buffer {
  const ti = Buffer.concat([
    avPair(1, Buffer.from('FILESRV', 'utf16le')),
    avPair(2, Buffer.from('CLINIC', 'utf16le')),
    avPair(3, Buffer.from('filesrv.clinic.test', 'utf16le')),
    avPair(0, Buffer.alloc(0)),
  ]);
  const head = Buffer.alloc(56);
  head.write('NTLMSSP\0', 0, 'latin1');
  head.writeUInt32LE(2, 8);
  head.writeUInt32LE((NTLM_FLAG.UNICODE | NTLM_FLAG.TARGET_INFO | (withVersion ? NTLM_FLAG.VERSION : 0)) >>> 0, 20);
  Buffer.from('0102030405060708', 'hex').copy(head, 24);
  head.writeUInt16LE(ti.length, 40);
  head.writeUInt16LE(ti.length, 42);
  head.writeUInt32LE(56, 44);
  if (withVersion) {
    head.writeUInt8(10, 48);
    head.writeUInt8(0, 49);
    head.writeUInt16LE(17763, 50);
  }
  return Buffer.concat([head, ti]);
}

/** C706 12.6.3.1 common header: version 5.0, first and last fragment, little-endian NDR, call 1. */
export function dceHeader(ptype: number, body: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h[0] = 5;
  h[2] = ptype;
  h[3] = 3;
  h.writeUInt32LE(0x10, 4);
  h.writeUInt16LE(16 + body.length, 8);
  h.writeUInt32LE(1, 12);
  return Buffer.concat([h, body]);
}

/**
 * C706 12.6.4.4 bind_ack body for one context on \PIPE\srvsvc: `result` 0 accepts it
 * with NDR, any other is a provider rejection with reason 2.
 */
export function bindAckBody(result: number): Buffer {
  const secAddr = Buffer.from('\\PIPE\\srvsvc\0', 'latin1');
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16LE(4280, 0); // max_xmit_frag
  fixed.writeUInt16LE(4280, 2); // max_recv_frag
  fixed.writeUInt16LE(secAddr.length, 8);
  const pad = Buffer.alloc((4 - ((16 + 10 + secAddr.length) % 4)) % 4);
  const results = Buffer.alloc(4 + 24);
  results[0] = 1; // n_results
  results.writeUInt16LE(result, 4);
  results.writeUInt16LE(result === 0 ? 0 : 2, 6);
  encodeUuid(NDR_UUID).copy(results, 8);
  results.writeUInt32LE(2, 24);
  return Buffer.concat([fixed, secAddr, pad, results]);
}

/** C706 14.3.4.2 conformant varying string of UTF-16 units, NUL included, padded to 4. */
export { ndrString };

/** NetrShareEnum level 1 response stub with shares scans (disk), IPC$ (IPC, special). */
export function shareEnumStub(): Buffer {
  return Buffer.concat([
    u32s(1, 1, 0x20000, 2, 0x20004, 2),
    u32s(0x20008, 0, 0x2000c),
    u32s(0x20010, 0x80000003, 0x20014),
    ndrString('scans'),
    ndrString('Images'),
    ndrString('IPC$'),
    ndrString('IPC Service'),
    u32s(2, 0x20018, 0, 0),
  ]);
}
