/**
 * ONC RPC version 2 (RFC 5531): call and reply messages, the AUTH_NONE and
 * AUTH_SYS credentials, and record marking over TCP (RFC 5531 section 11).
 */
import { decodeXdr, XdrReader, XdrWriter, xdrFailure, type XdrDecoded } from './xdr.ts';

/** RFC 5531 8.2: authentication flavours a client may name. */
export const AUTH_NONE = 0;
export const AUTH_SYS = 1;

/** RFC 5531 8.2: a credential or verifier body is at most 400 bytes. */
export const MAX_AUTH_BODY = 400;
/** RFC 5531 Appendix A: machinename<255>, gids<16>. */
export const MAX_MACHINE_NAME = 255;
export const MAX_AUX_GIDS = 16;

export interface AuthSys {
  readonly flavor: typeof AUTH_SYS;
  readonly stamp: number;
  readonly machineName: string;
  readonly uid: number;
  readonly gid: number;
  readonly gids: readonly number[];
}
export type Credential = { readonly flavor: typeof AUTH_NONE } | AuthSys;

export interface RpcCall {
  readonly xid: number;
  readonly program: number;
  readonly version: number;
  readonly procedure: number;
  readonly credential: Credential;
  /** The procedure's arguments, already XDR. */
  readonly body: Buffer;
}

function writeCredential(w: XdrWriter, c: Credential): void {
  if (c.flavor === AUTH_NONE) {
    w.uint32(AUTH_NONE).opaque(Buffer.alloc(0));
    return;
  }
  const name = Buffer.from(c.machineName, 'utf8').subarray(0, MAX_MACHINE_NAME);
  const body = new XdrWriter().uint32(c.stamp).opaque(name).uint32(c.uid).uint32(c.gid).uint32(Math.min(c.gids.length, MAX_AUX_GIDS));
  for (const g of c.gids.slice(0, MAX_AUX_GIDS)) body.uint32(g);
  w.uint32(AUTH_SYS).opaque(body.toBuffer());
}

/** RFC 5531 9: the call message body (without record marking). The verifier is AUTH_NONE. */
export function encodeCall(call: RpcCall): Buffer {
  const w = new XdrWriter().uint32(call.xid).uint32(0 /* CALL */).uint32(2 /* rpcvers */).uint32(call.program).uint32(call.version).uint32(call.procedure);
  writeCredential(w, call.credential);
  w.uint32(AUTH_NONE).opaque(Buffer.alloc(0));
  return Buffer.concat([w.toBuffer(), call.body]);
}

/** RFC 5531 9: accept_stat. */
export type AcceptStat = 'success' | 'prog-unavail' | 'prog-mismatch' | 'proc-unavail' | 'garbage-args' | 'system-err';
const ACCEPT_STATS: readonly AcceptStat[] = ['success', 'prog-unavail', 'prog-mismatch', 'proc-unavail', 'garbage-args', 'system-err'];
/** RFC 5531 9: auth_stat, the reasons a call's credential was refused. */
const AUTH_STATS = ['ok', 'badcred', 'rejectedcred', 'badverf', 'rejectedverf', 'tooweak', 'invalidresp', 'failed'] as const;
export type AuthStat = (typeof AUTH_STATS)[number] | 'other';

export type RpcReply =
  | { readonly kind: 'accepted'; readonly xid: number; readonly stat: 'success'; readonly body: XdrReader }
  | { readonly kind: 'accepted'; readonly xid: number; readonly stat: Exclude<AcceptStat, 'success'>; readonly low?: number; readonly high?: number }
  | { readonly kind: 'rpc-mismatch'; readonly xid: number; readonly low: number; readonly high: number }
  | { readonly kind: 'auth-error'; readonly xid: number; readonly auth: AuthStat };

/**
 * RFC 5531 9: a reply message. A success leaves the reader at the procedure's
 * results. A call message, an unknown reply or accept status is an error value.
 */
export function decodeReply(record: Buffer): XdrDecoded<RpcReply> {
  return decodeXdr(() => {
    const r = new XdrReader(record);
    const xid = r.uint32('xid');
    const at = r.offset;
    const type = r.uint32('msg_type');
    if (type !== 1) throw xdrFailure('bad-value', 'msg_type', at, type === 0 ? 'a call, not a reply' : `unknown message type ${type}`);
    const statAt = r.offset;
    const replyStat = r.uint32('reply_stat');
    if (replyStat === 1) {
      const rejectAt = r.offset;
      const reject = r.uint32('reject_stat');
      if (reject === 0) return { kind: 'rpc-mismatch', xid, low: r.uint32('mismatch low'), high: r.uint32('mismatch high') };
      if (reject !== 1) throw xdrFailure('bad-value', 'reject_stat', rejectAt, `unknown reject status ${reject}`);
      const auth = r.uint32('auth_stat');
      return { kind: 'auth-error', xid, auth: AUTH_STATS[auth] ?? 'other' };
    }
    if (replyStat !== 0) throw xdrFailure('bad-value', 'reply_stat', statAt, `unknown reply status ${replyStat}`);
    r.uint32('verifier flavor');
    r.opaque(MAX_AUTH_BODY, 'verifier body');
    const acceptAt = r.offset;
    const accept = ACCEPT_STATS[r.uint32('accept_stat')];
    if (accept === undefined) throw xdrFailure('bad-value', 'accept_stat', acceptAt, 'unknown accept status');
    if (accept === 'success') return { kind: 'accepted', xid, stat: accept, body: r };
    if (accept === 'prog-mismatch') return { kind: 'accepted', xid, stat: accept, low: r.uint32('mismatch low'), high: r.uint32('mismatch high') };
    return { kind: 'accepted', xid, stat: accept };
  });
}

/** RFC 5531 11: the last-fragment bit of a record mark; the low 31 bits are the fragment's length. */
const LAST_FRAGMENT = 0x8000_0000;

/** One record, one fragment. */
export function frameRecord(message: Buffer): Buffer {
  const mark = Buffer.alloc(4);
  mark.writeUInt32BE((LAST_FRAGMENT | message.length) >>> 0);
  return Buffer.concat([mark, message]);
}

/**
 * Fragments one record may take at most. RFC 5531 11 sets no number, and servers send a
 * reply as one fragment; the count is the peer's choice, and each fragment, empty ones
 * too, costs a buffer here: without it 4-byte empty fragments would grow a list forever
 * within the byte cap, and 1-byte ones a million buffers for one record.
 */
export const MAX_FRAGMENTS = 1024;

export type RecordErrorCode = 'record-too-long' | 'too-many-fragments';

export class RecordError extends Error {
  constructor(
    readonly code: RecordErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RecordError';
  }
}

/**
 * Reassembles records from TCP chunks. A record (all its fragments) longer
 * than `maxRecord`, or in more than MAX_FRAGMENTS fragments, is refused as
 * soon as a fragment header says so, before any of it is buffered: the
 * length word and the last-fragment bit are the peer's.
 */
export class RecordAssembler {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private fragments: Buffer[] = [];
  private recordBytes = 0;

  constructor(private readonly maxRecord: number) {}

  /** Adds a chunk; returns the records it completed, in order. Throws RecordError past the cap. */
  push(chunk: Buffer): Buffer[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const done: Buffer[] = [];
    for (;;) {
      if (this.pendingBytes < 4) return done;
      const head = this.peek(4);
      const mark = head.readUInt32BE(0);
      const length = mark & 0x7fff_ffff;
      if (this.recordBytes + length > this.maxRecord) {
        throw new RecordError('record-too-long', `a record fragment declares ${length} bytes, more than the ${this.maxRecord} accepted`);
      }
      if (this.fragments.length >= MAX_FRAGMENTS) {
        throw new RecordError('too-many-fragments', `a record goes on past ${MAX_FRAGMENTS} fragments`);
      }
      if (this.pendingBytes < 4 + length) return done;
      this.take(4);
      this.fragments.push(this.take(length));
      this.recordBytes += length;
      if ((mark & LAST_FRAGMENT) !== 0) {
        done.push(Buffer.concat(this.fragments));
        this.fragments = [];
        this.recordBytes = 0;
      }
    }
  }

  private peek(n: number): Buffer {
    if (this.pending[0]!.length < n) this.pending = [Buffer.concat(this.pending)];
    return this.pending[0]!.subarray(0, n);
  }

  private take(n: number): Buffer {
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes -= n;
    return out;
  }
}

/** A call as a server reads it (the lab's hostile port mappers and tests): header fields and the arguments' reader. */
export interface DecodedCall {
  readonly xid: number;
  readonly program: number;
  readonly version: number;
  readonly procedure: number;
  readonly credentialFlavor: number;
  readonly credentialBody: Buffer;
  readonly args: XdrReader;
}

/** RFC 5531 9: a call message; anything else is an error value. */
export function decodeCall(record: Buffer): XdrDecoded<DecodedCall> {
  return decodeXdr(() => {
    const r = new XdrReader(record);
    const xid = r.uint32('xid');
    const at = r.offset;
    if (r.uint32('msg_type') !== 0) throw xdrFailure('bad-value', 'msg_type', at, 'not a call');
    const versionAt = r.offset;
    const rpcvers = r.uint32('rpcvers');
    if (rpcvers !== 2) throw xdrFailure('bad-value', 'rpcvers', versionAt, `RPC version ${rpcvers}, not 2`);
    const program = r.uint32('prog');
    const version = r.uint32('vers');
    const procedure = r.uint32('proc');
    const credentialFlavor = r.uint32('credential flavor');
    const credentialBody = r.opaque(MAX_AUTH_BODY, 'credential body');
    r.uint32('verifier flavor');
    r.opaque(MAX_AUTH_BODY, 'verifier body');
    return { xid, program, version, procedure, credentialFlavor, credentialBody, args: r };
  });
}

/** RFC 5531 9: an accepted reply with AUTH_NONE verifier; `results` follow a success. */
export function encodeAcceptedReply(xid: number, stat: AcceptStat, results: Buffer = Buffer.alloc(0)): Buffer {
  const w = new XdrWriter().uint32(xid).uint32(1 /* REPLY */).uint32(0 /* MSG_ACCEPTED */).uint32(AUTH_NONE).opaque(Buffer.alloc(0)).uint32(ACCEPT_STATS.indexOf(stat));
  return Buffer.concat([w.toBuffer(), results]);
}

/** RFC 5531 9: a reply denied for its credential. */
export function encodeAuthErrorReply(xid: number, auth: Exclude<AuthStat, 'other'>): Buffer {
  return new XdrWriter().uint32(xid).uint32(1).uint32(1 /* MSG_DENIED */).uint32(1 /* AUTH_ERROR */).uint32(AUTH_STATS.indexOf(auth)).toBuffer();
}
