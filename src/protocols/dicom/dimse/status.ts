/**
 * DIMSE status values (Status (0000,0900)) and their classes, PS3.7 Annex C,
 * with the C-FIND specific codes of PS3.4 C.4.1.1.4.
 */

export type StatusClass = 'success' | 'pending' | 'cancel' | 'warning' | 'failure' | 'unknown';

export const Status = {
  Success: 0x0000, // PS3.7 C.1
  Pending: 0xff00, // PS3.7 C.2; C-FIND: matches are continuing
  PendingWarning: 0xff01, // PS3.4 C.4.1.1.4: pending, optional keys not supported
  Cancel: 0xfe00, // PS3.7 C.3: terminated due to Cancel request
  AttributeListError: 0x0107, // PS3.7 C.4.2 (warning)
  AttributeValueOutOfRange: 0x0116, // PS3.7 C.4.3 (warning)
  SopClassNotSupported: 0x0122, // PS3.7 C.5.20: refused, SOP class not supported
  NotAuthorized: 0x0124, // PS3.7 C.5.22: refused, not authorized
  ProcessingFailure: 0x0110, // PS3.7 C.5.5
  DuplicateInvocation: 0x0210, // PS3.7 C.5.23
  UnrecognizedOperation: 0x0211, // PS3.7 C.5.24
  MistypedArgument: 0x0212, // PS3.7 C.5.25
  ResourceLimitation: 0x0213, // PS3.7 C.5.26
  OutOfResources: 0xa700, // PS3.4 C.4.1.1.4: refused, out of resources
  IdentifierDoesNotMatchSopClass: 0xa900, // PS3.4 C.4.1.1.4
  UnableToProcess: 0xc000, // PS3.4 C.4.1.1.4: failed, unable to process (Cxxx)
} as const;

/**
 * PS3.7 Annex C: the class of a status value.
 * - success: 0000
 * - pending: FF00, FF01
 * - cancel: FE00
 * - warning: 0001, Bxxx, and 0107 / 0116 (attribute warnings, C.4)
 * - failure: Axxx, Cxxx, 01xx and 02xx (C.5)
 * - unknown: anything else; a caller should treat it as a failure but may
 *   want to record that the peer sent a value outside the standard's classes.
 */
export function statusClass(status: number): StatusClass {
  if (status === 0x0000) return 'success';
  if (status === 0xff00 || status === 0xff01) return 'pending';
  if (status === 0xfe00) return 'cancel';
  if (status === 0x0001 || status === 0x0107 || status === 0x0116) return 'warning';
  const high = status >>> 12;
  if (high === 0xb) return 'warning';
  if (high === 0xa || high === 0xc) return 'failure';
  if (status >= 0x0100 && status <= 0x02ff) return 'failure';
  return 'unknown';
}

const TEXT = new Map<number, string>([
  [0x0000, 'success'],
  [0xff00, 'pending: matches are continuing'],
  [0xff01, 'pending: matches are continuing, optional keys not supported'],
  [0xfe00, 'cancelled: terminated due to a C-CANCEL request'],
  [0x0001, 'warning: requested optional attributes are not supported'],
  [0x0107, 'warning: attribute list error'],
  [0x0116, 'warning: attribute value out of range'],
  [0xb000, 'warning: coercion of data elements'],
  [0xb006, 'warning: elements discarded'],
  [0xb007, 'warning: data set does not match SOP class'],
  [0x0105, 'failure: no such attribute'],
  [0x0106, 'failure: invalid attribute value'],
  [0x0110, 'failure: processing failure'],
  [0x0111, 'failure: duplicate SOP instance'],
  [0x0112, 'failure: no such SOP instance'],
  [0x0114, 'failure: no such argument'],
  [0x0115, 'failure: invalid argument value'],
  [0x0117, 'failure: invalid object instance'],
  [0x0118, 'failure: no such SOP class'],
  [0x0119, 'failure: class-instance conflict'],
  [0x0120, 'failure: missing attribute'],
  [0x0121, 'failure: missing attribute value'],
  [0x0122, 'refused: SOP class not supported'],
  [0x0123, 'failure: no such action'],
  [0x0124, 'refused: not authorized'],
  [0x0210, 'failure: duplicate invocation'],
  [0x0211, 'failure: unrecognized operation'],
  [0x0212, 'failure: mistyped argument'],
  [0x0213, 'failure: resource limitation'],
  [0xa700, 'refused: out of resources'],
  [0xa900, 'failed: identifier does not match SOP class'],
]);

/** "0xA700 refused: out of resources", or the class for a code without a common text. */
export function statusText(status: number): string {
  const hex = `0x${status.toString(16).toUpperCase().padStart(4, '0')}`;
  const text = TEXT.get(status);
  if (text !== undefined) return `${hex} ${text}`;
  if (status >>> 12 === 0xc) return `${hex} failed: unable to process`;
  return `${hex} ${statusClass(status)}`;
}
