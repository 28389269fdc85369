/**
 * ONC RPC calls over one dialer Connection (protocols/sunrpc/): a call is one
 * record, its reply the next record carrying the same xid. Calls go one at a
 * time. Every wait is bounded by the I/O timeout and the signal, and a record
 * longer than the cap is refused from its fragment header, before it is read.
 */
import type { Connection, Dialer } from '../../net/dialer.ts';
import type { Endpoint } from '../../observation/observation.ts';
import { decodeReply, encodeCall, frameRecord, RecordAssembler, RecordError, type Credential, type RecordErrorCode } from '../../protocols/sunrpc/rpc.ts';
import type { XdrReader } from '../../protocols/sunrpc/xdr.ts';

export type RpcErrorCode =
  | 'NOT_RPC'
  | 'RPC_MALFORMED'
  | 'RPC_CLOSED'
  | 'RPC_RECORD_TOO_LONG'
  | 'RPC_TOO_MANY_FRAGMENTS'
  | 'RPC_AUTH_DENIED'
  | 'RPC_VERSION_MISMATCH'
  | 'RPC_PROG_UNAVAIL'
  | 'RPC_PROG_MISMATCH'
  | 'RPC_PROC_UNAVAIL'
  | 'RPC_GARBAGE_ARGS'
  | 'RPC_SYSTEM_ERR';

/** Our own words for what the peer did: never a quote of it. */
export class RpcProtocolError extends Error {
  override readonly name = 'RpcProtocolError';
  constructor(
    readonly code: RpcErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The reply status of a call the server accepted but did not run, as our error code. */
const NOT_RUN: Readonly<Record<'prog-unavail' | 'prog-mismatch' | 'proc-unavail' | 'garbage-args' | 'system-err', RpcErrorCode>> = {
  'prog-unavail': 'RPC_PROG_UNAVAIL',
  'prog-mismatch': 'RPC_PROG_MISMATCH',
  'proc-unavail': 'RPC_PROC_UNAVAIL',
  'garbage-args': 'RPC_GARBAGE_ARGS',
  'system-err': 'RPC_SYSTEM_ERR',
};

/** Which bound of record marking a peer's record broke, as our error code. */
const RECORD_ERRORS: Readonly<Record<RecordErrorCode, RpcErrorCode>> = {
  'record-too-long': 'RPC_RECORD_TOO_LONG',
  'too-many-fragments': 'RPC_TOO_MANY_FRAGMENTS',
};

/** Replies to other xids read before ours at most: a server answers calls in order, one at a time here. */
const MAX_STRAY_REPLIES = 8;

export interface RpcSessionOptions {
  readonly dialer: Dialer;
  readonly connectTimeoutMs: number;
  readonly ioTimeoutMs: number;
  /** The largest record accepted, all fragments together. */
  readonly maxRecordBytes: number;
}

export class RpcSession {
  private readonly assembler: RecordAssembler;
  private readonly records: Buffer[] = [];
  private xid: number;
  /** Whether any reply decoded as RPC on this connection: a peer that never answers one is another protocol. */
  answered = false;

  private constructor(
    private readonly conn: Connection,
    private readonly options: RpcSessionOptions,
  ) {
    this.assembler = new RecordAssembler(options.maxRecordBytes);
    // Any start will do; a random one keeps two sessions' replies apart on a peer that mixes them up.
    this.xid = Math.floor(Math.random() * 0x7fff_ffff);
  }

  static async open(endpoint: Endpoint, options: RpcSessionOptions, signal: AbortSignal): Promise<RpcSession> {
    const conn = await options.dialer.connect(endpoint, { signal, connectTimeoutMs: options.connectTimeoutMs });
    return new RpcSession(conn, options);
  }

  get localAddress(): string | undefined {
    return this.conn.localAddress;
  }

  /** Calls a procedure; resolves with the reader at its results, or throws RpcProtocolError / NetError. */
  async call(program: number, version: number, procedure: number, credential: Credential, args: Buffer, signal: AbortSignal): Promise<XdrReader> {
    this.xid = (this.xid + 1) >>> 0;
    const xid = this.xid;
    await this.conn.write(frameRecord(encodeCall({ xid, program, version, procedure, credential, body: args })));
    for (let stray = 0; stray <= MAX_STRAY_REPLIES; stray++) {
      const decoded = decodeReply(await this.nextRecord(signal));
      if (!decoded.ok) {
        throw new RpcProtocolError(this.answered ? 'RPC_MALFORMED' : 'NOT_RPC', `the reply is not an ONC RPC reply (${decoded.error.field} at offset ${decoded.error.offset})`);
      }
      const reply = decoded.value;
      if (reply.xid !== xid) continue;
      this.answered = true;
      switch (reply.kind) {
        case 'rpc-mismatch':
          throw new RpcProtocolError('RPC_VERSION_MISMATCH', `the server speaks RPC versions ${reply.low} to ${reply.high}, not 2`);
        case 'auth-error':
          throw new RpcProtocolError('RPC_AUTH_DENIED', `the server refused the call's credential (${reply.auth})`);
        case 'accepted':
          if (reply.stat === 'success') return reply.body;
          throw new RpcProtocolError(NOT_RUN[reply.stat], `program ${program} version ${version} procedure ${procedure}: ${reply.stat}`);
      }
    }
    throw new RpcProtocolError('RPC_MALFORMED', `no reply to call ${procedure} among ${MAX_STRAY_REPLIES + 1} replies to other calls`);
  }

  private async nextRecord(signal: AbortSignal): Promise<Buffer> {
    for (;;) {
      const ready = this.records.shift();
      if (ready) return ready;
      const chunk = await this.conn.read(this.options.ioTimeoutMs, signal);
      if (chunk === null) throw new RpcProtocolError(this.answered ? 'RPC_CLOSED' : 'NOT_RPC', 'the server closed the connection before it replied');
      try {
        this.records.push(...this.assembler.push(chunk));
      } catch (err) {
        if (err instanceof RecordError) throw new RpcProtocolError(RECORD_ERRORS[err.code], err.message);
        throw err;
      }
    }
  }

  close(): void {
    this.conn.close();
  }
}
