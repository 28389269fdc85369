/** The live view's figures, from a run row and its last checkpoint, and the findings filters read from a URL. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunRow } from '../../src/store/index.ts';
import { durationText, liveStatus } from '../../src/web/live.ts';
import { filterOf, parseFindingQuery } from '../../src/web/filters.ts';
import { previousOfScope, runsOfRunScope } from '../../src/web/scope.ts';

const meta = { targets: ['192.0.2.0/24'], ports: [104, 4242], options: {}, scanner: { callingAeTitle: 'EXPOSURE-SCAN', userAgent: 'test' } };
const running: RunRow = { id: 7, startedAt: '2026-01-15T08:00:00.000Z', finishedAt: undefined, status: 'running', meta, summary: undefined, hostsRecorded: 3 };
const counters = { hostsDone: 100, openPorts: 4, unreachable: 96, services: 4, findings: 9 };

describe('the live status', () => {
  it('a running run: done, rate since its start, percentage and time left from its target count', () => {
    const s = liveStatus(running, { counters, updatedAt: '2026-01-15T08:00:50.000Z' }, 256, [], Date.parse('2026-01-15T08:01:00.000Z'));
    assert.deepEqual([s.hostsDone, s.total, s.percent, s.rate, s.eta], [100, 256, 39.1, 2, '78 s']);
    assert.deepEqual([s.openPorts, s.services, s.findings], [4, 4, 9]);
  });

  it('without a target count: no percentage and no time left, but the rate', () => {
    const s = liveStatus(running, { counters, updatedAt: '2026-01-15T08:00:50.000Z' }, undefined, [], Date.parse('2026-01-15T08:01:00.000Z'));
    assert.equal(s.percent, undefined);
    assert.equal(s.eta, undefined);
    assert.equal(s.rate, 2);
  });

  it('a finished run: its summary\'s figures, no time left, and what its rows sum to when it kept no checkpoint', () => {
    const done: RunRow = { ...running, status: 'completed', finishedAt: '2026-01-15T08:02:08.000Z', summary: { targetsTotal: 256, hostsDone: 256, openPorts: 5, excluded: 0 } };
    const s = liveStatus(done, undefined, undefined, [], Date.now(), { services: 5, findings: 11 });
    assert.deepEqual([s.status, s.hostsDone, s.total, s.percent, s.rate, s.eta, s.services, s.findings], ['completed', 256, 256, 100, 2, undefined, 5, 11]);
  });

  it('says durations as a person reads them', () => {
    assert.deepEqual([45.2, 600, 9000].map(durationText), ['46 s', '10 min', '2.5 h']);
  });
});

describe('the findings filters in a URL', () => {
  it('reads each filter, leaves blank ones out, and defaults to page 1', () => {
    const q = parseFindingQuery(new URLSearchParams('severity=critical&rule=EXP-DICOM-001&country=&q=%20192.0.2.%20&page='));
    assert.ok(q.ok);
    assert.deepEqual(filterOf(q.query), { severity: 'critical', ruleId: 'EXP-DICOM-001', search: '192.0.2.' });
    assert.equal(q.query.page, 1);
  });

  it('names the parameter that is wrong', () => {
    for (const [text, name] of [['severity=urgent', 'severity'], ['rule=1%20OR%201', 'rule'], ['page=0', 'page'], ['page=2.5', 'page'], [`q=${'1'.repeat(101)}`, 'q']] as const) {
      const q = parseFindingQuery(new URLSearchParams(text));
      assert.ok(!q.ok, text);
      assert.match(q.problem, new RegExp(`"${name}"`));
    }
  });
});

describe('scopes', () => {
  it('groups runs of the same targets and ports, whatever the ports\' order, and compares with the last completed one', () => {
    const done: RunRow = { ...running, id: 6, status: 'completed' };
    const other: RunRow = { ...running, id: 8, meta: { ...meta, ports: [104] } };
    const again: RunRow = { ...running, id: 9, meta: { ...meta, ports: [4242, 104] } };
    assert.deepEqual(runsOfRunScope([again, other, running, done], again).map((r) => r.id), [6, 7, 9]);
    // Run 7 is still going (or was cut short): the comparison skips it.
    assert.equal(previousOfScope([done, running, other, again], again)?.id, 6);
    assert.equal(previousOfScope([done, running, other, again], done), undefined);
  });
});
