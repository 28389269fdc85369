/**
 * A run's recorded parameters: written with the run, read back through the
 * schema on resume; a run recorded without them, by a newer version, or
 * malformed is refused with one line naming the run and the fields.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ScanError } from '../../src/scan/errors.ts';
import { resumableParameters } from '../../src/scan/resume.ts';
import { GREETING_WAIT } from '../../src/scan/greeting-wait.ts';
import { PARAMETERS_KEY, PARAMETERS_VERSION, recordParameters, runMeta, type RunParameters } from '../../src/scan/run-parameters.ts';
import { openSqliteStore, type RunMeta, type SqliteStore } from '../../src/store/index.ts';
import { RUN_META } from '../store/fixtures.ts';
import { requested } from './parameters.ts';

async function withStore(fn: (store: SqliteStore) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'exposure-params-'));
  const store = openSqliteStore(join(dir, 'scan.db'));
  try {
    await fn(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rejects with a one-line ScanError of this code whose message matches. */
async function refused(promise: Promise<unknown>, code: ScanError['code'], message: RegExp): Promise<string> {
  let caught: unknown;
  await promise.catch((err: unknown) => (caught = err));
  assert.ok(caught instanceof ScanError, `expected a ScanError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  assert.match(caught.message, message);
  assert.ok(!caught.message.includes('\n'), 'one line');
  return caught.message;
}

function withOptions(options: Record<string, unknown>): RunMeta {
  return { ...RUN_META, options };
}

test('recorded parameters round-trip through the store, with absolute paths and resolved names', async () => {
  const p = recordParameters(
    requested({
      targets: { kind: 'specs', specs: ['127.0.93.1,@targets.txt', 'pacs.example.test'] },
      exclude: ['never.txt'],
      allowList: 'allow.txt',
      webPorts: [9042],
      identity: { callingAeTitle: 'EXPOSURE-SCAN', contact: 'security@example.test' },
    }),
  );
  assert.deepEqual(p.targets, { kind: 'specs', specs: [`127.0.93.1,@${resolve('targets.txt')}`, 'pacs.example.test'] });
  assert.deepEqual(p.exclude, [resolve('never.txt')]);
  assert.equal(p.allowList, resolve('allow.txt'));
  assert.match(p.identity.userAgent, /^Exposure\/\S+ \(medical imaging exposure scanner; contact security@example\.test\)$/);
  const resolved = [{ name: 'pacs.example.test', addresses: ['127.0.93.9'] }];
  await withStore(async (store) => {
    const meta = runMeta(p, resolved, ['127.0.93.1,@targets.txt', 'pacs.example.test']);
    assert.deepEqual(meta.targets, ['127.0.93.1,@targets.txt', 'pacs.example.test'], 'reports show the targets as typed');
    const id = await store.startRun(meta);
    const back = await resumableParameters(store, id, 'scan.db');
    const expected: RunParameters = { ...p, targets: { kind: 'specs', specs: p.targets.kind === 'specs' ? p.targets.specs : [], resolved } };
    assert.deepEqual(back, expected);
  });
});

test('a result-file run records its file and format; optional parameters left out stay out', async () => {
  const p = recordParameters(requested({ targets: { kind: 'result-file', path: 'zmap.csv', format: 'zmap-csv' }, seed: undefined }));
  assert.deepEqual(p.targets, { kind: 'result-file', path: resolve('zmap.csv'), format: 'zmap-csv' });
  assert.ok(Number.isInteger(p.seed) && p.seed >= 0 && p.seed < 2 ** 32, 'a seed is chosen when none is given');
  assert.equal('allowList' in p, false);
  assert.equal('webPorts' in p, false);
  await withStore(async (store) => {
    const id = await store.startRun(runMeta(p, [], ['--from zmap.csv']));
    assert.deepEqual(await resumableParameters(store, id, 'scan.db'), p);
  });
});

test('a run started without recorded parameters cannot be resumed: it says which run and why', async () => {
  await withStore(async (store) => {
    const old = await store.startRun(RUN_META);
    await refused(resumableParameters(store, old, 'scan.db'), 'RUN_PARAMETERS', /^run 1 of scan\.db cannot be resumed: it was started by an older Exposure that did not record its parameters/);
    // The shape the previous version wrote (command-line flags under another key) is not read either.
    const legacy = await store.startRun(withOptions({ scanFlags: { seed: 7, ports: '104' }, seed: 7 }));
    await refused(resumableParameters(store, legacy, 'scan.db'), 'RUN_PARAMETERS', /^run 2 of scan\.db cannot be resumed: it was started by an older Exposure/);
  });
});

test('malformed parameters name the fields that are wrong or missing, never their values', async () => {
  const valid = recordParameters(requested());
  const { shard: _shard, ...withoutShard } = valid;
  const broken = { ...withoutShard, seed: 'PATIENT^SECRET', ports: [0], targets: { kind: 'specs', specs: [] } };
  await withStore(async (store) => {
    const id = await store.startRun(withOptions({ [PARAMETERS_KEY]: broken }));
    const message = await refused(resumableParameters(store, id, 'scan.db'), 'RUN_PARAMETERS', /^run 1 of scan\.db cannot be resumed: its recorded parameters are not what this Exposure reads: /);
    for (const field of ['targets.specs (too_small)', 'ports.0 (too_small)', 'seed (invalid_type)', 'shard (missing)']) assert.ok(message.includes(field), `${field} in: ${message}`);
    assert.ok(!message.includes('PATIENT'), 'the recorded value is not quoted');
    const notAnObject = await store.startRun(withOptions({ [PARAMETERS_KEY]: 'seed=5' }));
    await refused(resumableParameters(store, notAnObject, 'scan.db'), 'RUN_PARAMETERS', /^run 2 of scan\.db .*: \(root\) \(invalid_type\)$/);
  });
});

test('parameters from a newer version ask for an upgrade', async () => {
  await withStore(async (store) => {
    const id = await store.startRun(withOptions({ [PARAMETERS_KEY]: { ...recordParameters(requested()), version: 4 } }));
    await refused(resumableParameters(store, id, 'scan.db'), 'RUN_PARAMETERS', /recorded by a newer Exposure \(version 4; this one reads 3\): upgrade Exposure/);
  });
});

test('a probe selection and a greeting wait are recorded, and a resume reads them back', async () => {
  const p = recordParameters(requested({ probes: ['dicom', 'dicom-tls'], limits: { ...requested().limits, greetingWaitMs: 150 } }));
  assert.deepEqual(p.probes, ['dicom', 'dicom-tls']);
  assert.equal(p.limits.greetingWaitMs, 150);
  assert.equal('probes' in recordParameters(requested()), false, 'no selection: every probe, nothing recorded');
  await withStore(async (store) => {
    const id = await store.startRun(runMeta(p, [], ['127.0.93.0/30']));
    const back = await resumableParameters(store, id, 'scan.db');
    assert.deepEqual([back.probes, back.limits.greetingWaitMs], [['dicom', 'dicom-tls'], 150]);
  });
  assert.throws(() => recordParameters(requested({ probes: ['dicom', 'telnet' as 'dicom'] })), /probes\.1 \(invalid_enum_value\)/);
});

test('without --greeting-wait no wait is recorded, and a resume derives it from each connect time again', async () => {
  const p = recordParameters(requested());
  assert.equal('greetingWaitMs' in p.limits, false);
  await withStore(async (store) => {
    const id = await store.startRun(runMeta(p, [], ['127.0.93.0/30']));
    const back = await resumableParameters(store, id, 'scan.db');
    assert.deepEqual(back.limits, p.limits);
  });
});

test('a run recorded by version 2 (a wait always recorded, 300 ms by default) resumes with the wait it ran with', async () => {
  const current = recordParameters(requested({ limits: { ...requested().limits, greetingWaitMs: 300 } }));
  await withStore(async (store) => {
    const id = await store.startRun(withOptions({ [PARAMETERS_KEY]: { ...current, version: 2 } }));
    const back = await resumableParameters(store, id, 'scan.db');
    assert.equal(back.version, PARAMETERS_VERSION);
    assert.equal(back.limits.greetingWaitMs, 300);
    // Version 2 requires the wait: a record without it is malformed, not silently derived.
    const { greetingWaitMs: _wait, ...limitsWithout } = current.limits;
    const broken = await store.startRun(withOptions({ [PARAMETERS_KEY]: { ...current, version: 2, limits: limitsWithout } }));
    await refused(resumableParameters(store, broken, 'scan.db'), 'RUN_PARAMETERS', /limits\.greetingWaitMs \(missing\)/);
  });
});

test('a run recorded by version 1 (before --probes and --greeting-wait) resumes with every probe and the default wait', async () => {
  const { probes: _probes, ...current } = recordParameters(requested());
  const limitsV1 = current.limits;
  await withStore(async (store) => {
    const id = await store.startRun(withOptions({ [PARAMETERS_KEY]: { ...current, version: 1, limits: limitsV1 } }));
    const back = await resumableParameters(store, id, 'scan.db');
    assert.equal(back.version, PARAMETERS_VERSION);
    assert.equal(back.probes, undefined);
    assert.equal(back.limits.greetingWaitMs, GREETING_WAIT.maxMs, 'the fixed wait of the time');
    assert.deepEqual({ ...back.limits, greetingWaitMs: undefined }, { ...limitsV1, greetingWaitMs: undefined });
  });
});

test('only an existing, unfinished run can be resumed', async () => {
  await withStore(async (store) => {
    await refused(resumableParameters(store, 3, 'scan.db'), 'UNKNOWN_RUN', /^there is no run 3 in scan\.db$/);
    const p = recordParameters(requested());
    const id = await store.startRun(runMeta(p, [], ['127.0.93.0/30']));
    await store.finishRun(id, { targetsTotal: 4, hostsDone: 4, openPorts: 0, excluded: 0, status: 'interrupted' });
    assert.deepEqual(await resumableParameters(store, id, 'scan.db'), { ...p, targets: { ...p.targets, resolved: [] } }, 'an interrupted run resumes');
    await store.finishRun(id, { targetsTotal: 4, hostsDone: 4, openPorts: 0, excluded: 0, status: 'completed' });
    await refused(resumableParameters(store, id, 'scan.db'), 'RUN_COMPLETED', /^run 1 of scan\.db is already completed$/);
  });
});

test('parameters that could not be read back are refused before the run is recorded', () => {
  assert.throws(
    () => recordParameters(requested({ identity: { callingAeTitle: 'BACK\\SLASH' } })),
    (err: unknown) => err instanceof ScanError && err.code === 'RUN_PARAMETERS' && /identity\.callingAeTitle \(custom\)/.test(err.message),
  );
  assert.throws(() => recordParameters(requested({ shard: { index: 2, count: 2 } })), /shard\.index \(custom\)/);
});
