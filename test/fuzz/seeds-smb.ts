/**
 * Seeds for the SMB targets: responses laid out as MS-SMB2 2.2, MS-NLMP 2.2.1.2
 * and C706 12.6 say, with made-up names (the same shapes the codecs' tests build).
 */
import { encodeUuid, NDR_UUID } from '../../src/protocols/smb/dcerpc.ts';
import { NTLM_FLAG } from '../../src/protocols/smb/ntlmssp.ts';
import { Command, encodeHeader, SMB2_HEADER_LENGTH } from '../../src/protocols/smb/smb2.ts';

type Seeds = Record<string, Buffer>;

function u32s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32LE(v >>> 0, i * 4));
  return b;
}

/** A response header (MS-SMB2 2.2.1.2, SERVER_TO_REDIR) and a body. */
function response(command: number, body: Buffer, status = 0): Buffer {
  const h = encodeHeader({ creditCharge: 1, command, credits: 1, messageId: 3n, treeId: 5, sessionId: 0x1122n });
  h.writeUInt32LE(status >>> 0, 8);
  h.writeUInt32LE(1, 16);
  return Buffer.concat([h, body]);
}

function avPair(id: number, value: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16LE(id, 0);
  h.writeUInt16LE(value.length, 2);
  return Buffer.concat([h, value]);
}

/** MS-NLMP 2.2.1.2 CHALLENGE_MESSAGE naming server FILESRV in domain CLINIC, Windows 10.0.17763. */
export function challenge(withVersion = true): Buffer {
  const ti = Buffer.concat([
    avPair(1, Buffer.from('FILESRV', 'utf16le')),
    avPair(2, Buffer.from('CLINIC', 'utf16le')),
    avPair(3, Buffer.from('filesrv.clinic.test', 'utf16le')),
    avPair(4, Buffer.from('clinic.test', 'utf16le')),
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
    head.writeUInt16LE(17763, 50);
  }
  return Buffer.concat([head, ti]);
}

function negotiate(): Buffer {
  const spnego = Buffer.from('604806062b0601050502a03e303ca00e300c060a2b06010401823702020aa32a3028a0261b246e6f745f646566696e65645f696e5f5246433431373840706c656173655f69676e6f7265', 'hex');
  const body = Buffer.alloc(64);
  body.writeUInt16LE(65, 0);
  body.writeUInt16LE(0x1, 2); // signing enabled
  body.writeUInt16LE(0x0311, 4);
  Buffer.from('00112233445566778899aabbccddeeff', 'hex').copy(body, 8);
  body.writeUInt32LE(8 * 1024 * 1024, 32); // MaxReadSize
  body.writeUInt16LE(SMB2_HEADER_LENGTH + 64, 56);
  body.writeUInt16LE(spnego.length, 58);
  return response(Command.NEGOTIATE, Buffer.concat([body, spnego]));
}

function sessionSetup(): Buffer {
  const token = challenge();
  const body = Buffer.alloc(8);
  body.writeUInt16LE(9, 0);
  body.writeUInt16LE(0x1, 2); // IS_GUEST
  body.writeUInt16LE(SMB2_HEADER_LENGTH + 8, 4);
  body.writeUInt16LE(token.length, 6);
  return response(Command.SESSION_SETUP, Buffer.concat([body, token]), 0xc0000016);
}

function create(): Buffer {
  const body = Buffer.alloc(88 + 32);
  body.writeUInt16LE(89, 0);
  body.writeBigUInt64LE(4096n, 48);
  body.writeUInt32LE(0x20, 56);
  Buffer.alloc(16, 0xab).copy(body, 64);
  body.writeUInt32LE(SMB2_HEADER_LENGTH + 88, 80);
  body.writeUInt32LE(32, 84);
  body.writeUInt16LE(16, 88 + 4); // NameOffset
  body.writeUInt16LE(4, 88 + 6); // NameLength
  body.writeUInt16LE(24, 88 + 10); // DataOffset
  body.writeUInt32LE(8, 88 + 12); // DataLength
  body.write('MxAc', 88 + 16, 'latin1');
  body.writeUInt32LE(0x001200a9, 88 + 28);
  return response(Command.CREATE, body);
}

function queryDirectory(): Buffer {
  const entry = (name: string, size: number, dir: boolean, next: number): Buffer => {
    const n = Buffer.from(name, 'utf16le');
    const e = Buffer.alloc(Math.max(next, 64 + n.length));
    e.writeUInt32LE(next, 0);
    e.writeBigUInt64LE(BigInt(size), 40);
    e.writeUInt32LE(dir ? 0x10 : 0x20, 56);
    e.writeUInt32LE(n.length, 60);
    n.copy(e, 64);
    return e;
  };
  const page = Buffer.concat([entry('.', 0, true, 72), entry('IM00001.dcm', 132_000, false, 96), entry('scans', 0, true, 0)]);
  const body = Buffer.alloc(8);
  body.writeUInt16LE(9, 0);
  body.writeUInt16LE(SMB2_HEADER_LENGTH + 8, 2);
  body.writeUInt32LE(page.length, 4);
  return response(Command.QUERY_DIRECTORY, Buffer.concat([body, page]));
}

export function smb2Seeds(): Seeds {
  const tree = Buffer.alloc(16);
  tree.writeUInt16LE(16, 0);
  tree.writeUInt8(1, 2);
  tree.writeUInt32LE(0x001200a9, 12);
  const read = Buffer.alloc(16 + 132);
  read.writeUInt16LE(17, 0);
  read.writeUInt8(SMB2_HEADER_LENGTH + 16, 2);
  read.writeUInt32LE(132, 4);
  read.write('DICM', 16 + 128, 'latin1');
  const error = Buffer.alloc(9);
  error.writeUInt16LE(9, 0);
  return {
    negotiate: negotiate(),
    'session-setup-challenge': sessionSetup(),
    'tree-connect': response(Command.TREE_CONNECT, tree),
    'create-mxac': create(),
    'read-dicm': response(Command.READ, read),
    'query-directory': queryDirectory(),
    'access-denied': response(Command.TREE_CONNECT, error, 0xc0000022),
  };
}

export function ntlmsspSeeds(): Seeds {
  return {
    'challenge-with-version': challenge(true),
    'challenge-without-version': challenge(false),
    'target-info-only': challenge().subarray(56),
  };
}

function dceHeader(ptype: number, body: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h[0] = 5;
  h[2] = ptype;
  h[3] = 3;
  h.writeUInt32LE(0x10, 4);
  h.writeUInt16LE(16 + body.length, 8);
  h.writeUInt32LE(1, 12);
  return Buffer.concat([h, body]);
}

function ndrString(s: string): Buffer {
  const chars = Buffer.from(`${s}\0`, 'utf16le');
  return Buffer.concat([u32s(chars.length / 2, 0, chars.length / 2), chars, Buffer.alloc((4 - (chars.length % 4)) % 4)]);
}

/** NetrShareEnum level 1 response stub (MS-SRVS 3.1.4.8): shares "scans" (disk) and IPC$ (special). */
function shareEnumStub(): Buffer {
  return Buffer.concat([
    u32s(1, 1, 0x20000, 2, 0x20004, 2),
    u32s(0x20008, 0, 0x2000c),
    u32s(0x20010, 0x80000003, 0x20014),
    ndrString('scans'),
    ndrString('Scanned images'),
    ndrString('IPC$'),
    ndrString('IPC Service'),
    u32s(2, 0x20018, 0, 0),
  ]);
}

function bindAck(result: number): Buffer {
  const secAddr = Buffer.from('\\PIPE\\srvsvc\0', 'latin1');
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16LE(4280, 0);
  fixed.writeUInt16LE(4280, 2);
  fixed.writeUInt16LE(secAddr.length, 8);
  const pad = Buffer.alloc((4 - ((16 + 10 + secAddr.length) % 4)) % 4);
  const results = Buffer.alloc(4 + 24);
  results[0] = 1;
  results.writeUInt16LE(result, 4);
  results.writeUInt16LE(result === 0 ? 0 : 2, 6);
  encodeUuid(NDR_UUID).copy(results, 8);
  results.writeUInt32LE(2, 24);
  return dceHeader(12, Buffer.concat([fixed, secAddr, pad, results]));
}

export function dcerpcSeeds(): Seeds {
  const stub = shareEnumStub();
  return {
    'bind-ack-accepted': bindAck(0),
    'bind-ack-rejected': bindAck(2),
    'bind-nak': dceHeader(13, Buffer.from([4, 0])),
    'response-share-enum': dceHeader(2, Buffer.concat([u32s(stub.length, 0), stub])),
    'fault': dceHeader(3, u32s(0, 0, 0x1c010003)),
    'share-enum-stub': stub,
  };
}
