/**
 * Whether a DIMSE message received while we wait on one of our requests is that
 * request's response, and the codes a requestor reports for a peer that breaks the
 * DIMSE protocol. A scanner has one request outstanding at a time: anything else
 * that arrives is a protocol error, never a reason to keep waiting.
 *
 * Messages say what was wrong in structural terms (command names, field numbers,
 * context ids), never a string the peer sent.
 */
import { type Result, fail, ok } from '../dataset/result.ts';
import { CommandElement, decodeCommandSet, getUs } from './command-set.ts';
import type { AssemblyErrorCode } from './fragment.ts';
import { CommandField, decodeCommand, type CEchoRsp, type CFindRsp, type DimseMessage } from './messages.ts';

export type DimseResponse = CEchoRsp | CFindRsp;
export type ResponseType = DimseResponse['type'];
export type ResponseOf<T extends ResponseType> = Extract<DimseResponse, { readonly type: T }>;

/** The response our outstanding request calls for. */
export interface ExpectedResponse<T extends ResponseType = ResponseType> {
  /** C-ECHO-RSP answers C-ECHO-RQ; C-FIND-RSP answers C-FIND-RQ, before and after its C-CANCEL-RQ (PS3.7 9.3.2.3). */
  readonly type: T;
  /** Our request's MessageID (0000,0110): the response's MessageIDBeingRespondedTo (0000,0120), PS3.7 Annex E. */
  readonly messageId: number;
  /** The presentation context the request went on; its response comes back on the same one. */
  readonly contextId: number;
}

/**
 * Stable codes of DIMSE protocol errors, as the probe reports them:
 * - UNEXPECTED_DIMSE: a whole, well-formed command that does not answer our request
 *   (another command field, another message id, another context, a dataset where none may follow);
 * - MALFORMED_DIMSE: a command set that does not decode, or lacks a mandatory field;
 * - FRAGMENT_ORDER: PDV fragments out of the order of PS3.8 Annex E (a dataset fragment
 *   before its command is complete, a command while a dataset is due, a message changing context);
 * - DIMSE_TOO_LARGE: a command or message over our cap;
 * - UNKNOWN_CONTEXT: a fragment on a context id that cannot be a presentation context.
 */
export type DimseErrorCode = 'UNEXPECTED_DIMSE' | 'MALFORMED_DIMSE' | 'FRAGMENT_ORDER' | 'DIMSE_TOO_LARGE' | 'UNKNOWN_CONTEXT';

export interface DimseError {
  readonly code: DimseErrorCode;
  readonly message: string;
}

const ASSEMBLY_CODES: Readonly<Record<AssemblyErrorCode, DimseErrorCode>> = {
  'invalid-context-id': 'UNKNOWN_CONTEXT',
  'dataset-before-command': 'FRAGMENT_ORDER',
  'command-after-command': 'FRAGMENT_ORDER',
  'context-changed': 'FRAGMENT_ORDER',
  'command-too-large': 'DIMSE_TOO_LARGE',
  'message-too-large': 'DIMSE_TOO_LARGE',
  'malformed-command': 'MALFORMED_DIMSE',
};

/** The reported code of a fragment assembly error (fragment.ts). */
export function dimseErrorCode(code: AssemblyErrorCode): DimseErrorCode {
  return ASSEMBLY_CODES[code];
}

const REQUEST_OF: Readonly<Record<ResponseType, string>> = { 'C-ECHO-RSP': 'C-ECHO-RQ', 'C-FIND-RSP': 'C-FIND-RQ' };
const FIELD_OF: Readonly<Record<DimseMessage['type'], number>> = {
  'C-ECHO-RQ': CommandField.CEchoRq,
  'C-ECHO-RSP': CommandField.CEchoRsp,
  'C-FIND-RQ': CommandField.CFindRq,
  'C-FIND-RSP': CommandField.CFindRsp,
  'C-CANCEL-RQ': CommandField.CCancelRq,
};
const NAME_OF_FIELD: ReadonlyMap<number, string> = new Map(Object.entries(FIELD_OF).map(([name, field]) => [field, name]));

function hex4(n: number): string {
  return `${n.toString(16).toUpperCase().padStart(4, '0')}H`;
}

function fieldName(field: number): string {
  const name = NAME_OF_FIELD.get(field);
  return name === undefined ? `command field ${hex4(field)}` : `${name} (${hex4(field)})`;
}

function unexpected(expected: ExpectedResponse, detail: string): { readonly ok: false; readonly error: DimseError } {
  return fail({ code: 'UNEXPECTED_DIMSE', message: `answered ${REQUEST_OF[expected.type]} (message ${expected.messageId}) with ${detail}` });
}

function malformed(expected: ExpectedResponse, detail: string): { readonly ok: false; readonly error: DimseError } {
  return fail({ code: 'MALFORMED_DIMSE', message: `the answer to ${REQUEST_OF[expected.type]} (message ${expected.messageId}) is no command set: ${detail}` });
}

/**
 * Checks a received command set against the response we wait for: that it decodes, its
 * Command Field (PS3.7 Annex E), then MessageIDBeingRespondedTo, the presentation context, and for C-ECHO-RSP that no dataset follows (PS3.7 9.3.5.2: CommandDataSetType
 * 0101H). Can be called as soon as the command set is complete, before any dataset that
 * it announces has arrived. One decode on the common path.
 */
export function checkResponse<T extends ResponseType>(expected: ExpectedResponse<T>, contextId: number, command: Buffer): Result<ResponseOf<T>, DimseError> {
  const want = fieldName(FIELD_OF[expected.type]);
  const decoded = decodeCommand(command);
  if (!decoded.ok) {
    if (decoded.error.code !== 'unknown-command') return malformed(expected, decoded.error.message);
    const field = commandFieldOf(command);
    return unexpected(expected, `${field === undefined ? 'an unknown command' : fieldName(field)}, not ${want}`);
  }
  const { message, dataSetPresent } = decoded.value;
  if (!isResponseOf(message, expected.type)) return unexpected(expected, `${fieldName(FIELD_OF[message.type])}, not ${want}`);
  if (message.messageIdBeingRespondedTo !== expected.messageId) {
    return unexpected(expected, `a ${message.type} responding to message ${message.messageIdBeingRespondedTo}`);
  }
  if (contextId !== expected.contextId) {
    return unexpected(expected, `a ${message.type} on presentation context ${contextId}, not ${expected.contextId} where the request went`);
  }
  if (message.type === 'C-ECHO-RSP' && dataSetPresent) return unexpected(expected, 'a C-ECHO-RSP announcing a dataset');
  return ok(message);
}

/** Command Field of a command set that decoded as a set but not as a message we know. */
function commandFieldOf(command: Buffer): number | undefined {
  const set = decodeCommandSet(command);
  if (!set.ok) return undefined;
  const field = getUs(set.value, CommandElement.CommandField);
  return field.ok ? field.value : undefined;
}

function isResponseOf<T extends ResponseType>(message: DimseMessage, type: T): message is ResponseOf<T> {
  return message.type === type;
}
