/**
 * The DIMSE messages the scanner and the lab exchange, named as in PS3.7:
 * C-ECHO (9.1.5, command fields 9.3.5), C-FIND (9.1.2, 9.3.2) and C-CANCEL
 * (9.3.2.3). A message here is its command set; the identifier of a C-FIND
 * travels beside it as dataset bytes (dataset/encode.ts, dataset/walk.ts).
 */
import { type CodecError, type Result, codecError, fail, ok } from '../dataset/result.ts';
import {
  type CommandElementInput,
  type CommandSet,
  type CommandSetError,
  type CommandSetErrorCode,
  CommandElement,
  commandElementName,
  decodeCommandSet,
  encodeCommandSet,
  getAt,
  getString,
  getUs,
} from './command-set.ts';
import { statusClass } from './status.ts';

/** PS3.7 Annex E: Command Field (0000,0100) values of the messages handled here. */
export const CommandField = {
  CEchoRq: 0x0030,
  CEchoRsp: 0x8030,
  CFindRq: 0x0020,
  CFindRsp: 0x8020,
  CCancelRq: 0x0fff,
} as const;

/** PS3.7 Annex E: Command Data Set Type (0000,0800); 0101H means no dataset, any other value that one follows. */
export const CommandDataSetType = {
  Absent: 0x0101,
  /** The value we send when a dataset follows. */
  Present: 0x0001,
} as const;

/** PS3.7 Annex E: Priority (0000,0700). */
export const Priority = { Medium: 0x0000, High: 0x0001, Low: 0x0002 } as const;

export interface CEchoRq {
  readonly type: 'C-ECHO-RQ';
  readonly messageId: number;
  readonly affectedSopClassUid: string;
}

export interface CEchoRsp {
  readonly type: 'C-ECHO-RSP';
  readonly messageIdBeingRespondedTo: number;
  /** U in a response (PS3.7 9.3.5.2): if present, equal to the request's. */
  readonly affectedSopClassUid?: string;
  readonly status: number;
  /** Peer text; may say anything, so never shown as is. */
  readonly errorComment?: string;
}

/** The identifier goes in the dataset that follows (CommandDataSetType says one does). */
export interface CFindRq {
  readonly type: 'C-FIND-RQ';
  readonly messageId: number;
  readonly affectedSopClassUid: string;
  readonly priority: number;
}

/** An identifier follows only when the status is pending (PS3.7 9.1.2.1.5). */
export interface CFindRsp {
  readonly type: 'C-FIND-RSP';
  readonly messageIdBeingRespondedTo: number;
  readonly affectedSopClassUid?: string;
  readonly status: number;
  readonly offendingElement?: readonly number[];
  readonly errorComment?: string;
}

export interface CCancelRq {
  readonly type: 'C-CANCEL-RQ';
  readonly messageIdBeingRespondedTo: number;
}

export type DimseMessage = CEchoRq | CEchoRsp | CFindRq | CFindRsp | CCancelRq;

/** Whether a dataset follows the command set of `msg` when we send it. */
export function dataSetFollows(msg: DimseMessage): boolean {
  switch (msg.type) {
    case 'C-FIND-RQ':
      return true;
    case 'C-FIND-RSP':
      return statusClass(msg.status) === 'pending';
    case 'C-ECHO-RQ':
    case 'C-ECHO-RSP':
    case 'C-CANCEL-RQ':
      return false;
    default: {
      const never: never = msg;
      return never;
    }
  }
}

function us(tag: number, value: number): CommandElementInput {
  return { tag, vr: 'US', value };
}

function optional(msg: { readonly affectedSopClassUid?: string; readonly errorComment?: string }): CommandElementInput[] {
  const out: CommandElementInput[] = [];
  if (msg.affectedSopClassUid !== undefined) out.push({ tag: CommandElement.AffectedSOPClassUID, vr: 'UI', value: msg.affectedSopClassUid });
  if (msg.errorComment !== undefined) out.push({ tag: CommandElement.ErrorComment, vr: 'LO', value: msg.errorComment });
  return out;
}

/**
 * The command set of `msg`, with CommandDataSetType set from dataSetFollows.
 * Throws CommandEncodeError for out-of-range numbers or non-ASCII strings.
 */
export function encodeCommand(msg: DimseMessage): Buffer {
  const dataSetType = us(CommandElement.CommandDataSetType, dataSetFollows(msg) ? CommandDataSetType.Present : CommandDataSetType.Absent);
  switch (msg.type) {
    case 'C-ECHO-RQ': // PS3.7 9.3.5.1
      return encodeCommandSet([
        { tag: CommandElement.AffectedSOPClassUID, vr: 'UI', value: msg.affectedSopClassUid },
        us(CommandElement.CommandField, CommandField.CEchoRq),
        us(CommandElement.MessageID, msg.messageId),
        dataSetType,
      ]);
    case 'C-ECHO-RSP': // PS3.7 9.3.5.2
      return encodeCommandSet([
        ...optional(msg),
        us(CommandElement.CommandField, CommandField.CEchoRsp),
        us(CommandElement.MessageIDBeingRespondedTo, msg.messageIdBeingRespondedTo),
        dataSetType,
        us(CommandElement.Status, msg.status),
      ]);
    case 'C-FIND-RQ': // PS3.7 9.3.2.1
      return encodeCommandSet([
        { tag: CommandElement.AffectedSOPClassUID, vr: 'UI', value: msg.affectedSopClassUid },
        us(CommandElement.CommandField, CommandField.CFindRq),
        us(CommandElement.MessageID, msg.messageId),
        us(CommandElement.Priority, msg.priority),
        dataSetType,
      ]);
    case 'C-FIND-RSP': {
      // PS3.7 9.3.2.2
      const offending: CommandElementInput[] =
        msg.offendingElement === undefined ? [] : [{ tag: CommandElement.OffendingElement, vr: 'AT', value: msg.offendingElement }];
      return encodeCommandSet([
        ...optional(msg),
        ...offending,
        us(CommandElement.CommandField, CommandField.CFindRsp),
        us(CommandElement.MessageIDBeingRespondedTo, msg.messageIdBeingRespondedTo),
        dataSetType,
        us(CommandElement.Status, msg.status),
      ]);
    }
    case 'C-CANCEL-RQ': // PS3.7 9.3.2.3
      return encodeCommandSet([
        us(CommandElement.CommandField, CommandField.CCancelRq),
        us(CommandElement.MessageIDBeingRespondedTo, msg.messageIdBeingRespondedTo),
        dataSetType,
      ]);
    default: {
      const never: never = msg;
      return never;
    }
  }
}

export type CommandErrorCode = CommandSetErrorCode;
export type CommandError = CodecError<CommandErrorCode>;

export interface DecodedCommand {
  readonly message: DimseMessage;
  /** What CommandDataSetType (0000,0800) said: whether a dataset follows this command. */
  readonly dataSetPresent: boolean;
  /** The raw elements, for fingerprinting what a peer sends beyond the fields above. */
  readonly commandSet: CommandSet;
}

class Missing {
  constructor(readonly error: CommandError) {}
}

/** Reads a mandatory US, or throws Missing (caught in decodeCommand, never escapes). */
function requireUs(cs: CommandSet, tag: number): number {
  const r = getUs(cs, tag);
  if (!r.ok) throw new Missing(r.error);
  if (r.value === undefined) throw new Missing(codecError('missing-element', commandElementName(tag), 0, 'mandatory in this command'));
  return r.value;
}

function requireString(cs: CommandSet, tag: number): string {
  const s = getString(cs, tag);
  if (s === undefined) throw new Missing(codecError('missing-element', commandElementName(tag), 0, 'mandatory in this command'));
  return s;
}

function optionalStrings(cs: CommandSet): { affectedSopClassUid?: string; errorComment?: string } {
  const uid = getString(cs, CommandElement.AffectedSOPClassUID);
  const comment = getString(cs, CommandElement.ErrorComment);
  return { ...(uid === undefined ? {} : { affectedSopClassUid: uid }), ...(comment === undefined ? {} : { errorComment: comment }) };
}

function messageOf(cs: CommandSet, commandField: number): DimseMessage | CommandError {
  switch (commandField) {
    case CommandField.CEchoRq:
      return { type: 'C-ECHO-RQ', messageId: requireUs(cs, CommandElement.MessageID), affectedSopClassUid: requireString(cs, CommandElement.AffectedSOPClassUID) };
    case CommandField.CEchoRsp:
      return {
        type: 'C-ECHO-RSP',
        messageIdBeingRespondedTo: requireUs(cs, CommandElement.MessageIDBeingRespondedTo),
        status: requireUs(cs, CommandElement.Status),
        ...optionalStrings(cs),
      };
    case CommandField.CFindRq:
      return {
        type: 'C-FIND-RQ',
        messageId: requireUs(cs, CommandElement.MessageID),
        affectedSopClassUid: requireString(cs, CommandElement.AffectedSOPClassUID),
        priority: requireUs(cs, CommandElement.Priority),
      };
    case CommandField.CFindRsp: {
      const offending = getAt(cs, CommandElement.OffendingElement);
      if (!offending.ok) return offending.error;
      return {
        type: 'C-FIND-RSP',
        messageIdBeingRespondedTo: requireUs(cs, CommandElement.MessageIDBeingRespondedTo),
        status: requireUs(cs, CommandElement.Status),
        ...optionalStrings(cs),
        ...(offending.value === undefined ? {} : { offendingElement: offending.value }),
      };
    }
    case CommandField.CCancelRq:
      return { type: 'C-CANCEL-RQ', messageIdBeingRespondedTo: requireUs(cs, CommandElement.MessageIDBeingRespondedTo) };
    default: {
      const hex = commandField.toString(16).toUpperCase().padStart(4, '0');
      const offset = cs.elements.get(CommandElement.CommandField)?.offset ?? 0;
      return codecError('unknown-command', commandElementName(CommandElement.CommandField), offset, `${hex}H is not a command handled here`);
    }
  }
}

/**
 * Decodes a command set into one of the messages above. Never throws: a
 * malformed command set, a missing mandatory field or an unknown Command Field
 * comes back as an error naming the field.
 */
export function decodeCommand(buf: Buffer): Result<DecodedCommand, CommandError> {
  const decoded = decodeCommandSet(buf);
  if (!decoded.ok) return decoded;
  const cs = decoded.value;
  try {
    const commandField = requireUs(cs, CommandElement.CommandField);
    const dataSetType = requireUs(cs, CommandElement.CommandDataSetType);
    const message = messageOf(cs, commandField);
    if ('code' in message) return fail(message);
    return ok({ message, dataSetPresent: dataSetType !== CommandDataSetType.Absent, commandSet: cs });
  } catch (e) {
    if (e instanceof Missing) return fail(e.error);
    throw e;
  }
}

/** Whether a dataset follows the command in `buf`, read from CommandDataSetType alone (for the assembler). */
export function commandDataSetPresent(buf: Buffer): Result<boolean, CommandSetError> {
  const decoded = decodeCommandSet(buf);
  if (!decoded.ok) return decoded;
  const t = getUs(decoded.value, CommandElement.CommandDataSetType);
  if (!t.ok) return t;
  if (t.value === undefined) {
    return fail(codecError('missing-element', commandElementName(CommandElement.CommandDataSetType), 0, 'mandatory in every command'));
  }
  return ok(t.value !== CommandDataSetType.Absent);
}
