/**
 * A process that writes finished hosts through the host writer until it is
 * killed (host-writer.test.ts SIGKILLs it): steps finish out of order in
 * blocks of 8, with a pause now and then so the timer takes batches too.
 * Prints one line once a few batches are stored. Arguments: db path, run id, steps.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CheckpointTracker } from '../../src/scan/checkpoint.ts';
import { HostWriter } from '../../src/scan/host-writer.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { finishedHost, zeroCounters } from './batches.ts';

const [path, run, steps] = process.argv.slice(2);
const runId = Number(run);
const total = Number(steps);
const store = openSqliteStore(path!);
const counters = zeroCounters();
const tracker = new CheckpointTracker(0, counters);
const writer = new HostWriter({ store, runId, tracker, counters, merge: false, maxHosts: 16, maxDelayMs: 3 });
for (let block = 0; block < total; block += 8) {
  const last = Math.min(block + 8, total);
  for (let s = block; s < last; s++) tracker.issue(s);
  for (let s = last - 1; s >= block; s--) await writer.add(finishedHost(s));
  if (block === 800) process.stdout.write('stored some batches\n');
  if (block % 40 === 0) await sleep(1);
}
await writer.close();
await store.close();
