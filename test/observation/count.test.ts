import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { countText } from '../../src/observation/count.ts';
import { countPhrase } from '../../src/assess/evidence.ts';
import { sumText } from '../../src/report/numbers.ts';
import { reportCount } from '../../src/report/summary.ts';

describe('count text', () => {
  it('marks a lower bound and leaves an exact count bare, in every place a count is shown', () => {
    assert.equal(countText({ n: 5000, atLeast: true }, 'at least '), 'at least 5000');
    assert.equal(countText({ n: 12, atLeast: false }, 'at least '), '12');
    assert.equal(countPhrase({ n: 5000, atLeast: true }), 'at least 5000');
    assert.equal(countPhrase(undefined), 'an unknown number of');
    assert.equal(reportCount({ n: 1500000, atLeast: true }).text, '≥ 1500000');
    assert.equal(sumText({ n: 1500000, atLeast: true }), '≥ 1,500,000');
    assert.equal(sumText({ n: 1500, atLeast: false }), '1,500');
    assert.equal(sumText(undefined), '—');
  });
});
