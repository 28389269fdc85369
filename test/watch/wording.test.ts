/** What the watch and `exposure findings` print: counts with nouns that agree with them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventLine } from '../../src/cli/watch.ts';
import { FINDINGS_SCHEMA, type ScopeLifecycle } from '../../src/watch/lifecycle.ts';
import { renderLifecycleTable } from '../../src/watch/lifecycle-render.ts';

const lifecycle = (runs: number[]): ScopeLifecycle => ({ schema: FINDINGS_SCHEMA, scope: 'scope lab', runs, findings: [], honeypotsKept: false, likelyHoneypotsLeftOut: 0 });

describe('watch wording', () => {
  it('an event counts one attempt, two new findings', () => {
    const report = { channel: 'webhook', delivered: true, attempts: 1, detail: 'HTTP 200' } as const;
    assert.equal(eventLine({ kind: 'alerted', scope: 'lab', runId: 4, channel: 'webhook http://127.0.0.1:9', report }, 'high'), 'scope lab: alert sent by webhook http://127.0.0.1:9 (1 attempt, HTTP 200)');
    assert.equal(
      eventLine({ kind: 'compared', scope: 'lab', runId: 4, previousRunId: 3, newFindings: 2, fixedFindings: 1 }, 'high'),
      'scope lab: run 4 against run 3: 2 new findings high or worse, 1 fixed',
    );
  });

  it('the findings list says 1 completed run, 2 completed runs', () => {
    assert.match(renderLifecycleTable(lifecycle([7])), /^scope lab: 1 completed run · 0 findings/);
    assert.match(renderLifecycleTable(lifecycle([7, 8])), /^scope lab: 2 completed runs · 0 findings/);
  });
});
