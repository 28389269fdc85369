/**
 * The store's writing thread (write-thread.ts starts it): its own connection
 * to the scan's SQLite file, and the same validated batch writes the main
 * thread would make (sqlite-writes.ts), one transaction per batch, in the
 * order they arrive.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './open.ts';
import { prepareWrites } from './sqlite-writes.ts';
import type { WriteReply, WriteRequest, WriterData } from './write-thread.ts';
import { StoreError, StoreValidationError } from './errors.ts';

const port = parentPort;
if (!port) throw new Error('write-worker.ts runs as a worker thread (store/write-thread.ts)');
const { path } = workerData as WriterData;
// The main thread opened (and migrated) the file first: this only joins it.
const db = openDatabase(path);
const writes = prepareWrites(db, () => new Date());

/** What crosses back: codes, our own messages and field paths, never a value from the batch. */
function failure(err: unknown): WriteReply['error'] {
  if (err instanceof StoreValidationError) return { kind: 'validation', code: err.code, message: err.message, issues: [...err.issues] };
  if (err instanceof StoreError) return { kind: 'store', code: err.code, message: err.message };
  const e = err instanceof Error ? err : new Error(String(err));
  return { kind: 'other', name: e.name, message: e.message, ...('code' in e && typeof e.code === 'string' ? { code: e.code } : {}) };
}

port.on('message', (m: WriteRequest | 'close') => {
  if (m === 'close') {
    db.close();
    port.close();
    return;
  }
  try {
    writes.recordHosts(m.runId, m.batch);
    port.postMessage({ id: m.id } satisfies WriteReply);
  } catch (err) {
    port.postMessage({ id: m.id, error: failure(err) } satisfies WriteReply);
  }
});
