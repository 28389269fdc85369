/**
 * Why a run cannot start or continue, each with a stable code: a mistake the
 * user can fix (printed as one line, exit status 2), never a stack trace.
 */
export type ScanErrorCode =
  /** Exclusions removed every target. */
  | 'NOTHING_TO_SCAN'
  /** The run to resume is not in the store. */
  | 'UNKNOWN_RUN'
  /** The run to resume already ran to its end. */
  | 'RUN_COMPLETED'
  /** The run's recorded parameters are missing, from another version, or malformed. */
  | 'RUN_PARAMETERS'
  /** The run to resume was merged from shards (`exposure merge`): its shards are what resume. */
  | 'RUN_MERGED';

export class ScanError extends Error {
  override readonly name = 'ScanError';
  constructor(
    readonly code: ScanErrorCode,
    message: string,
  ) {
    super(message);
  }
}
