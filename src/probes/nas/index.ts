/**
 * The share walk shared by the FTP and SMB probes. Those two take its files
 * directly; the rest of the project sees only this file: the default bounds of
 * a walk, which the command line shows as its option defaults, and the fixed
 * bounds of the content read, which a run records for its letters.
 */
export { DEFAULT_FILE_WALK, TEXT_READ } from './limits.ts';
