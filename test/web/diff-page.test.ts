/** The dashboard's comparison page with likely honeypots: a section of their own and a note, never in the archives' lists. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyDiff, type RunDiff } from '../../src/report/diff.ts';
import { diffPage } from '../../src/web/pages/diff.ts';

function diff(honeypots: Partial<RunDiff['honeypots']>): RunDiff {
  const empty = emptyDiff({ run: 1, startedAt: '2026-03-04T02:00:00.000Z' }, { run: 2, startedAt: '2026-03-05T02:00:00.000Z' }, false, false);
  return { ...empty, honeypots: { ...empty.honeypots, ...honeypots } };
}

describe('the comparison page and likely honeypots', () => {
  it('lists them apart and says how many the lists leave out', () => {
    const body = diffPage({ runs: [], csrf: 'x', diff: diff({ appeared: [{ ip: '10.9.0.4', port: 11112, protocol: 'dicom', honeypot: { level: 'likely', score: 100, signals: ['lure-dataset'] } }], stillLikely: 2 }) });
    assert.match(body, /<p class="note">3 likely honeypots left out of the lists above\.<\/p><section id="honeypots"><h2>Likely honeypots \(3\)<\/h2>/);
    assert.match(body, /<li>appeared: 10\.9\.0\.4:11112 dicom, likely honeypot \(score 100: lure-dataset\)<\/li>/);
    assert.match(body, /<section id="new-exposures"><h2>New exposures \(0\)<\/h2>/);
  });

  it('has no such section when neither run had one', () => {
    assert.doesNotMatch(diffPage({ runs: [], csrf: 'x', diff: diff({}) }), /honeypot/i);
  });
});
