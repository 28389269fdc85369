/** Writing report files: a path a user got wrong is a clear one-line error, not a stack trace. */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { UsageError } from './errors.ts';

function code(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? 'unwritable';
}

export function writeOut(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw new UsageError(`cannot write ${path} (${code(err)})`);
  }
}

export function makeDir(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot create the folder ${path} (${code(err)}${code(err) === 'EEXIST' || code(err) === 'ENOTDIR' ? ': a file is in the way' : ''})`);
  }
}

/** A folder that is new or empty, so outputs of different runs never mix. */
export function makeEmptyDir(path: string, what: string): void {
  makeDir(path);
  let entries: string[];
  try {
    entries = readdirSync(path);
  } catch (err) {
    throw new UsageError(`cannot read the folder ${path} (${code(err)})`);
  }
  if (entries.length > 0) throw new UsageError(`${path} is not empty: give ${what} a new or empty folder, so packs of different runs never mix`);
}
