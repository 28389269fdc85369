/**
 * A scan's batches written from a thread of their own.
 *
 * Validating each observation and finding (zod) and the SQLite inserts and
 * commits cost the probing thread about as much as the DICOM exchanges they
 * record (docs/decisions/0003-store.md): on a second core, they run while
 * the probes go on. The worker (write-worker.ts) opens its own connection to
 * the same file (WAL: the main connection stays usable for the run's own rows)
 * and writes each batch in one transaction, in the order sent; each
 * recordHosts resolves when its batch is committed, or rejects with the error
 * the main thread would have thrown (same class, code and message).
 *
 * A batch crosses by structured clone: it is the worker's copy that is
 * validated and stored, so nothing the probes still hold is shared.
 */
import { Worker } from 'node:worker_threads';
import { StoreError, StoreValidationError, type StoreErrorCode, type ValidationErrorCode, type ValidationIssue } from './errors.ts';
import type { HostBatch } from './store.ts';

export interface WriterData {
  readonly path: string;
}

export interface WriteRequest {
  readonly id: number;
  readonly runId: number;
  readonly batch: HostBatch;
}

export interface WriteReply {
  readonly id: number;
  readonly error?:
    | { readonly kind: 'validation'; readonly code: ValidationErrorCode; readonly message: string; readonly issues: ValidationIssue[] }
    | { readonly kind: 'store'; readonly code: StoreErrorCode; readonly message: string }
    | { readonly kind: 'other'; readonly name: string; readonly message: string; readonly code?: string };
}

/**
 * The worker's own heap stays small: it holds a batch or two at a time.
 * (Its young generation would otherwise grow like the main thread's.)
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 } as const;

function rebuilt(e: NonNullable<WriteReply['error']>): Error {
  switch (e.kind) {
    case 'validation': {
      const err = new StoreValidationError(e.code, 'batch', e.issues);
      err.message = e.message;
      return err;
    }
    case 'store':
      return new StoreError(e.code, e.message);
    case 'other': {
      const err = new Error(e.message);
      err.name = e.name;
      return e.code === undefined ? err : Object.assign(err, { code: e.code });
    }
  }
}

export class WriteThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private nextId = 1;
  /** Set once the worker is gone: every call after that rejects with it. */
  private lost: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(path: string) {
    // Compiled (dist/) or run from the sources through tsx: the worker runs the same way this module does.
    const compiled = import.meta.url.endsWith('.js');
    this.worker = new Worker(new URL(compiled ? './write-worker.js' : './write-worker.ts', import.meta.url), {
      workerData: { path } satisfies WriterData,
      resourceLimits: WORKER_LIMITS,
    });
    // Alive only while it has batches to write (or is closing): an idle writer does not keep the process running.
    this.worker.unref();
    this.worker.on('message', (reply: WriteReply) => {
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0 && !this.closing) this.worker.unref();
      if (reply.error) p?.reject(rebuilt(reply.error));
      else p?.resolve();
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`the store's writing thread stopped (exit code ${code})`)));
  }

  recordHosts(runId: number, batch: HostBatch): Promise<void> {
    if (this.lost) return Promise.reject(this.lost);
    if (this.closing) return Promise.reject(new Error("the store's writing thread is closed"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      try {
        this.worker.postMessage({ id, runId, batch } satisfies WriteRequest);
      } catch (err) {
        // A value that cannot be cloned: a bug in the caller, reported as the main thread would meet it.
        this.pending.delete(id);
        if (this.pending.size === 0) this.worker.unref();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** Waits for every batch sent, then lets the worker close its connection and end. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.lost) return resolve();
      this.worker.ref();
      this.worker.once('exit', () => resolve());
      this.worker.postMessage('close');
    });
    return this.closing;
  }

  private fail(err: Error): void {
    this.lost ??= err;
    for (const p of this.pending.values()) p.reject(this.lost);
    this.pending.clear();
  }
}
