/**
 * DIMSE messages to and from Presentation Data Values (PS3.8 9.3.5, Annex E).
 *
 * A message is a command set, then (if CommandDataSetType says so) a dataset,
 * each cut into PDV fragments whose message control header says command or
 * dataset and whether the fragment is the last one (PS3.8 E.2). A command
 * fragment and a dataset fragment never share a PDV (PS3.8 E.1).
 */
import { type CodecError, codecError } from '../dataset/result.ts';
import type { PresentationDataValue } from '../ul/pdv.ts';
import { commandDataSetPresent } from './messages.ts';

/** PS3.8 9.3.5: each PDV item is a 4-byte item length, then context id and message control header (1 byte each). */
export const PDV_ITEM_OVERHEAD = 6;
/** PS3.8 9.3.5: P-DATA-TF PDU type, reserved byte, 4-byte PDU length; not counted in Maximum Length. */
export const PDU_HEADER_LENGTH = 6;

export class FragmentError extends Error {
  override readonly name = 'FragmentError';
  constructor(
    readonly code: 'invalid-context-id' | 'max-pdu-too-small',
    message: string,
  ) {
    super(message);
  }
}

export interface ToPdvsOptions {
  /**
   * Put several PDVs in one P-DATA-TF when they fit (PS3.8 9.3.5 allows it).
   * Default false: one PDV per PDU, as common implementations send, which the
   * widest range of peers accepts.
   */
  readonly pack?: boolean;
}

function isContextId(id: number): boolean {
  return Number.isInteger(id) && id >= 1 && id <= 255 && id % 2 === 1; // PS3.8 9.3.2.2.1: odd 1..255
}

/**
 * Splits a message into PDVs, grouped per P-DATA-TF PDU, each PDU's variable
 * field (its PDV items) at most `maxPduLength` bytes: the peer's Maximum Length
 * Received (PS3.8 D.1.1), which counts the PDU's variable field only, so the
 * 6-byte PDU header is on top. 0 means no limit (PS3.8 D.1.1).
 *
 * Throws FragmentError for an invalid context id, or a limit too small to
 * carry one data byte per PDV (under 7): a probe should check a peer's
 * negotiated value before sending.
 */
export function toPdvs(
  contextId: number,
  command: Buffer,
  dataset: Buffer | undefined,
  maxPduLength: number,
  options: ToPdvsOptions = {},
): PresentationDataValue[][] {
  if (!isContextId(contextId)) throw new FragmentError('invalid-context-id', `${contextId} is not an odd integer in 1..255`);
  if (!Number.isInteger(maxPduLength) || maxPduLength < 0 || (maxPduLength > 0 && maxPduLength <= PDV_ITEM_OVERHEAD)) {
    throw new FragmentError('max-pdu-too-small', `maximum PDU length ${maxPduLength} cannot carry a PDV`);
  }
  // The PDU length field is 32 bits (PS3.8 9.3.5), so "no limit" still has one.
  const limit = maxPduLength === 0 ? 0xffffffff : maxPduLength;
  const pdus: PresentationDataValue[][] = [];
  let current: PresentationDataValue[] = [];
  let room = limit;

  const emit = (isCommand: boolean, data: Buffer): void => {
    let offset = 0;
    do {
      if (room <= PDV_ITEM_OVERHEAD || (!options.pack && current.length > 0)) {
        pdus.push(current);
        current = [];
        room = limit;
      }
      const take = Math.min(data.length - offset, room - PDV_ITEM_OVERHEAD);
      const isLast = offset + take === data.length;
      current.push({ contextId, isCommand, isLast, data: data.subarray(offset, offset + take) });
      room -= PDV_ITEM_OVERHEAD + take;
      offset += take;
    } while (offset < data.length);
  };

  emit(true, command);
  if (dataset !== undefined) emit(false, dataset);
  pdus.push(current);
  return pdus;
}

/** A whole message as received: its command set and, when one followed, its dataset. */
export interface ReceivedMessage {
  readonly contextId: number;
  readonly command: Buffer;
  readonly dataset?: Buffer;
}

export type AssemblyErrorCode =
  | 'invalid-context-id'
  | 'dataset-before-command'
  | 'command-after-command'
  | 'context-changed'
  | 'command-too-large'
  | 'message-too-large'
  | 'malformed-command';

/**
 * A protocol violation. `offset` is the byte count of the message received so
 * far when it happened; `field` names the PDV part at fault.
 */
export type AssemblyError = CodecError<AssemblyErrorCode>;

export type AssemblyStep =
  | { readonly kind: 'need-more' }
  | { readonly kind: 'message'; readonly message: ReceivedMessage }
  | { readonly kind: 'error'; readonly error: AssemblyError };

export interface MessageAssemblerOptions {
  /** Cap on command plus dataset bytes of one message; more is an error. */
  readonly maxMessageBytes: number;
  /** Cap on the command set alone (they are a few hundred bytes). Default 64 KiB. */
  readonly maxCommandBytes?: number;
}

type State =
  | { readonly phase: 'idle' }
  | { readonly phase: 'command'; readonly contextId: number }
  | { readonly phase: 'dataset'; readonly contextId: number; readonly command: Buffer }
  | { readonly phase: 'failed'; readonly error: AssemblyError };

/**
 * Reassembles messages from PDVs fed one at a time, in order, across PDUs.
 * Bytes held are bounded by the caps. After an error the assembler stays
 * failed (every later push returns that error): the association should be
 * aborted (PS3.8 9.3.8, A-ABORT).
 */
export class MessageAssembler {
  private state: State = { phase: 'idle' };
  private chunks: Buffer[] = [];
  private held = 0;
  private commandBytes = 0;
  private readonly maxMessageBytes: number;
  private readonly maxCommandBytes: number;

  constructor(options: MessageAssemblerOptions) {
    if (!Number.isInteger(options.maxMessageBytes) || options.maxMessageBytes <= 0) {
      throw new RangeError('maxMessageBytes must be a positive integer');
    }
    this.maxMessageBytes = options.maxMessageBytes;
    this.maxCommandBytes = Math.min(options.maxCommandBytes ?? 64 * 1024, options.maxMessageBytes);
  }

  /** True while part of a message has been received. */
  get inProgress(): boolean {
    return this.state.phase === 'command' || this.state.phase === 'dataset';
  }

  /**
   * The command set of the message being received once it is complete and its dataset
   * is still to come: a receiver can judge the command without waiting for the dataset.
   */
  get awaitingDataset(): { readonly contextId: number; readonly command: Buffer } | undefined {
    const s = this.state;
    return s.phase === 'dataset' ? { contextId: s.contextId, command: s.command } : undefined;
  }

  push(pdv: PresentationDataValue): AssemblyStep {
    const s = this.state;
    if (s.phase === 'failed') return { kind: 'error', error: s.error };
    const at = this.commandBytes + this.held;
    if (!isContextId(pdv.contextId)) {
      return this.fail('invalid-context-id', 'presentation context id', at, `${pdv.contextId} is not odd in 1..255`);
    }
    if (s.phase !== 'idle' && pdv.contextId !== s.contextId) {
      // PS3.8 E.2: all fragments of a message use one presentation context.
      return this.fail('context-changed', 'presentation context id', at, `${pdv.contextId} in a message begun on ${s.contextId}`);
    }
    if (pdv.isCommand) {
      if (s.phase === 'dataset') return this.fail('command-after-command', 'command fragment', at, 'a new command before the dataset of the last one');
      return this.onCommand(pdv, at);
    }
    if (s.phase !== 'dataset') {
      const detail = s.phase === 'idle' ? 'no command precedes it' : 'the command is not complete';
      return this.fail('dataset-before-command', 'dataset fragment', at, detail);
    }
    return this.onDataset(pdv, s.command, at);
  }

  private onCommand(pdv: PresentationDataValue, at: number): AssemblyStep {
    if (this.held + pdv.data.length > this.maxCommandBytes) {
      return this.fail('command-too-large', 'command fragment', at, `command set over ${this.maxCommandBytes} bytes`);
    }
    this.add(pdv.data);
    if (!pdv.isLast) {
      this.state = { phase: 'command', contextId: pdv.contextId };
      return { kind: 'need-more' };
    }
    const command = this.take();
    this.commandBytes = command.length;
    const present = commandDataSetPresent(command);
    if (!present.ok) return this.fail('malformed-command', 'command set', present.error.offset, present.error.message);
    if (present.value) {
      this.state = { phase: 'dataset', contextId: pdv.contextId, command };
      return { kind: 'need-more' };
    }
    this.reset();
    return { kind: 'message', message: { contextId: pdv.contextId, command } };
  }

  private onDataset(pdv: PresentationDataValue, command: Buffer, at: number): AssemblyStep {
    if (this.commandBytes + this.held + pdv.data.length > this.maxMessageBytes) {
      return this.fail('message-too-large', 'dataset fragment', at, `message over ${this.maxMessageBytes} bytes`);
    }
    this.add(pdv.data);
    if (!pdv.isLast) return { kind: 'need-more' };
    const dataset = this.take();
    this.reset();
    return { kind: 'message', message: { contextId: pdv.contextId, command, dataset } };
  }

  private add(data: Buffer): void {
    // Empty fragments add nothing, so a peer cannot grow the chunk list with them.
    if (data.length === 0) return;
    this.chunks.push(data);
    this.held += data.length;
  }

  /** Concatenates (copies) the held fragments, releasing the peer's PDU buffers. */
  private take(): Buffer {
    const out = Buffer.concat(this.chunks, this.held);
    this.chunks = [];
    this.held = 0;
    return out;
  }

  private reset(): void {
    this.state = { phase: 'idle' };
    this.chunks = [];
    this.held = 0;
    this.commandBytes = 0;
  }

  private fail(code: AssemblyErrorCode, field: string, offset: number, detail: string): AssemblyStep {
    const error = codecError(code, field, offset, detail);
    this.state = { phase: 'failed', error };
    this.chunks = [];
    this.held = 0;
    return { kind: 'error', error };
  }
}
