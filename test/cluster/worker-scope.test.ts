/**
 * The worker's own scope guard, before any packet: a block whose steps lie
 * beyond the run's order, or whose targets its own allow-list does not cover,
 * is refused with the address that failed. Planning only: nothing is sent.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { scopeRefusal, type UsableWork } from '../../src/cluster/worker.ts';
import { planScan } from '../../src/scan/plan.ts';
import { recordParameters, type RequestedParameters } from '../../src/scan/run-parameters.ts';
import { NO_EXCLUSIONS, parseRangeLines } from '../../src/scope/exclusions.ts';
import { permutationFor, shardLength, WHOLE } from '../../src/scope/permutation.ts';
import type { BlockClaim } from '../../src/store/postgres/queue.ts';

const dir = mkdtempSync(join(tmpdir(), 'exposure-worker-scope-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function requested(specs: string[], allowList?: string): RequestedParameters {
  return {
    targets: { kind: 'specs', specs },
    exclude: [],
    defaultExclusions: true,
    ...(allowList ? { allowList } : {}),
    ports: [104],
    seed: 3,
    shard: WHOLE,
    identity: { callingAeTitle: 'EXPOSURE-SCAN' },
    dicom: { aeTitles: [], guessList: false },
    checkLogins: false,
    fileWalk: { maxDepth: 1, maxDirectories: 1, maxEntries: 1, maxHeaderSamples: 1, maxHeaderBytes: 1, walkTimeMs: 1, checkWrite: false },
    limits: { maxRecords: 1, connectTimeoutMs: 1, ioTimeoutMs: 1, probeTimeoutMs: 100 },
    pace: { concurrency: 1, rate: 0, perHost: 2, retries: 0 },
  } as RequestedParameters;
}

async function work(specs: string[], allowList?: string): Promise<UsableWork> {
  const params = recordParameters(requested(specs, allowList));
  const plan = await planScan(params);
  const steps = shardLength(permutationFor(plan.source.total!, params.seed), WHOLE);
  return { kind: 'usable', params, plan, distribution: { blockSize: steps, blocks: 1, steps, files: {} } };
}

const block = (firstStep: number, endStep: number): BlockClaim => ({ runId: 1, block: 0, firstStep, endStep, token: 1, worker: 'w' });

describe("a worker's scope guard", () => {
  it('passes a block of loopback targets with no allow-list of its own', async () => {
    const w = await work(['127.0.29.8/29']);
    assert.equal(await scopeRefusal(w, block(0, w.distribution.steps), NO_EXCLUSIONS), undefined);
  });

  it('refuses public targets its own allow-list does not cover, whatever the run allowed', async () => {
    const runAllow = join(dir, 'run-allow.txt');
    writeFileSync(runAllow, '203.0.113.0/29\n');
    const w = await work(['203.0.113.0/29'], runAllow);
    const why = await scopeRefusal(w, block(0, w.distribution.steps), NO_EXCLUSIONS);
    assert.match(why ?? '', /^203\.0\.113\.\d+ \(step \d+\) is outside this worker's allow-list$/);
    // The same worker with the range in its own list takes it.
    assert.equal(await scopeRefusal(w, block(0, w.distribution.steps), parseRangeLines('203.0.113.0/29\n', 'own.txt')), undefined);
  });

  it('refuses steps beyond the run\'s order (a tampered queue)', async () => {
    const w = await work(['127.0.29.8/29']);
    assert.match((await scopeRefusal(w, block(0, w.distribution.steps + 1), NO_EXCLUSIONS)) ?? '', /outside the run's order/);
    assert.match((await scopeRefusal(w, block(-5, 2), NO_EXCLUSIONS)) ?? '', /outside the run's order/);
  });
});
