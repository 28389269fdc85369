/**
 * One SMB2 conversation over a dialer Connection: frames out, frames in,
 * message ids and credits, interim STATUS_PENDING answers skipped. Every
 * wait is bounded by the I/O timeout; a frame larger than the cap ends it.
 */
import type { Connection } from '../../net/dialer.ts';
import { decodeMessage, encodeHeader, frame, frameLength, HeaderFlag, Status, type Smb2Message } from '../../protocols/smb/smb2.ts';

export class SmbProtocolError extends Error {
  override readonly name = 'SmbProtocolError';
  constructor(
    readonly code: 'SMB_MALFORMED' | 'SMB_UNEXPECTED' | 'SMB_TOO_LARGE' | 'SMB_CLOSED' | 'NOT_SMB2',
    message: string,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  readonly ioTimeoutMs: number;
  readonly maxMessageBytes: number;
  readonly signal: AbortSignal;
}

export class SmbClient {
  private pending: Buffer = Buffer.alloc(0);
  private messageId = 0n;
  sessionId = 0n;
  /** Credit charge is 0 before 2.1 (MS-SMB2 3.2.4.1.5); 1 for our small requests after. */
  creditCharge = 0;
  gotAnything = false;

  constructor(
    private readonly conn: Connection,
    private readonly options: ClientOptions,
  ) {}

  close(): void {
    this.conn.close();
  }

  private async nextFrame(signal: AbortSignal): Promise<Buffer> {
    for (;;) {
      const len = frameLength(this.pending);
      if (!len.ok) throw new SmbProtocolError('NOT_SMB2', 'the reply is not framed as SMB2 over TCP');
      if (len.value !== undefined) {
        if (len.value > this.options.maxMessageBytes) throw new SmbProtocolError('SMB_TOO_LARGE', `the server declared a ${len.value}-byte message`);
        if (this.pending.length >= 4 + len.value) {
          const message = this.pending.subarray(4, 4 + len.value);
          this.pending = this.pending.subarray(4 + len.value);
          return Buffer.from(message);
        }
      }
      const chunk = await this.conn.read(this.options.ioTimeoutMs, signal);
      if (chunk === null) throw new SmbProtocolError('SMB_CLOSED', 'the server closed the connection');
      this.gotAnything = true;
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    }
  }

  /**
   * Sends one request and returns its final response (any status: the caller decides).
   * `signal` (the probe's unless given: a walk passes its own) stops the wait; an answer
   * that comes after is skipped by the next request as one to a message given up on.
   */
  async request(command: number, body: Buffer, treeId = 0, signal = this.options.signal): Promise<Smb2Message> {
    const messageId = this.messageId;
    this.messageId += 1n;
    const header = encodeHeader({ creditCharge: this.creditCharge, command, credits: 32, messageId, treeId, sessionId: this.sessionId });
    await this.conn.write(frame(Buffer.concat([header, body])));
    for (let i = 0; i < 64; i++) {
      const decoded = decodeMessage(await this.nextFrame(signal));
      if (!decoded.ok) throw new SmbProtocolError('NOT_SMB2', `the reply is not an SMB2 message (${decoded.error.field})`);
      const m = decoded.value;
      if (m.header.messageId !== messageId) continue; // a late answer to something we gave up on
      // MS-SMB2 3.2.5.1.5: an interim response; the final one follows with the same MessageId.
      if (m.header.status === Status.PENDING && (m.header.flags & HeaderFlag.ASYNC_COMMAND) !== 0) continue;
      if (m.header.command !== command) throw new SmbProtocolError('SMB_UNEXPECTED', 'the server answered another command');
      return m;
    }
    throw new SmbProtocolError('SMB_UNEXPECTED', 'too many unrelated messages');
  }
}
