/** Lab failures with stable codes and messages a user can act on. */
export type LabErrorCode =
  | 'binary-missing'
  | 'shim-build-failed'
  | 'bad-address'
  | 'bad-option'
  | 'bad-dir'
  | 'port-in-use'
  | 'spawn-failed'
  | 'not-ready'
  | 'load-failed'
  | 'tool-timeout'
  | 'stop-failed';

export class LabError extends Error {
  override readonly name = 'LabError';
  constructor(
    readonly code: LabErrorCode,
    message: string,
  ) {
    super(message);
  }
}
