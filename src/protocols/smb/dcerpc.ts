/**
 * Connection-oriented DCE/RPC PDUs (C706 chapter 12, MS-RPCE 2.2.2) and the
 * one call made over them: srvsvc NetrShareEnum, level 1 (MS-SRVS 3.1.4.8,
 * opnum 15; known as NetShareEnumAll), in NDR (C706 chapter 14).
 */
import { Cursor, decodeWith, failure, printable, type Decoded } from './cursor.ts';

const PTYPE = { REQUEST: 0, RESPONSE: 2, FAULT: 3, BIND: 11, BIND_ACK: 12, BIND_NAK: 13 } as const;
const PFC_FIRST_LAST = 0x03;

/** MS-SRVS 1.9: srvsvc interface 4b324fc8-1670-01d3-1278-5a47bf6ee188 v3.0. */
export const SRVSVC_UUID = '4b324fc8-1670-01d3-1278-5a47bf6ee188';
/** C706 Appendix N: NDR transfer syntax 8a885d04-1ceb-11c9-9fe8-08002b104860 v2. */
export const NDR_UUID = '8a885d04-1ceb-11c9-9fe8-08002b104860';

/** C706 Appendix A: the first three fields little-endian under the NDR data representation we declare. */
export function encodeUuid(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  const b = Buffer.from(hex, 'hex');
  const out = Buffer.alloc(16);
  out.writeUInt32LE(b.readUInt32BE(0), 0);
  out.writeUInt16LE(b.readUInt16BE(4), 4);
  out.writeUInt16LE(b.readUInt16BE(6), 6);
  b.copy(out, 8, 8);
  return out;
}

function commonHeader(ptype: number, fragLength: number, callId: number): Buffer {
  const h = Buffer.alloc(16);
  h[0] = 5; // rpc_vers
  h[1] = 0; // rpc_vers_minor
  h[2] = ptype;
  h[3] = PFC_FIRST_LAST;
  h.writeUInt32LE(0x00000010, 4); // packed_drep: little-endian, ASCII, IEEE
  h.writeUInt16LE(fragLength, 8);
  h.writeUInt16LE(0, 10); // auth_length
  h.writeUInt32LE(callId, 12);
  return h;
}

/** C706 12.6.4.3 bind: one presentation context, srvsvc over NDR. */
export function encodeBind(callId: number): Buffer {
  const body = Buffer.alloc(12 + 44);
  body.writeUInt16LE(4280, 0); // max_xmit_frag
  body.writeUInt16LE(4280, 2); // max_recv_frag
  body.writeUInt32LE(0, 4); // assoc_group_id
  body.writeUInt8(1, 8); // n_context_elem
  body.writeUInt16LE(0, 12); // p_cont_id
  body.writeUInt8(1, 14); // n_transfer_syn
  encodeUuid(SRVSVC_UUID).copy(body, 16);
  body.writeUInt16LE(3, 32); // version major
  body.writeUInt16LE(0, 34); // version minor
  encodeUuid(NDR_UUID).copy(body, 36);
  body.writeUInt32LE(2, 52);
  return Buffer.concat([commonHeader(PTYPE.BIND, 16 + body.length, callId), body]);
}

export interface PduHeader {
  readonly ptype: number;
  readonly fragLength: number;
  readonly callId: number;
}

function header(c: Cursor): PduHeader {
  const vers = c.u8('rpc_vers');
  if (vers !== 5) throw failure('bad-signature', 'rpc_vers', 0, `${vers} where 5 belongs`);
  c.skip(1, 'rpc_vers_minor');
  const ptype = c.u8('PTYPE');
  c.skip(1, 'pfc_flags');
  const drep = c.u8('packed_drep');
  if ((drep & 0xf0) !== 0x10) throw failure('bad-structure', 'packed_drep', 4, 'only little-endian NDR is read');
  c.skip(3, 'packed_drep');
  const fragLength = c.u16('frag_length');
  c.skip(2, 'auth_length');
  const callId = c.u32('call_id');
  if (fragLength > c.buf.length) throw failure('truncated', 'frag_length', 8, `${fragLength} declared, ${c.buf.length} present`);
  return { ptype, fragLength, callId };
}

export type BindResult = { readonly accepted: true } | { readonly accepted: false; readonly reason: number };

/** C706 12.6.4.4 bind_ack (or 12.6.4.5 bind_nak): was our one context accepted? */
export function decodeBindAck(buf: Buffer): Decoded<BindResult> {
  return decodeWith(() => {
    const c = new Cursor(buf);
    const h = header(c);
    if (h.ptype === PTYPE.BIND_NAK) return { accepted: false, reason: c.u16('provider_reject_reason') };
    if (h.ptype !== PTYPE.BIND_ACK) throw failure('unexpected-type', 'PTYPE', 2, `${h.ptype} where bind_ack (12) belongs`);
    c.skip(8, 'max frags and assoc_group_id');
    const secAddrLength = c.u16('sec_addr length');
    c.skip(secAddrLength, 'sec_addr');
    c.align(4);
    const n = c.u8('n_results');
    if (n < 1) throw failure('bad-structure', 'n_results', c.offset - 1, 'no result');
    c.skip(3, 'reserved');
    const result = c.u16('result');
    const reason = c.u16('reason');
    return result === 0 ? { accepted: true } : { accepted: false, reason };
  });
}

/** C706 12.6.4.9 request. */
export function encodeRequest(callId: number, opnum: number, stub: Buffer): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt32LE(stub.length, 0); // alloc_hint
  body.writeUInt16LE(0, 4); // p_cont_id
  body.writeUInt16LE(opnum, 6);
  return Buffer.concat([commonHeader(PTYPE.REQUEST, 16 + 8 + stub.length, callId), body, stub]);
}

export type RpcResponse = { readonly kind: 'response'; readonly stub: Buffer } | { readonly kind: 'fault'; readonly status: number };

/** C706 12.6.4.10 response or 12.6.4.7 fault; one fragment (first and last). */
export function decodeResponse(buf: Buffer): Decoded<RpcResponse> {
  return decodeWith(() => {
    const c = new Cursor(buf);
    const h = header(c);
    c.skip(4, 'alloc_hint');
    c.skip(2, 'p_cont_id');
    c.skip(2, 'cancel_count and reserved');
    if (h.ptype === PTYPE.FAULT) return { kind: 'fault', status: c.u32('status') };
    if (h.ptype !== PTYPE.RESPONSE) throw failure('unexpected-type', 'PTYPE', 2, `${h.ptype} where response (2) belongs`);
    return { kind: 'response', stub: Buffer.from(c.at(24, h.fragLength - 24, 'stub data')) };
  });
}

/* ---------- NDR for NetrShareEnum level 1 ---------- */

/** NDR conformant varying string (C706 14.3.4): UTF-16LE with its terminator, padded to 4. */
export function ndrString(s: string): Buffer {
  const chars = Buffer.from(`${s}\0`, 'utf16le');
  const n = chars.length / 2;
  const head = Buffer.alloc(12);
  head.writeUInt32LE(n, 0); // max_count
  head.writeUInt32LE(0, 4); // offset
  head.writeUInt32LE(n, 8); // actual_count
  const pad = Buffer.alloc((4 - (chars.length % 4)) % 4);
  return Buffer.concat([head, chars, pad]);
}

/** MS-SRVS 3.1.4.8 NetrShareEnum request stub: ServerName, level 1 with an empty container, no size limit, resume 0. */
export function encodeNetShareEnumAll(serverName: string): Buffer {
  const serverPtr = Buffer.alloc(4);
  serverPtr.writeUInt32LE(0x00020000, 0);
  const info = Buffer.alloc(20);
  info.writeUInt32LE(1, 0); // Level
  info.writeUInt32LE(1, 4); // union switch
  info.writeUInt32LE(0x00020004, 8); // pointer to SHARE_INFO_1_CONTAINER
  info.writeUInt32LE(0, 12); // EntriesRead
  info.writeUInt32LE(0, 16); // Buffer: null
  const tail = Buffer.alloc(12);
  tail.writeUInt32LE(0xffffffff, 0); // PreferedMaximumLength
  tail.writeUInt32LE(0x00020008, 4); // ResumeHandle pointer
  tail.writeUInt32LE(0, 8); // *ResumeHandle
  return Buffer.concat([serverPtr, ndrString(serverName), info, tail]);
}

export interface ShareInfo1 {
  readonly name: string;
  /** MS-SRVS 2.2.2.4 shi1_type: low bits the kind, 0x80000000 special (administrative). */
  readonly type: number;
}

/**
 * Longest NDR string read (MS-SRVS strings are wchar_t*): a share name is at most
 * 80 characters (NNLEN) and a remark 256 (MAXCOMMENTSZ, lmcons.h); anything
 * longer than 64 Ki characters is no srvsvc answer, and is refused before a byte is decoded.
 */
const MAX_NDR_STRING_CHARS = 0x10000;
/**
 * Most SHARE_INFO_1 entries accepted in one answer: a file server with more
 * than 10,000 shares is none we would walk (16 at most, probes/smb), and the
 * fixed parts are read before the strings, so the count is checked first.
 */
const MAX_SHARE_ENTRIES = 10_000;

function readNdrString(c: Cursor, field: string, maxChars: number): string {
  const max = c.u32(`${field} max_count`);
  c.skip(4, `${field} offset`);
  const actual = c.u32(`${field} actual_count`);
  if (actual > max || actual > MAX_NDR_STRING_CHARS) throw failure('bad-length', `${field} actual_count`, c.offset - 4, `${actual} characters declared`);
  const text = printable(c.bytes(actual * 2, field), maxChars).replace(/\0+$/, '');
  c.align(4);
  return text;
}

/** The NetrShareEnum response stub (level 1): share names and types, at most `maxShares`. */
export function decodeNetShareEnumAll(stub: Buffer, maxShares: number): Decoded<{ shares: ShareInfo1[]; werror: number }> {
  return decodeWith(() => {
    const c = new Cursor(stub);
    const level = c.u32('Level');
    if (level !== 1) throw failure('bad-structure', 'Level', 0, `${level} where 1 belongs`);
    c.skip(4, 'union switch');
    const containerPtr = c.u32('container pointer');
    if (containerPtr === 0) return { shares: [], werror: stub.length >= 4 ? stub.readUInt32LE(stub.length - 4) : 0 };
    const count = c.u32('EntriesRead');
    const bufferPtr = c.u32('Buffer pointer');
    const shares: ShareInfo1[] = [];
    if (bufferPtr !== 0 && count > 0) {
      const maxCount = c.u32('array max_count');
      if (maxCount < count || count > MAX_SHARE_ENTRIES) throw failure('bad-length', 'EntriesRead', 12, `${count} entries for an array of ${maxCount}`);
      const fixed: { namePtr: number; type: number; remarkPtr: number }[] = [];
      for (let i = 0; i < count; i++) fixed.push({ namePtr: c.u32('shi1_netname pointer'), type: c.u32('shi1_type'), remarkPtr: c.u32('shi1_remark pointer') });
      for (const f of fixed) {
        const name = f.namePtr === 0 ? '' : readNdrString(c, 'shi1_netname', 80);
        if (f.remarkPtr !== 0) readNdrString(c, 'shi1_remark', 0); // read past, never kept
        if (shares.length < maxShares) shares.push({ name, type: f.type >>> 0 });
      }
    }
    c.skip(4, 'TotalEntries');
    const resumePtr = c.u32('ResumeHandle pointer');
    if (resumePtr !== 0) c.skip(4, 'ResumeHandle');
    return { shares, werror: c.u32('WERROR') };
  });
}
