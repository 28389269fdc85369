/** What the dashboard refuses, with a code and a line a user can act on. */
export type WebErrorCode = 'NOT_LOOPBACK' | 'WEAK_TOKEN' | 'BAD_TLS';

export class WebError extends Error {
  override readonly name = 'WebError';
  constructor(
    readonly code: WebErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A page or run that does not exist: a 404 with this text. */
export class NotFound extends Error {
  override readonly name = 'NotFound';
}

/** A request the dashboard cannot read (a bad filter, a bad run id): a 400 with this text. */
export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}
