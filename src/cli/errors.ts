/** Mistakes a user can fix: printed as one clear line, exit code 2, no stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const USER_ERRORS = new Set(['UsageError', 'TargetSpecError', 'OutOfScopeError', 'StoreError', 'ScanError', 'LabError', 'MergeError', 'ClusterError', 'WebError', 'WatchError']);

export function isUserError(err: unknown): err is Error {
  return err instanceof Error && USER_ERRORS.has(err.name);
}
