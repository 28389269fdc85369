/**
 * Seeds for the SMB targets: responses laid out as MS-SMB2 2.2, MS-NLMP 2.2.1.2
 * and C706 12.6 say, built with the codecs' test fixtures, with made-up names.
 */
import { Command, SMB2_HEADER_LENGTH } from '../../src/protocols/smb/smb2.ts';
import { bindAckBody, challenge, dceHeader, directoryEntry, response, shareEnumStub, u32s } from '../protocols/smb/fixtures.ts';

type Seeds = Record<string, Buffer>;

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
  const page = Buffer.concat([directoryEntry('.', 0, true, 72), directoryEntry('IM00001.dcm', 132_000, false, 96), directoryEntry('scans', 0, true, 0)]);
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

export function dcerpcSeeds(): Seeds {
  const stub = shareEnumStub();
  return {
    'bind-ack-accepted': dceHeader(12, bindAckBody(0)),
    'bind-ack-rejected': dceHeader(12, bindAckBody(2)),
    'bind-nak': dceHeader(13, Buffer.from([4, 0])),
    'response-share-enum': dceHeader(2, Buffer.concat([u32s(stub.length, 0), stub])),
    'fault': dceHeader(3, u32s(0, 0, 0x1c010003)),
    'share-enum-stub': stub,
  };
}
