/**
 * Target arguments as typed on the command line: specs separated by commas or
 * spaces, and `@FILE` for a file of specs (one a line, `#` comments).
 */
import { readFileSync } from 'node:fs';
import { parseSpec, TargetSpecError } from './spec.ts';
import type { TargetSpaceBuilder } from './space.ts';

/** Feeds every spec of every argument into the builder; returns how many specs were read. */
export function addTargetArgs(args: readonly string[], builder: TargetSpaceBuilder): number {
  let n = 0;
  for (const arg of args) {
    for (const piece of arg.split(/[,\s]+/)) {
      if (piece === '') continue;
      if (piece.startsWith('@')) {
        n += addSpecFile(piece.slice(1), builder);
        continue;
      }
      builder.add(parseSpec(piece), '');
      n++;
    }
  }
  if (n === 0) throw new TargetSpecError('no targets given');
  return n;
}

function addSpecFile(path: string, builder: TargetSpaceBuilder): number {
  if (path === '') throw new TargetSpecError('"@" must be followed by a file name (e.g. @targets.txt)');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TargetSpecError(`cannot read target file ${path} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  let n = 0;
  let start = 0;
  let lineNo = 0;
  // Walk the text by newline instead of split(): a million-line file makes no million-string array.
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const raw = text.slice(start, end);
    const hash = raw.indexOf('#');
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    start = end + 1;
    if (line === '') continue;
    const where = `line ${lineNo} of ${path}`;
    builder.add(parseSpec(line, where), where);
    n++;
  }
  return n;
}
