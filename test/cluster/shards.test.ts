/**
 * Which shards make one run: the same recorded parameters but for the shard
 * index (and the pace, each machine's own), each index once; what is missing
 * or unfinished is a gap, not a refusal.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MergeError } from '../../src/cluster/errors.ts';
import { checkShards, differingParameters, shardLabel, type ShardRun } from '../../src/cluster/shards.ts';
import { recordParameters, type RequestedParameters } from '../../src/scan/run-parameters.ts';
import type { RunStatus } from '../../src/store/index.ts';
import { RUN_META } from '../store/fixtures.ts';
import { requested } from '../scan/parameters.ts';

function shard(index: number, count: number, overrides: Partial<RequestedParameters> = {}, status: RunStatus = 'completed', where = `part${index + 1}.db`): ShardRun {
  const parameters = recordParameters(requested({ shard: { index, count }, ...overrides }));
  const run = { id: 1, startedAt: '2024-05-01T10:00:00.000Z', finishedAt: undefined, status, meta: RUN_META, summary: undefined, hostsRecorded: 0 };
  return { where, run, parameters };
}

function refusedWith(code: MergeError['code'], message: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof MergeError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, message);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  };
}

test('shards of one run are put in index order, with no gap when every index is there and completed', () => {
  const { ordered, gaps } = checkShards([shard(2, 3), shard(0, 3), shard(1, 3)]);
  assert.deepEqual(ordered.map((s) => shardLabel(s.parameters.shard)), ['1/3', '2/3', '3/3']);
  assert.deepEqual(gaps, { missing: [], unfinished: [] });
});

test('a shard with another seed is refused in one line that names the shard and the parameter, not its value', () => {
  assert.throws(
    () => checkShards([shard(0, 3), shard(1, 3, { seed: 6 })]),
    refusedWith('DIFFERENT_RUNS', /^part2\.db \(run 1, shard 2\/3\) is not a shard of the same run as part1\.db \(run 1, shard 1\/3\): their seed differs$/),
  );
});

test('other targets, ports or another shard count are other runs; every differing parameter is named', () => {
  assert.deepEqual(differingParameters(shard(0, 3).parameters, shard(1, 3, { targets: { kind: 'specs', specs: ['127.0.93.0/29'] }, ports: [104] }).parameters), ['ports', 'targets']);
  assert.throws(() => checkShards([shard(0, 3), shard(1, 3, { seed: 9, ports: [104] })]), refusedWith('DIFFERENT_RUNS', /their ports and seed differ$/));
  assert.throws(() => checkShards([shard(0, 3), shard(1, 4)]), refusedWith('DIFFERENT_RUNS', /their shard differs$/));
  assert.throws(() => checkShards([shard(0, 3), shard(1, 3, { probes: ['dicom'] })]), refusedWith('DIFFERENT_RUNS', /their probes differs$/));
});

test('shards scanned at different paces are one run: the pace is each machine\'s own', () => {
  const slow = shard(1, 2, { pace: { concurrency: 1, rate: 10, perHost: 2, retries: 3 } });
  assert.deepEqual(differingParameters(shard(0, 2).parameters, slow.parameters), []);
  assert.equal(checkShards([shard(0, 2), slow]).ordered.length, 2);
});

/** The same value with every object's keys in reverse order, as another engine may hand JSON back. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)]));
}

test('parameters read back with their keys in another order, or a key left undefined, are the same run', () => {
  const first = shard(0, 2).parameters;
  const second = shard(1, 2).parameters;
  const reordered = { ...(reversedKeys(second) as typeof second), shard: second.shard };
  assert.notDeepEqual(Object.keys(reordered), Object.keys(first));
  assert.deepEqual(differingParameters(first, reordered), []);
  const unset = { ...second, dicom: { ...second.dicom, unknown: undefined } };
  assert.deepEqual(differingParameters(first, unset), []);
  assert.deepEqual(differingParameters(first, { ...second, dicom: { ...second.dicom, guessList: false } }), ['dicom']);
});

test('one shard given twice is refused, naming both files', () => {
  assert.throws(() => checkShards([shard(0, 3), shard(1, 3), shard(1, 3, {}, 'completed', 'copy.db')]), refusedWith('SAME_SHARD', /^part2\.db \(run 1\) and copy\.db \(run 1\) are both shard 2\/3: give each shard once$/));
});

test('missing indexes and unfinished runs are gaps, reported by shard', () => {
  const { gaps } = checkShards([shard(3, 4, {}, 'interrupted'), shard(0, 4), shard(2, 4, {}, 'running')]);
  assert.deepEqual(gaps.missing, [1]);
  assert.deepEqual(gaps.unfinished, [
    { where: 'part3.db', runId: 1, shard: 2, status: 'running' },
    { where: 'part4.db', runId: 1, shard: 3, status: 'interrupted' },
  ]);
});
