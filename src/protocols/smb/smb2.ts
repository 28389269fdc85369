/**
 * SMB2/3 messages (MS-SMB2 2.2) a read-only client needs: NEGOTIATE,
 * SESSION_SETUP, TREE_CONNECT, CREATE, CLOSE, READ, WRITE, QUERY_DIRECTORY.
 * Pure: buffers in, values or error values out. Framing is the Direct TCP
 * transport (MS-SMB2 2.1): a zero byte and a 24-bit big-endian length.
 */
import { randomBytes } from 'node:crypto';
import { Cursor, decodeWith, failure, type Decoded } from './cursor.ts';

export const SMB2_HEADER_LENGTH = 64;
const PROTOCOL_ID = Buffer.from([0xfe, 0x53, 0x4d, 0x42]);

/** MS-SMB2 2.2.1.2 Command values. */
export const Command = {
  NEGOTIATE: 0,
  SESSION_SETUP: 1,
  LOGOFF: 2,
  TREE_CONNECT: 3,
  TREE_DISCONNECT: 4,
  CREATE: 5,
  CLOSE: 6,
  READ: 8,
  WRITE: 9,
  QUERY_DIRECTORY: 14,
} as const;

/** MS-ERREF 2.3.1 NTSTATUS values the client acts on. */
export const Status = {
  SUCCESS: 0x00000000,
  PENDING: 0x00000103,
  BUFFER_OVERFLOW: 0x80000005,
  NO_MORE_FILES: 0x80000006,
  MORE_PROCESSING_REQUIRED: 0xc0000016,
  ACCESS_DENIED: 0xc0000022,
  LOGON_FAILURE: 0xc000006d,
  BAD_NETWORK_NAME: 0xc00000cc,
  OBJECT_NAME_NOT_FOUND: 0xc0000034,
  END_OF_FILE: 0xc0000011,
  MEDIA_WRITE_PROTECTED: 0xc00000a2,
} as const;

export const HeaderFlag = { SERVER_TO_REDIR: 0x1, ASYNC_COMMAND: 0x2, SIGNED: 0x8 } as const;

export interface Smb2Header {
  readonly creditCharge: number;
  readonly status: number;
  readonly command: number;
  readonly credits: number;
  readonly flags: number;
  readonly nextCommand: number;
  readonly messageId: bigint;
  readonly treeId: number;
  readonly sessionId: bigint;
}

export interface Smb2Message {
  readonly header: Smb2Header;
  /** The whole message (header included): offsets in bodies count from its start. */
  readonly bytes: Buffer;
}

/** MS-SMB2 2.2.1.2 SYNC header. */
export function encodeHeader(h: Omit<Smb2Header, 'status' | 'flags' | 'nextCommand'>): Buffer {
  const b = Buffer.alloc(SMB2_HEADER_LENGTH);
  PROTOCOL_ID.copy(b, 0);
  b.writeUInt16LE(64, 4);
  b.writeUInt16LE(h.creditCharge, 6);
  b.writeUInt16LE(h.command, 12);
  b.writeUInt16LE(h.credits, 14);
  b.writeBigUInt64LE(h.messageId, 24);
  b.writeUInt32LE(h.treeId, 36);
  b.writeBigUInt64LE(h.sessionId, 40);
  return b;
}

export function decodeMessage(bytes: Buffer): Decoded<Smb2Message> {
  return decodeWith(() => {
    const c = new Cursor(bytes);
    if (!c.bytes(4, 'ProtocolId').equals(PROTOCOL_ID)) throw failure('bad-signature', 'ProtocolId', 0, 'not an SMB2 header (0xFE "SMB")');
    const size = c.u16('StructureSize');
    if (size !== 64) throw failure('bad-structure', 'StructureSize', 4, `${size} where 64 belongs`);
    const creditCharge = c.u16('CreditCharge');
    const status = c.u32('Status');
    const command = c.u16('Command');
    const credits = c.u16('CreditResponse');
    const flags = c.u32('Flags');
    const nextCommand = c.u32('NextCommand');
    const messageId = c.u64('MessageId');
    // ASYNC header (2.2.1.1) puts an AsyncId over Reserved and TreeId.
    c.skip(4, 'Reserved');
    const treeIdField = c.u32('TreeId');
    const treeId = (flags & HeaderFlag.ASYNC_COMMAND) !== 0 ? 0 : treeIdField;
    const sessionId = c.u64('SessionId');
    c.skip(16, 'Signature');
    return { header: { creditCharge, status, command, credits, flags, nextCommand, messageId, treeId, sessionId }, bytes };
  });
}

/** Direct TCP transport frame (MS-SMB2 2.1). */
export function frame(message: Buffer): Buffer {
  const f = Buffer.alloc(4);
  f.writeUInt32BE(message.length & 0x00ffffff, 0);
  return Buffer.concat([f, message]);
}

/** The length of the next frame's message, or undefined if fewer than 4 bytes are buffered. */
export function frameLength(buf: Buffer): Decoded<number | undefined> {
  return decodeWith(() => {
    if (buf.length < 4) return undefined;
    if (buf[0] !== 0) throw failure('bad-signature', 'transport header', 0, 'first byte is not zero');
    return buf.readUInt32BE(0) & 0x00ffffff;
  });
}

/** Body of a response, after the header; checks the StructureSize the command must have. */
function body(m: Smb2Message, size: number, what: string): Cursor {
  const c = new Cursor(m.bytes, SMB2_HEADER_LENGTH);
  const got = c.u16(`${what} StructureSize`);
  if (got !== size) throw failure('bad-structure', `${what} StructureSize`, SMB2_HEADER_LENGTH, `${got} where ${size} belongs`);
  return c;
}

/* ---------- NEGOTIATE (2.2.3, 2.2.4) ---------- */

const DIALECTS = [0x0202, 0x0210, 0x0300, 0x0302, 0x0311] as const;

export function dialectName(d: number): string {
  return ({ 0x0202: '2.0.2', 0x0210: '2.1', 0x0300: '3.0', 0x0302: '3.0.2', 0x0311: '3.1.1', 0x02ff: '2.???' } as Record<number, string>)[d] ?? `0x${d.toString(16).padStart(4, '0')}`;
}

/** 2.2.3: signing enabled, no capabilities; a PREAUTH_INTEGRITY context (2.2.3.1.1) for 3.1.1. */
export function negotiateRequest(): Buffer {
  const dialects = Buffer.alloc(DIALECTS.length * 2);
  DIALECTS.forEach((d, i) => dialects.writeUInt16LE(d, i * 2));
  const fixed = Buffer.alloc(36);
  fixed.writeUInt16LE(36, 0);
  fixed.writeUInt16LE(DIALECTS.length, 2);
  fixed.writeUInt16LE(0x0001, 4); // SMB2_NEGOTIATE_SIGNING_ENABLED
  fixed.writeUInt32LE(0, 8); // Capabilities
  randomBytes(16).copy(fixed, 12); // ClientGuid
  const beforeContexts = SMB2_HEADER_LENGTH + 36 + dialects.length;
  const pad = Buffer.alloc((8 - (beforeContexts % 8)) % 8);
  const salt = randomBytes(32);
  const ctx = Buffer.alloc(8 + 6 + salt.length);
  ctx.writeUInt16LE(0x0001, 0); // SMB2_PREAUTH_INTEGRITY_CAPABILITIES
  ctx.writeUInt16LE(6 + salt.length, 2);
  ctx.writeUInt16LE(1, 8); // HashAlgorithmCount
  ctx.writeUInt16LE(salt.length, 10);
  ctx.writeUInt16LE(0x0001, 12); // SHA-512
  salt.copy(ctx, 14);
  fixed.writeUInt32LE(beforeContexts + pad.length, 28); // NegotiateContextOffset
  fixed.writeUInt16LE(1, 32); // NegotiateContextCount
  return Buffer.concat([fixed, dialects, pad, ctx]);
}

export interface NegotiateResponse {
  readonly dialect: number;
  readonly signingEnabled: boolean;
  readonly signingRequired: boolean;
  readonly serverGuid: string;
  readonly maxReadSize: number;
  readonly securityBuffer: Buffer;
}

export function decodeNegotiateResponse(m: Smb2Message): Decoded<NegotiateResponse> {
  return decodeWith(() => {
    const c = body(m, 65, 'NEGOTIATE response');
    const securityMode = c.u16('SecurityMode');
    const dialect = c.u16('DialectRevision');
    c.skip(2, 'NegotiateContextCount');
    const serverGuid = c.bytes(16, 'ServerGuid').toString('hex');
    c.skip(4, 'Capabilities');
    c.skip(4, 'MaxTransactSize');
    const maxReadSize = c.u32('MaxReadSize');
    c.skip(4, 'MaxWriteSize');
    c.skip(16, 'SystemTime and ServerStartTime');
    const off = c.u16('SecurityBufferOffset');
    const len = c.u16('SecurityBufferLength');
    const securityBuffer = len > 0 ? Buffer.from(c.at(off, len, 'SecurityBuffer')) : Buffer.alloc(0);
    return { dialect, signingEnabled: (securityMode & 1) !== 0, signingRequired: (securityMode & 2) !== 0, serverGuid, maxReadSize, securityBuffer };
  });
}

/* ---------- SESSION_SETUP (2.2.5, 2.2.6) ---------- */

export function sessionSetupRequest(securityBuffer: Buffer): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt16LE(25, 0);
  b.writeUInt8(0x01, 3); // SecurityMode: signing enabled
  b.writeUInt16LE(SMB2_HEADER_LENGTH + 24, 12);
  b.writeUInt16LE(securityBuffer.length, 14);
  return Buffer.concat([b, securityBuffer]);
}

export interface SessionSetupResponse {
  /** 2.2.6: 0x1 IS_GUEST, 0x2 IS_NULL, 0x4 ENCRYPT_DATA. */
  readonly sessionFlags: number;
  readonly securityBuffer: Buffer;
}

export function decodeSessionSetupResponse(m: Smb2Message): Decoded<SessionSetupResponse> {
  return decodeWith(() => {
    const c = body(m, 9, 'SESSION_SETUP response');
    const sessionFlags = c.u16('SessionFlags');
    const off = c.u16('SecurityBufferOffset');
    const len = c.u16('SecurityBufferLength');
    return { sessionFlags, securityBuffer: len > 0 ? Buffer.from(c.at(off, len, 'SecurityBuffer')) : Buffer.alloc(0) };
  });
}

/* ---------- TREE_CONNECT (2.2.9, 2.2.10) ---------- */

export function treeConnectRequest(uncPath: string): Buffer {
  const path = Buffer.from(uncPath, 'utf16le');
  const b = Buffer.alloc(8);
  b.writeUInt16LE(9, 0);
  b.writeUInt16LE(SMB2_HEADER_LENGTH + 8, 4);
  b.writeUInt16LE(path.length, 6);
  return Buffer.concat([b, path]);
}

export interface TreeConnectResponse {
  /** 1 disk, 2 pipe, 3 print. */
  readonly shareType: number;
  readonly maximalAccess: number;
}

export function decodeTreeConnectResponse(m: Smb2Message): Decoded<TreeConnectResponse> {
  return decodeWith(() => {
    const c = body(m, 16, 'TREE_CONNECT response');
    const shareType = c.u8('ShareType');
    c.skip(1, 'Reserved');
    c.skip(8, 'ShareFlags and Capabilities');
    return { shareType, maximalAccess: c.u32('MaximalAccess') };
  });
}

/** MS-SMB2 2.2.13.1 access mask bits that mean "may change something". */
export const WRITE_ACCESS_MASK = 0x00000002 | 0x00000004 | 0x00000010 | 0x00000040 | 0x00010000 | 0x00040000 | 0x00080000 | 0x10000000 | 0x40000000;

/* ---------- CREATE (2.2.13, 2.2.14), CLOSE (2.2.15) ---------- */

export type CreateKind = 'directory' | 'file' | 'pipe' | 'new-empty-file';

const ACCESS: Record<CreateKind, number> = {
  directory: 0x00000001 | 0x00000080 | 0x00100000, // FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES | SYNCHRONIZE
  file: 0x00000001 | 0x00000080 | 0x00100000, // FILE_READ_DATA | FILE_READ_ATTRIBUTES | SYNCHRONIZE
  pipe: 0x0012019f, // read, write, attributes, EA, control, sync
  'new-empty-file': 0x00000002 | 0x00000080 | 0x00010000 | 0x00100000, // FILE_WRITE_DATA | READ_ATTRIBUTES | DELETE | SYNCHRONIZE
};

export function createRequest(name: string, kind: CreateKind, askMaximalAccess = false): Buffer {
  const nameBytes = Buffer.from(name, 'utf16le');
  const b = Buffer.alloc(56);
  b.writeUInt16LE(57, 0);
  b.writeUInt32LE(2, 4); // ImpersonationLevel: Impersonation
  b.writeUInt32LE(ACCESS[kind], 24);
  b.writeUInt32LE(0x00000007, 32); // ShareAccess: read | write | delete
  b.writeUInt32LE(kind === 'new-empty-file' ? 2 : 1, 36); // FILE_CREATE (fails if it exists) : FILE_OPEN
  // CreateOptions: FILE_DIRECTORY_FILE, FILE_NON_DIRECTORY_FILE, FILE_DELETE_ON_CLOSE (removed when closed).
  const options = kind === 'directory' ? 0x1 : kind === 'file' ? 0x40 : kind === 'new-empty-file' ? 0x40 | 0x1000 : 0;
  b.writeUInt32LE(options, 40);
  b.writeUInt16LE(SMB2_HEADER_LENGTH + 56, 44);
  b.writeUInt16LE(nameBytes.length, 46);
  // The buffer is never empty (StructureSize 57 counts one byte of it).
  const name8 = nameBytes.length > 0 ? nameBytes : Buffer.alloc(1);
  if (!askMaximalAccess) return Buffer.concat([b, name8]);
  const pad = Buffer.alloc((8 - ((56 + name8.length) % 8)) % 8);
  const ctx = maximalAccessContext();
  b.writeUInt32LE(SMB2_HEADER_LENGTH + 56 + name8.length + pad.length, 48);
  b.writeUInt32LE(ctx.length, 52);
  return Buffer.concat([b, name8, pad, ctx]);
}

export interface CreateResponse {
  readonly fileId: Buffer;
  readonly endOfFile: bigint;
  readonly fileAttributes: number;
  /** From an SMB2_CREATE_QUERY_MAXIMAL_ACCESS_RESPONSE context (2.2.14.2.5), when asked for and given. */
  readonly maximalAccess?: number;
}

/** 2.2.13.2: one create context "MxAc" (SMB2_CREATE_QUERY_MAXIMAL_ACCESS_REQUEST) with no timestamp. */
function maximalAccessContext(): Buffer {
  const c = Buffer.alloc(24);
  c.writeUInt32LE(0, 0); // Next
  c.writeUInt16LE(16, 4); // NameOffset
  c.writeUInt16LE(4, 6); // NameLength
  c.writeUInt16LE(0, 10); // DataOffset
  c.writeUInt32LE(0, 12); // DataLength
  c.write('MxAc', 16, 'latin1');
  return c;
}

/** Walks the create contexts of a response (2.2.14.2) for MxAc: QueryStatus then MaximalAccess. */
function readMaximalAccess(c: Cursor, offset: number, length: number): number | undefined {
  if (offset === 0 || length === 0) return undefined;
  let at = offset;
  for (let i = 0; i < 16; i++) {
    c.at(at, 16, 'create context'); // bounds check of the fixed part
    const next = c.buf.readUInt32LE(at);
    const nameOffset = c.buf.readUInt16LE(at + 4);
    const nameLength = c.buf.readUInt16LE(at + 6);
    const dataOffset = c.buf.readUInt16LE(at + 10);
    const dataLength = c.buf.readUInt32LE(at + 12);
    const name = c.at(at + nameOffset, nameLength, 'create context name').toString('latin1');
    if (name === 'MxAc' && dataLength >= 8) {
      const data = c.at(at + dataOffset, 8, 'MxAc data');
      return data.readUInt32LE(0) === 0 ? data.readUInt32LE(4) : undefined;
    }
    if (next === 0) return undefined;
    at += next;
  }
  return undefined;
}

export function decodeCreateResponse(m: Smb2Message): Decoded<CreateResponse> {
  return decodeWith(() => {
    const c = body(m, 89, 'CREATE response');
    c.skip(46, 'oplock, flags, action and times');
    const endOfFile = c.u64('EndofFile');
    const fileAttributes = c.u32('FileAttributes');
    c.skip(4, 'Reserved2');
    const fileId = Buffer.from(c.bytes(16, 'FileId'));
    const contextsOffset = c.u32('CreateContextsOffset');
    const contextsLength = c.u32('CreateContextsLength');
    const maximalAccess = readMaximalAccess(c, contextsOffset, contextsLength);
    return { fileId, endOfFile, fileAttributes, ...(maximalAccess === undefined ? {} : { maximalAccess }) };
  });
}

export function closeRequest(fileId: Buffer): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt16LE(24, 0);
  fileId.copy(b, 8);
  return b;
}

/* ---------- READ (2.2.19, 2.2.20), WRITE (2.2.21) ---------- */

export function readRequest(fileId: Buffer, offset: number, length: number): Buffer {
  const b = Buffer.alloc(49);
  b.writeUInt16LE(49, 0);
  b.writeUInt8(0x50, 2); // Padding: data right after the response header and body
  b.writeUInt32LE(length, 4);
  b.writeBigUInt64LE(BigInt(offset), 8);
  fileId.copy(b, 16);
  return b;
}

export function decodeReadResponse(m: Smb2Message): Decoded<Buffer> {
  return decodeWith(() => {
    const c = body(m, 17, 'READ response');
    const off = c.u8('DataOffset');
    c.skip(1, 'Reserved');
    const len = c.u32('DataLength');
    return Buffer.from(c.at(off, len, 'READ data'));
  });
}

export function writeRequest(fileId: Buffer, data: Buffer): Buffer {
  const b = Buffer.alloc(48);
  b.writeUInt16LE(49, 0);
  b.writeUInt16LE(SMB2_HEADER_LENGTH + 48, 2);
  b.writeUInt32LE(data.length, 4);
  fileId.copy(b, 16);
  return Buffer.concat([b, data]);
}

/* ---------- QUERY_DIRECTORY (2.2.33, 2.2.34) and MS-FSCC 2.4.10 ---------- */

export const FILE_ATTRIBUTE_DIRECTORY = 0x10;

export function queryDirectoryRequest(fileId: Buffer, outputBufferLength: number, restart: boolean): Buffer {
  const pattern = Buffer.from('*', 'utf16le');
  const b = Buffer.alloc(32);
  b.writeUInt16LE(33, 0);
  b.writeUInt8(0x01, 2); // FileDirectoryInformation
  b.writeUInt8(restart ? 0x01 : 0x00, 3); // SMB2_RESTART_SCANS
  fileId.copy(b, 8);
  b.writeUInt16LE(SMB2_HEADER_LENGTH + 32, 24);
  b.writeUInt16LE(pattern.length, 26);
  b.writeUInt32LE(outputBufferLength, 28);
  return Buffer.concat([b, pattern]);
}

export interface DirectoryEntry {
  /** Raw UTF-16LE name, decoded: in memory only, never stored. */
  readonly name: string;
  readonly size: number;
  readonly attributes: number;
}

/** One page of FILE_DIRECTORY_INFORMATION entries (MS-FSCC 2.4.10), at most `maxEntries`. */
export function decodeQueryDirectoryResponse(m: Smb2Message, maxEntries: number): Decoded<DirectoryEntry[]> {
  return decodeWith(() => {
    const c = body(m, 9, 'QUERY_DIRECTORY response');
    const off = c.u16('OutputBufferOffset');
    const len = c.u32('OutputBufferLength');
    const page = c.at(off, len, 'OutputBuffer');
    const entries: DirectoryEntry[] = [];
    let at = 0;
    while (entries.length < maxEntries) {
      const e = new Cursor(page, at);
      const next = e.u32('NextEntryOffset');
      e.skip(36, 'FileIndex and times');
      const eof = e.u64('EndOfFile');
      e.skip(8, 'AllocationSize');
      const attributes = e.u32('FileAttributes');
      const nameLength = e.u32('FileNameLength');
      const name = e.bytes(nameLength, 'FileName').toString('utf16le');
      entries.push({ name, size: eof > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(eof), attributes });
      if (next === 0) break;
      if (next < 64 || at + next > page.length) throw failure('bad-length', 'NextEntryOffset', at, `${next} does not point to a following entry`);
      at += next;
    }
    return entries;
  });
}
