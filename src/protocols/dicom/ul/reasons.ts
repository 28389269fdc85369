/**
 * What the numbers in A-ASSOCIATE-RJ (PS3.8 9.3.4), A-ABORT (PS3.8 9.3.8) and presentation
 * context results (PS3.8 9.3.3.2) mean. A reject reason only means something together with
 * its source: reason 2 is "application context name not supported" from the service-user,
 * "protocol version not supported" from the ACSE provider, "local limit exceeded" from the
 * presentation provider.
 */

// ---------------------------------------------------------------- A-ASSOCIATE-RJ, PS3.8 9.3.4

/** PS3.8 9.3.4 Result. */
export const REJECT_RESULT_PERMANENT = 1;
export const REJECT_RESULT_TRANSIENT = 2;

/** PS3.8 9.3.4 Source. */
export const REJECT_SOURCE_SERVICE_USER = 1;
export const REJECT_SOURCE_PROVIDER_ACSE = 2;
export const REJECT_SOURCE_PROVIDER_PRESENTATION = 3;

/** A reject reason is a (source, reason) pair: compare both with `isRejectReason`. */
export interface RejectReasonCode {
  readonly source: number;
  readonly reason: number;
}

// PS3.8 9.3.4, source 1 (DICOM UL service-user)
export const REJECT_NO_REASON_GIVEN: RejectReasonCode = { source: 1, reason: 1 };
export const REJECT_APPLICATION_CONTEXT_NOT_SUPPORTED: RejectReasonCode = { source: 1, reason: 2 };
export const REJECT_CALLING_AE_NOT_RECOGNISED: RejectReasonCode = { source: 1, reason: 3 };
export const REJECT_CALLED_AE_NOT_RECOGNISED: RejectReasonCode = { source: 1, reason: 7 };
// PS3.8 9.3.4, source 2 (DICOM UL service-provider, ACSE related function)
export const REJECT_PROVIDER_NO_REASON_GIVEN: RejectReasonCode = { source: 2, reason: 1 };
export const REJECT_PROTOCOL_VERSION_NOT_SUPPORTED: RejectReasonCode = { source: 2, reason: 2 };
// PS3.8 9.3.4, source 3 (DICOM UL service-provider, presentation related function)
export const REJECT_TEMPORARY_CONGESTION: RejectReasonCode = { source: 3, reason: 1 };
export const REJECT_LOCAL_LIMIT_EXCEEDED: RejectReasonCode = { source: 3, reason: 2 };

/** True if the rejection carries this (source, reason). */
export function isRejectReason(rj: RejectReasonCode, code: RejectReasonCode): boolean {
  return rj.source === code.source && rj.reason === code.reason;
}

const REJECT_RESULTS: ReadonlyMap<number, string> = new Map([
  [1, 'rejected (permanent)'],
  [2, 'rejected (transient)'],
]);

const REJECT_SOURCES: ReadonlyMap<number, string> = new Map([
  [1, 'DICOM UL service-user'],
  [2, 'DICOM UL service-provider (ACSE related function)'],
  [3, 'DICOM UL service-provider (presentation related function)'],
]);

/** PS3.8 9.3.4 Reason/Diag. per source; `null` marks values the standard reserves. */
const REJECT_REASONS: ReadonlyMap<number, ReadonlyMap<number, string | null>> = new Map([
  [1, new Map<number, string | null>([
    [1, 'no reason given'],
    [2, 'application context name not supported'],
    [3, 'calling AE title not recognised'],
    [4, null], [5, null], [6, null],
    [7, 'called AE title not recognised'],
    [8, null], [9, null], [10, null],
  ])],
  [2, new Map<number, string | null>([
    [1, 'no reason given'],
    [2, 'protocol version not supported'],
  ])],
  [3, new Map<number, string | null>([
    [0, null],
    [1, 'temporary congestion'],
    [2, 'local limit exceeded'],
    [3, null], [4, null], [5, null], [6, null], [7, null],
  ])],
]);

export function describeRejectResult(result: number): string {
  return REJECT_RESULTS.get(result) ?? `result ${result} (not defined in PS3.8)`;
}

export function describeRejectSource(source: number): string {
  return REJECT_SOURCES.get(source) ?? `source ${source} (not defined in PS3.8)`;
}

export function describeRejectReason(source: number, reason: number): string {
  const forSource = REJECT_REASONS.get(source);
  if (forSource === undefined) return `reason ${reason} (not defined in PS3.8 for source ${source})`;
  const text = forSource.get(reason);
  if (text === undefined) return `reason ${reason} (not defined in PS3.8 for source ${source})`;
  if (text === null) return `reason ${reason} (reserved in PS3.8 for source ${source})`;
  return text;
}

/** E.g. "rejected (permanent) by DICOM UL service-user: called AE title not recognised". */
export function describeReject(result: number, source: number, reason: number): string {
  return `${describeRejectResult(result)} by ${describeRejectSource(source)}: ${describeRejectReason(source, reason)}`;
}

// ---------------------------------------------------------------- A-ABORT, PS3.8 9.3.8

export const ABORT_SOURCE_SERVICE_USER = 0;
export const ABORT_SOURCE_SERVICE_PROVIDER = 2;

export const ABORT_REASON_NOT_SPECIFIED = 0;
export const ABORT_UNRECOGNISED_PDU = 1;
export const ABORT_UNEXPECTED_PDU = 2;
export const ABORT_UNRECOGNISED_PDU_PARAMETER = 4;
export const ABORT_UNEXPECTED_PDU_PARAMETER = 5;
export const ABORT_INVALID_PDU_PARAMETER_VALUE = 6;

const ABORT_SOURCES: ReadonlyMap<number, string | null> = new Map([
  [0, 'DICOM UL service-user'],
  [1, null],
  [2, 'DICOM UL service-provider'],
]);

/** PS3.8 9.3.8: significant only when the source is the service-provider (2). */
const ABORT_REASONS: ReadonlyMap<number, string | null> = new Map([
  [0, 'reason not specified'],
  [1, 'unrecognised PDU'],
  [2, 'unexpected PDU'],
  [3, null],
  [4, 'unrecognised PDU parameter'],
  [5, 'unexpected PDU parameter'],
  [6, 'invalid PDU parameter value'],
]);

export function describeAbortSource(source: number): string {
  const text = ABORT_SOURCES.get(source);
  if (text === undefined) return `source ${source} (not defined in PS3.8)`;
  if (text === null) return `source ${source} (reserved in PS3.8)`;
  return text;
}

/** E.g. "aborted by DICOM UL service-provider: unexpected PDU". */
export function describeAbort(source: number, reason: number): string {
  const by = `aborted by ${describeAbortSource(source)}`;
  // PS3.8 9.3.8: with any source but the provider, the reason is not significant.
  if (source !== ABORT_SOURCE_SERVICE_PROVIDER) return by;
  const text = ABORT_REASONS.get(reason);
  if (text === undefined) return `${by}: reason ${reason} (not defined in PS3.8 for source ${source})`;
  if (text === null) return `${by}: reason ${reason} (reserved in PS3.8 for source ${source})`;
  return `${by}: ${text}`;
}

// ---------------------------------------------------------------- presentation context, PS3.8 9.3.3.2

export const CONTEXT_ACCEPTANCE = 0;
export const CONTEXT_USER_REJECTION = 1;
export const CONTEXT_NO_REASON = 2;
export const CONTEXT_ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
export const CONTEXT_TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

const CONTEXT_RESULTS: ReadonlyMap<number, string> = new Map([
  [0, 'acceptance'],
  [1, 'user rejection'],
  [2, 'no reason (provider rejection)'],
  [3, 'abstract syntax not supported (provider rejection)'],
  [4, 'transfer syntaxes not supported (provider rejection)'],
]);

export function describeContextResult(result: number): string {
  return CONTEXT_RESULTS.get(result) ?? `result ${result} (not defined in PS3.8)`;
}
