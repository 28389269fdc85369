/**
 * Writing report files: a path a user got wrong is a clear one-line error, not a stack trace.
 * Streamed reports are written chunk by chunk at the pace the reader takes them, to a
 * temporary file beside the target that takes its name only once complete.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
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

/** How pouring ended: every chunk handed over, or the stream stopped taking them. */
type Poured = { kind: 'done' } | { kind: 'failed'; error: Error } | { kind: 'closed' };

/**
 * Writes chunks as they come, waiting for 'drain' whenever the stream's
 * buffer is full: a slow reader slows the reading of the store instead of
 * filling memory. Leaving the loop early closes the chunk source (and with it
 * the store's pages); an error of the source itself is thrown as it is.
 */
async function pour(chunks: AsyncIterable<string>, to: Writable): Promise<Poured> {
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const onError = (err: Error): void => {
    failure ??= err;
    wake?.();
  };
  const onDrain = (): void => wake?.();
  to.on('error', onError);
  to.on('drain', onDrain);
  to.on('close', onDrain);
  try {
    for await (const chunk of chunks) {
      if (failure || to.destroyed) break;
      if (!to.write(chunk) && !failure && !to.destroyed) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    to.off('error', onError);
    to.off('drain', onDrain);
    to.off('close', onDrain);
  }
  if (failure) return { kind: 'failed', error: failure };
  return to.destroyed ? { kind: 'closed' } : { kind: 'done' };
}

/**
 * Streams a report to standard output. A reader that stops early (`| head`)
 * ends the report quietly: nothing more is read or written, exit code 0.
 */
export async function pourToStdout(chunks: AsyncIterable<string>): Promise<void> {
  const stdout = process.stdout;
  // Stays on: a reader that leaves after the last chunk was handed over is no error either.
  if (stdout.listenerCount('error') === 0) stdout.on('error', () => undefined);
  const poured = await pour(chunks, stdout);
  if (poured.kind === 'failed' && code(poured.error) !== 'EPIPE') throw new UsageError(`cannot write to standard output (${code(poured.error)})`);
}

/**
 * One streamed file, written under a temporary name in its own folder until
 * complete. Chunks go to the file descriptor with writeSync: a string written
 * so is encoded into a native buffer freed at once, where a write stream would
 * hold a Buffer per chunk until the next full collection (over a million
 * services, well over 100 MB of memory outside the heap). The reads that feed
 * it are synchronous too, so nothing waits on the other.
 */
class PartFile {
  private constructor(
    readonly path: string,
    private readonly temp: string,
    private fd: number | undefined,
  ) {}

  static async open(path: string): Promise<PartFile> {
    // writeFileSync would say EISDIR at once; a rename at the end would say it after all the work.
    if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`cannot write ${path} (EISDIR)`);
    const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.part`);
    try {
      return new PartFile(path, temp, openSync(temp, 'wx'));
    } catch (err) {
      throw new UsageError(`cannot write ${path} (${code(err)})`);
    }
  }

  write(chunk: string): void {
    if (chunk.length === 0) return;
    try {
      writeSync(this.fd as number, chunk);
    } catch (err) {
      throw new UsageError(`cannot write ${this.path} (${code(err)})`);
    }
  }

  /** Flushes and closes the temporary file. */
  async close(): Promise<void> {
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) return;
    try {
      closeSync(fd);
    } catch (err) {
      throw new UsageError(`cannot write ${this.path} (${code(err)})`);
    }
  }

  /** Gives the complete file its name. */
  commit(): void {
    try {
      renameSync(this.temp, this.path);
    } catch (err) {
      throw new UsageError(`cannot write ${this.path} (${code(err)})`);
    }
  }

  discard(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // Already unusable: it is removed next.
      }
      this.fd = undefined;
    }
    rmSync(this.temp, { force: true });
  }
}

/**
 * Writes streamed files so that a report failing half-way (the store, the
 * disk, a signal) never leaves a file that looks complete: each goes to a
 * temporary file beside its target, all are opened before anything is read
 * (a folder that cannot be written fails at once), renamed only when all
 * are complete, and removed on any error, which is then thrown. The files
 * are written side by side from one pass: each step's chunks go to them in order.
 */
export async function writeStreamedTogether(paths: readonly string[], chunks: AsyncIterable<readonly string[]>): Promise<void> {
  const parts: PartFile[] = [];
  try {
    for (const p of paths) parts.push(await PartFile.open(p));
    for await (const step of chunks) step.forEach((chunk, i) => parts[i]?.write(chunk));
    for (const p of parts) await p.close();
    for (const p of parts) p.commit();
  } catch (err) {
    for (const p of parts) p.discard();
    throw err;
  }
}
