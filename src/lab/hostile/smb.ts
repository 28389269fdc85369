/**
 * An SMB2 server in the smallest form that lets a client list shares
 * (MS-SMB2 3.3): NEGOTIATE to 2.1, an NTLMSSP session for anyone (MS-NLMP
 * 3.2.5), IPC$ and the srvsvc pipe, DCE/RPC bind and NetrShareEnum level 1
 * (MS-SRVS 3.1.4.8). The hostile part is in the names: the server's NetBIOS
 * and DNS names and every share name are text chosen by the persona. Every
 * share but IPC$ refuses a tree connect, so nothing is walked.
 *
 * The client side of these messages is protocols/smb/; the server side lives
 * here, the only place that plays it.
 */
import { encodeUuid, NDR_UUID, ndrString } from '../../protocols/smb/dcerpc.ts';
import { Command, frame, Status } from '../../protocols/smb/smb2.ts';
import type { Step } from './script.ts';

export interface SmbText {
  readonly netbiosComputerName: string;
  readonly netbiosDomainName: string;
  readonly dnsComputerName: string;
  /** Disk shares srvsvc lists (MS-SRVS 2.2.2.4 STYPE_DISKTREE). */
  readonly shares: readonly string[];
}

const SMB2_DIALECT_2_1 = 0x0210;
const FLAGS_SERVER_TO_REDIR = 0x1;
const HEADER = 64;

interface Request {
  readonly command: number;
  readonly messageId: bigint;
  readonly treeId: number;
  readonly sessionId: bigint;
  readonly body: Buffer;
}

/** MS-SMB2 2.2.1.2 SYNC header of a response. */
function header(r: Request, status: number, ids: { treeId?: number; sessionId?: bigint } = {}): Buffer {
  const h = Buffer.alloc(HEADER);
  h.write('\xfeSMB', 0, 'latin1');
  h.writeUInt16LE(64, 4);
  h.writeUInt16LE(1, 6); // CreditCharge
  h.writeUInt32LE(status >>> 0, 8);
  h.writeUInt16LE(r.command, 12);
  h.writeUInt16LE(32, 14); // CreditResponse
  h.writeUInt32LE(FLAGS_SERVER_TO_REDIR, 16);
  h.writeBigUInt64LE(r.messageId, 24);
  h.writeUInt32LE(ids.treeId ?? r.treeId, 36);
  h.writeBigUInt64LE(ids.sessionId ?? r.sessionId, 40);
  return h;
}

function respond(r: Request, status: number, body: Buffer, ids?: { treeId?: number; sessionId?: bigint }): Step {
  return { send: frame(Buffer.concat([header(r, status, ids), body])) };
}

/** MS-SMB2 2.2.2 ERROR response. */
function error(r: Request, status: number): Step {
  const b = Buffer.alloc(9);
  b.writeUInt16LE(9, 0);
  return respond(r, status, b);
}

/** MS-SMB2 2.2.4: dialect 2.1, signing enabled and not required, no security blob (the client starts NTLMSSP itself). */
function negotiateResponse(): Buffer {
  const b = Buffer.alloc(65); // StructureSize 65 counts one byte of the (empty) buffer
  b.writeUInt16LE(65, 0);
  b.writeUInt16LE(0x0001, 2); // SecurityMode: signing enabled
  b.writeUInt16LE(SMB2_DIALECT_2_1, 4);
  Buffer.from('exposure-hostile', 'latin1').copy(b, 8); // ServerGuid
  b.writeUInt32LE(65536, 28); // MaxTransactSize
  b.writeUInt32LE(65536, 32); // MaxReadSize
  b.writeUInt32LE(65536, 36); // MaxWriteSize
  b.writeUInt16LE(HEADER + 64, 56); // SecurityBufferOffset
  return b;
}

/** MS-NLMP 2.2.2.1 AV_PAIRs: the server's names, then MsvAvEOL. */
function targetInfo(text: SmbText): Buffer {
  const pair = (id: number, value: string): Buffer => {
    const v = Buffer.from(value, 'utf16le');
    const h = Buffer.alloc(4);
    h.writeUInt16LE(id, 0);
    h.writeUInt16LE(v.length, 2);
    return Buffer.concat([h, v]);
  };
  return Buffer.concat([pair(1, text.netbiosComputerName), pair(2, text.netbiosDomainName), pair(3, text.dnsComputerName), Buffer.alloc(4)]);
}

/** MS-NLMP 2.2.1.2 CHALLENGE_MESSAGE with target info and a VERSION. */
function challenge(text: SmbText): Buffer {
  const name = Buffer.from(text.netbiosDomainName, 'utf16le');
  const info = targetInfo(text);
  const b = Buffer.alloc(56);
  b.write('NTLMSSP\0', 0, 'latin1');
  b.writeUInt32LE(2, 8);
  b.writeUInt16LE(name.length, 12);
  b.writeUInt16LE(name.length, 14);
  b.writeUInt32LE(56, 16);
  b.writeUInt32LE(0xe2898215, 20); // NegotiateFlags: unicode, NTLM, target info, version, 128/56-bit …
  Buffer.from('hostile!', 'latin1').copy(b, 24); // ServerChallenge
  b.writeUInt16LE(info.length, 40);
  b.writeUInt16LE(info.length, 42);
  b.writeUInt32LE(56 + name.length, 44);
  Buffer.from([10, 0, 0x63, 0x45, 0, 0, 0, 15]).copy(b, 48); // Version 10.0.17763, NTLM revision 15
  return Buffer.concat([b, name, info]);
}

/** MS-SMB2 2.2.6 SESSION_SETUP response. */
function sessionSetupResponse(flags: number, blob: Buffer): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16LE(9, 0);
  b.writeUInt16LE(flags, 2);
  b.writeUInt16LE(HEADER + 8, 4);
  b.writeUInt16LE(blob.length, 6);
  return Buffer.concat([b, blob.length > 0 ? blob : Buffer.alloc(1)]);
}

/** MS-SMB2 2.2.10 TREE_CONNECT response for a named pipe share (IPC$). */
function treeConnectPipe(): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(16, 0);
  b.writeUInt8(0x02, 2); // ShareType: pipe
  b.writeUInt32LE(0x001f01ff, 12); // MaximalAccess
  return b;
}

const PIPE_FILE_ID = Buffer.from('0123456789abcdef', 'latin1');

/** MS-SMB2 2.2.14 CREATE response for the srvsvc pipe. */
function createResponse(): Buffer {
  const b = Buffer.alloc(89);
  b.writeUInt16LE(89, 0);
  b.writeUInt32LE(1, 4); // CreateAction: opened
  b.writeUInt32LE(0x80, 56); // FileAttributes: normal
  PIPE_FILE_ID.copy(b, 64);
  return b;
}

function closeResponse(): Buffer {
  const b = Buffer.alloc(60);
  b.writeUInt16LE(60, 0);
  return b;
}

/** MS-SMB2 2.2.22 WRITE response: all of it written. */
function writeResponse(count: number): Buffer {
  const b = Buffer.alloc(17);
  b.writeUInt16LE(17, 0);
  b.writeUInt32LE(count, 4);
  return b;
}

/** MS-SMB2 2.2.20 READ response, data right after the body. */
function readResponse(data: Buffer): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(17, 0);
  b.writeUInt8(HEADER + 16, 2);
  b.writeUInt32LE(data.length, 4);
  return Buffer.concat([b, data]);
}

/** C706 12.6.3.1 common header, little-endian NDR. */
function rpcHeader(ptype: number, length: number, callId: number): Buffer {
  const h = Buffer.alloc(16);
  h[0] = 5;
  h[2] = ptype;
  h[3] = 0x03; // first and last fragment
  h.writeUInt32LE(0x10, 4);
  h.writeUInt16LE(length, 8);
  h.writeUInt32LE(callId, 12);
  return h;
}

/** C706 12.6.4.4 bind_ack: our one context accepted with NDR. */
function bindAck(callId: number): Buffer {
  const port = Buffer.from('\\PIPE\\srvsvc\0', 'latin1');
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16LE(4280, 0);
  fixed.writeUInt16LE(4280, 2);
  fixed.writeUInt32LE(0x1234, 4); // assoc_group_id
  fixed.writeUInt16LE(port.length, 8);
  const beforePad = 16 + fixed.length + port.length;
  const pad = Buffer.alloc((4 - (beforePad % 4)) % 4);
  const result = Buffer.alloc(4 + 4 + 20);
  result.writeUInt8(1, 0); // n_results
  encodeUuid(NDR_UUID).copy(result, 8);
  result.writeUInt32LE(2, 24);
  const body = Buffer.concat([fixed, port, pad, result]);
  return Buffer.concat([rpcHeader(12, 16 + body.length, callId), body]);
}

/** MS-SRVS 3.1.4.8 NetrShareEnum response stub, level 1: the shares, no remarks, WERROR 0. */
function shareEnumStub(shares: readonly string[]): Buffer {
  const u32 = (...values: number[]): Buffer => {
    const b = Buffer.alloc(values.length * 4);
    values.forEach((v, i) => b.writeUInt32LE(v >>> 0, i * 4));
    return b;
  };
  const entries = shares.map((_, i) => u32(0x00020008 + i * 8, 0 /* STYPE_DISKTREE */, 0));
  return Buffer.concat([u32(1, 1, 0x00020000, shares.length, 0x00020004, shares.length), ...entries, ...shares.map(ndrString), u32(shares.length, 0, 0)]);
}

/** C706 12.6.4.10 response carrying `stub`. */
function rpcResponse(callId: number, stub: Buffer): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt32LE(stub.length, 0);
  return Buffer.concat([rpcHeader(2, 24 + stub.length, callId), body, stub]);
}

function parse(message: Buffer): Request | undefined {
  if (message.length < 4 + HEADER || message.readUInt32BE(4) !== 0xfe534d42) return undefined;
  const m = message.subarray(4);
  return { command: m.readUInt16LE(12), messageId: m.readBigUInt64LE(24), treeId: m.readUInt32LE(36), sessionId: m.readBigUInt64LE(40), body: m.subarray(HEADER) };
}

/** The UNC path of a TREE_CONNECT request (MS-SMB2 2.2.9), as the share name after the last backslash. */
function shareOf(r: Request): string {
  const offset = r.body.readUInt16LE(4) - HEADER;
  const length = r.body.readUInt16LE(6);
  const path = r.body.subarray(offset, offset + length).toString('utf16le');
  return path.slice(path.lastIndexOf('\\') + 1);
}

const IPC_TREE = 1;

/** One connection: every request answered at once, sessions for anyone (guest), srvsvc listing `text.shares`. */
export function smbServer(text: SmbText): Step[] {
  let sessions = 0;
  /** What the next READ on the pipe returns: the answer to the last DCE/RPC PDU written. */
  let pipe: Buffer = Buffer.alloc(0);
  const answer = (message: Buffer): readonly Step[] => {
    const r = parse(message);
    if (r === undefined) return [{ close: true }];
    switch (r.command) {
      case Command.NEGOTIATE:
        return [respond(r, Status.SUCCESS, negotiateResponse())];
      case Command.SESSION_SETUP: {
        if (r.sessionId === 0n) {
          sessions += 1;
          return [respond(r, Status.MORE_PROCESSING_REQUIRED, sessionSetupResponse(0, challenge(text)), { sessionId: BigInt(0x1000 + sessions) })];
        }
        return [respond(r, Status.SUCCESS, sessionSetupResponse(0x1 /* IS_GUEST */, Buffer.alloc(0)))];
      }
      case Command.TREE_CONNECT:
        return shareOf(r).toUpperCase() === 'IPC$' ? [respond(r, Status.SUCCESS, treeConnectPipe(), { treeId: IPC_TREE })] : [error(r, Status.ACCESS_DENIED)];
      case Command.CREATE:
        return r.treeId === IPC_TREE ? [respond(r, Status.SUCCESS, createResponse())] : [error(r, Status.ACCESS_DENIED)];
      case Command.WRITE: {
        // MS-SMB2 2.2.21: DataOffset (from the header's start) and Length; the data is one DCE/RPC PDU.
        const data = r.body.subarray(r.body.readUInt16LE(2) - HEADER, r.body.readUInt16LE(2) - HEADER + r.body.readUInt32LE(4));
        const callId = data.length >= 16 ? data.readUInt32LE(12) : 0;
        pipe = data[2] === 11 ? bindAck(callId) : rpcResponse(callId, shareEnumStub(text.shares));
        return [respond(r, Status.SUCCESS, writeResponse(data.length))];
      }
      case Command.READ:
        return [respond(r, Status.SUCCESS, readResponse(pipe))];
      case Command.CLOSE:
        return [respond(r, Status.SUCCESS, closeResponse())];
      default:
        return [error(r, Status.ACCESS_DENIED)];
    }
  };
  return [{ serve: { smb2: true }, answer }];
}
