/**
 * A hostile peer's script: what it does on one connection, as a list of steps
 * played in order. The steps are the behaviours no real server shows on
 * purpose but a scanner meets on the internet: silence after accepting,
 * answers a byte at a time, answers that never end, a reset in mid-message.
 *
 *   { send }            write bytes (fixed, or made from what the peer last sent)
 *   { expect }          wait for the peer to send n bytes, a PDU, a line or an HTTP head
 *   { drip, everyMs }   write bytes one at a time, `everyMs` apart
 *   { stall }           say nothing and hold the connection until the peer leaves
 *   { reset } / { close } end with an RST / a FIN
 *   { neverEnd }        write what a generator yields until it ends or the peer leaves
 *   { wait }            pause
 *   { serve, answer }   answer each framed message the peer sends with more steps, until it leaves
 *   { over, steps }     play steps on a second connection (an FTP data connection), then close it
 *
 * Event-driven: every wait is on a socket event or a timer, and every wait
 * ends when the peer goes away. What the peer sends is buffered up to a cap
 * (the scanner never sends much); past it the connection is reset.
 */
import type net from 'node:net';

/** Bytes a step writes: fixed, or made from the message an `expect` or `serve` took last. */
export type Bytes = Buffer | string | ((heard: Buffer) => Buffer | string);

/** How the peer's bytes are cut into messages. */
export type Framing =
  | { readonly bytes: number }
  /** A DICOM upper-layer PDU (PS3.8 9.3.1): type, reserved, 4-byte length, then that many bytes. */
  | { readonly pdu: true }
  /** A line ending in LF (CRLF in FTP, RFC 959 4.1). */
  | { readonly line: true }
  /** An HTTP/1.1 request head, up to the empty line (RFC 9112 2.1); a request body is not read. */
  | { readonly httpHead: true }
  /** One SMB2 Direct TCP frame (MS-SMB2 2.1): a zero byte and a 24-bit length. */
  | { readonly smb2: true };

export type Step =
  | { readonly send: Bytes }
  | { readonly expect: Framing }
  | { readonly drip: Bytes; readonly everyMs: number }
  | { readonly stall: true }
  | { readonly reset: true }
  | { readonly close: true }
  | { readonly neverEnd: (heard: Buffer) => Iterable<Buffer> }
  | { readonly wait: number }
  | { readonly serve: Framing; readonly answer: (message: Buffer) => readonly Step[] | Promise<readonly Step[]> }
  | { readonly over: () => Promise<net.Socket | undefined>; readonly steps: readonly Step[] };

/** Bytes buffered from a peer at most: a hostile peer's scanner sends requests, not bulk data. */
const MAX_BUFFERED = 1 << 20;
/** Largest message a framing accepts (a PDU length field may say 4 GB: we never allocate for it). */
const MAX_MESSAGE = 1 << 20;
/** Chunks a `neverEnd` writes before it lets the event loop run (a fast reader never fills the socket). */
const CHUNKS_PER_TURN = 64;

function bytesOf(b: Bytes, heard: Buffer): Buffer {
  const v = typeof b === 'function' ? b(heard) : b;
  return typeof v === 'string' ? Buffer.from(v, 'latin1') : v;
}

/** How long the next message is, if `buf` holds all of it; 'too-long' past MAX_MESSAGE; undefined: wait for more. */
function frameEnd(buf: Buffer, framing: Framing): number | 'too-long' | undefined {
  if ('bytes' in framing) return buf.length >= framing.bytes ? framing.bytes : undefined;
  if ('pdu' in framing || 'smb2' in framing) {
    if (buf.length < 6) return undefined;
    const length = 'pdu' in framing ? 6 + buf.readUInt32BE(2) : 4 + (buf.readUInt32BE(0) & 0x00ffffff);
    if (length > MAX_MESSAGE) return 'too-long';
    return buf.length >= length ? length : undefined;
  }
  const end = 'line' in framing ? buf.indexOf('\n') : buf.indexOf('\r\n\r\n');
  if (end < 0) return buf.length > MAX_MESSAGE ? 'too-long' : undefined;
  return end + ('line' in framing ? 1 : 4);
}

/** One connection as a script sees it: its bytes in, framed on demand; its end as a promise. */
export class Peer {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  readonly gone: Promise<void>;
  private isGone = false;

  constructor(readonly socket: net.Socket) {
    this.gone = new Promise((resolve) =>
      socket.once('close', () => {
        this.isGone = true;
        this.wake();
        resolve();
      }),
    );
    socket.on('error', () => undefined); // a scanner that resets is a normal end here
    socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      if (this.buffered.length > MAX_BUFFERED) socket.resetAndDestroy();
      this.wake();
    });
  }

  get open(): boolean {
    return !this.isGone && !this.socket.destroyed;
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }

  /** The next message, or undefined once the peer has gone (or sent one past the cap). */
  async take(framing: Framing): Promise<Buffer | undefined> {
    for (;;) {
      const end = frameEnd(this.buffered, framing);
      if (end === 'too-long') {
        this.socket.resetAndDestroy();
        return undefined;
      }
      if (end !== undefined) {
        const message = this.buffered.subarray(0, end);
        this.buffered = this.buffered.subarray(end);
        return message;
      }
      if (!this.open) return undefined;
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  /** Resolves true after `ms`, or false as soon as the peer goes. */
  async sleep(ms: number): Promise<boolean> {
    if (!this.open) return false;
    let timer: NodeJS.Timeout | undefined;
    const slept = await Promise.race([new Promise<boolean>((r) => (timer = setTimeout(() => r(true), ms))), this.gone.then(() => false)]);
    clearTimeout(timer);
    return slept && this.open;
  }

  /** Writes, waiting for the socket to drain when its buffer is full; false once the peer has gone. */
  async write(bytes: Buffer): Promise<boolean> {
    if (!this.open) return false;
    if (this.socket.write(bytes)) return true;
    await Promise.race([new Promise((r) => this.socket.once('drain', r)), this.gone]);
    return this.open;
  }
}

/** Plays `steps` on `peer` in order; returns when they are done or the peer has gone. */
export async function play(peer: Peer, steps: readonly Step[], heard: Buffer = Buffer.alloc(0)): Promise<Buffer> {
  let last = heard;
  for (const step of steps) {
    if (!peer.open) break;
    if ('send' in step) {
      if (!(await peer.write(bytesOf(step.send, last)))) break;
    } else if ('expect' in step) {
      const message = await peer.take(step.expect);
      if (message === undefined) break;
      last = message;
    } else if ('drip' in step) {
      const bytes = bytesOf(step.drip, last);
      for (let i = 0; i < bytes.length; i++) {
        if (!(await peer.write(bytes.subarray(i, i + 1)))) break;
        if (i + 1 < bytes.length && !(await peer.sleep(step.everyMs))) break;
      }
    } else if ('stall' in step) {
      await peer.gone;
    } else if ('reset' in step) {
      peer.socket.resetAndDestroy();
    } else if ('close' in step) {
      peer.socket.end();
    } else if ('neverEnd' in step) {
      await pour(peer, step.neverEnd(last));
    } else if ('wait' in step) {
      await peer.sleep(step.wait);
    } else if ('serve' in step) {
      for (;;) {
        const message = await peer.take(step.serve);
        if (message === undefined) break;
        await play(peer, await step.answer(message), message);
        if (!peer.open) break;
      }
    } else {
      const socket = await step.over();
      if (socket === undefined) continue;
      const other = new Peer(socket);
      await play(other, step.steps, last);
      socket.end();
    }
  }
  return last;
}

async function pour(peer: Peer, chunks: Iterable<Buffer>): Promise<void> {
  let turn = 0;
  for (const chunk of chunks) {
    if (!(await peer.write(chunk))) return;
    if (++turn % CHUNKS_PER_TURN === 0) await new Promise((r) => setImmediate(r));
  }
}
