/**
 * The store's roles: report code is handed a reader, which has no write
 * method; a scan holds the sink. The type-level checks below fail `tsc`, the
 * runtime ones fail the test run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { summarise } from '../../src/report/summary.ts';
import { reportGeo, reportTables } from '../../src/report/tables.ts';
import type { HostWriterOptions } from '../../src/scan/host-writer.ts';
import type { ScanOptions } from '../../src/scan/run-scan.ts';
import { openStoreReader, StoreError, type ScanStore, type StoreReader, type StoreSink } from '../../src/store/index.ts';
import { buildFixtureStore } from './fixtures.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type FirstParameter<F> = F extends (first: infer P, ...rest: never[]) => unknown ? P : never;

// Report functions take exactly the reader: handing them a sink would not compile.
const summariseReads: Equal<FirstParameter<typeof summarise>, StoreReader> = true;
const tablesRead: Equal<FirstParameter<typeof reportTables>, StoreReader> = true;
const geoReads: Equal<FirstParameter<typeof reportGeo>, StoreReader> = true;
// The reader shares no method with the sink but close.
const readerWritesNothing: Equal<Extract<keyof StoreReader, keyof StoreSink>, 'close'> = true;
// The scan loop writes through the sink; the scan's one read is the run lookup of a resume.
const scanWritesToSink: Equal<ScanOptions['store'], StoreSink> = true;
const scanStoreReads: Equal<Exclude<keyof ScanStore, keyof StoreSink>, 'run'> = true;
// Finished hosts reach the store only through the batch write.
const writerWrites: Equal<HostWriterOptions['store'], Pick<StoreSink, 'recordHosts'>> = true;

test('type-level role checks hold (tsc checks them; this keeps them referenced)', () => {
  assert.deepEqual([summariseReads, tablesRead, geoReads, readerWritesNothing, scanWritesToSink, scanStoreReads, writerWrites], Array(7).fill(true));
});

const SRC = join(import.meta.dirname, '..', '..', 'src');
const REPORT_SIDE = [
  ...readdirSync(join(SRC, 'report')).filter((f) => f.endsWith('.ts')).map((f) => join('report', f)),
  join('cli', 'report.ts'),
  join('cli', 'diff.ts'),
];

test('report code names only the reader role of the store', () => {
  assert.ok(REPORT_SIDE.length > 10, 'the report folder was found');
  for (const file of REPORT_SIDE) {
    const text = readFileSync(join(SRC, file), 'utf8');
    for (const word of ['StoreSink', 'ScanStore', 'SqliteStore', 'openStoreSink', 'openSqliteStore', 'store/sqlite']) {
      assert.ok(!text.includes(word), `${file} mentions ${word}`);
    }
  }
});

test('a reader opens an existing store read-only and never creates one', async () => {
  const f = await buildFixtureStore();
  try {
    const reader = openStoreReader(f.path);
    try {
      assert.equal((await reader.run(f.runId))?.status, 'completed');
      assert.equal((await summarise(reader, f.runId)).services.length, 4);
    } finally {
      await reader.close();
    }
    const missing = join(dirname(f.path), 'typo.db');
    assert.throws(() => openStoreReader(missing), (err: unknown) => err instanceof StoreError && err.code === 'NOT_EXPOSURE_DB');
    assert.equal(existsSync(missing), false);
  } finally {
    await f.cleanup();
  }
});
