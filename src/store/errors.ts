/**
 * Errors the store throws, each with a stable code.
 *
 * Validation errors name the field and zod's issue code only: zod's own
 * messages can quote the received value (an enum mismatch says "received
 * '…'"), and that value may be a string a peer sent. The ZodError is not kept
 * as a cause for the same reason: a logger printing causes would leak it.
 */
import type { ZodIssue, ZodType } from 'zod';

export type StoreErrorCode =
  | 'NO_SUCH_FOLDER'
  | 'NOT_EXPOSURE_DB'
  | 'CANNOT_CONNECT'
  | 'NEWER_SCHEMA'
  | 'OLDER_SCHEMA_READONLY'
  | 'INVALID_OBSERVATION'
  | 'INVALID_FINDING'
  | 'INVALID_HOST'
  | 'INVALID_RUN'
  | 'UNKNOWN_RUN'
  | 'HOST_ALREADY_RECORDED'
  | 'CORRUPT_ROW';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Where a value failed its schema: a path like "details.find.modalities.0" and zod's issue code. */
export interface ValidationIssue {
  path: string;
  code: string;
}

export type ValidationErrorCode = 'INVALID_OBSERVATION' | 'INVALID_FINDING' | 'INVALID_HOST' | 'INVALID_RUN';

export class StoreValidationError extends StoreError {
  declare readonly code: ValidationErrorCode;

  constructor(
    code: ValidationErrorCode,
    /** Which value, in our words, e.g. "observation of service 2 of host 10.0.0.5". */
    subject: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    const shown = issues.slice(0, 5).map((i) => `${i.path || '(root)'} (${i.code})`);
    const more = issues.length > shown.length ? ` and ${issues.length - shown.length} more` : '';
    super(code, `${subject} is invalid: ${shown.join(', ')}${more}`);
  }
}

function toIssue(issue: ZodIssue): ValidationIssue {
  return { path: issue.path.join('.'), code: issue.code };
}

/** Parses with a schema, or throws a StoreValidationError that carries no value from the input. */
export function validate<T>(
  schema: ZodType<T>,
  value: unknown,
  code: ValidationErrorCode,
  subject: string,
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new StoreValidationError(code, subject, result.error.issues.map(toIssue));
}
