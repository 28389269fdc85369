/**
 * A run's plan from its parameters, and the dry run's count of it: nothing
 * here sends a packet. Targets are in 127.0.93.0/24.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countTargets, dryRunLine } from '../../src/scan/dry-run.ts';
import { ScanError } from '../../src/scan/errors.ts';
import { planScan } from '../../src/scan/plan.ts';
import { recordParameters } from '../../src/scan/run-parameters.ts';
import { FRESH } from '../../src/scan/sources.ts';
import { requested } from './parameters.ts';

test('a dry run walks the plan and says what it would scan', async () => {
  const p = recordParameters(requested());
  const plan = await planScan(p);
  assert.equal(await dryRunLine(plan, p), 'dry run: 4 targets in this run, 0 excluded, seed 5; nothing was sent\n');
});

test('beyond the walk limit the count is arithmetic, approximate for a shard', async () => {
  const p = recordParameters(requested({ targets: { kind: 'specs', specs: ['127.0.93.0/28'] }, shard: { index: 1, count: 2 } }));
  const plan = await planScan(p);
  assert.deepEqual(await countTargets(plan), { n: 8, approximate: false }, 'walked: the shard holds exactly 8');
  assert.deepEqual(await countTargets(plan, 4), { n: 8, approximate: true }, 'not walked: half of 16, an estimate');
});

test('recorded hostnames are planned from their recorded addresses, without asking DNS', async () => {
  const p = recordParameters(requested({ targets: { kind: 'specs', specs: ['pacs.invalid'], resolved: [{ name: 'pacs.invalid', addresses: ['127.0.93.7'] }] } }));
  const plan = await planScan(p);
  const items = [];
  for await (const item of plan.source.items(FRESH)) items.push(item);
  assert.deepEqual(items, [{ step: 0, ip: '127.0.93.7', hostname: 'pacs.invalid' }]);
  assert.deepEqual(plan.resolved, [{ name: 'pacs.invalid', addresses: ['127.0.93.7'] }], 'and recorded again as they were');
});

test('a plan whose every target is excluded is refused with the count', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'exposure-plan-'));
  try {
    writeFileSync(join(dir, 'never.txt'), '127.0.93.0/24 # all of it\n');
    const p = recordParameters(requested({ exclude: [join(dir, 'never.txt')] }));
    await assert.rejects(planScan(p), (err: unknown) => err instanceof ScanError && err.code === 'NOTHING_TO_SCAN' && /every target is excluded \(4 addresses\)/.test(err.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
