/** What `exposure status` says of a distributed run's honeypots: nothing while it runs, a count once it ended, or that the pass is still to come. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { honeypotsText, statusText } from '../../src/cli/status.ts';
import type { QueueStatus } from '../../src/store/postgres/queue.ts';

const QUEUE: QueueStatus = { runId: 7, blocks: 4, done: 4, claimed: 0, expired: 0, left: 0, failed: 0, steps: 64, stepsDone: 64, workers: [], refusals: [], etaSeconds: undefined };

describe('status and honeypots', () => {
  it('counts the likely honeypots of a run that ended, on its line', () => {
    assert.equal(statusText(QUEUE, 'completed', { candidates: 5, assessed: 5, likely: 3 }), 'run 7 (completed): 4/4 blocks done (100.0% of 64 steps) · 0 claimed · 0 lease run out · 0 left · 0 failed · 3 likely honeypots\n');
    assert.equal(honeypotsText(7, 'interrupted', { candidates: 2, assessed: 2, likely: 1 }), ' · 1 likely honeypot');
    // No DICOM service answered: nothing to assess, none found.
    assert.equal(honeypotsText(7, 'completed', undefined), ' · 0 likely honeypots');
  });

  it('says the assessment is still to come, and what makes it, when the pass left services without a level', () => {
    assert.equal(honeypotsText(7, 'completed', { candidates: 5, assessed: 0, likely: 0 }), ' · honeypots not assessed yet ("exposure report --run 7" assesses them)');
    assert.equal(honeypotsText(7, 'completed', { candidates: 5, assessed: 4, likely: 2 }), ' · honeypots not assessed yet ("exposure report --run 7" assesses them)');
  });

  it('says nothing of honeypots while the run runs', () => {
    assert.doesNotMatch(statusText({ ...QUEUE, done: 2, left: 2 }, 'running', { candidates: 5, assessed: 0, likely: 0 }), /honeypot/);
  });
});
