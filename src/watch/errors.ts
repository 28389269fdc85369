/** Mistakes a user of `watch`, `findings` or `verify` can fix, each with a stable code: one line, exit status 2. */
export type WatchErrorCode =
  /** The configuration file is missing, unreadable or invalid. */
  | 'CONFIG'
  /** An alert's key or login is not where the configuration says. */
  | 'SECRET'
  /** No stored finding has that id, or that rule on that endpoint. */
  | 'UNKNOWN_FINDING'
  /** No stored run belongs to the scope asked for. */
  | 'UNKNOWN_SCOPE'
  /** Not a finding id nor RULE@ADDRESS:PORT. */
  | 'FINDING_REF';

export class WatchError extends Error {
  override readonly name = 'WatchError';
  constructor(
    readonly code: WatchErrorCode,
    message: string,
  ) {
    super(message);
  }
}
