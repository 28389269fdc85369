import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { counted, countText, plural } from '../../src/observation/count.ts';
import { countPhrase } from '../../src/assess/evidence.ts';
import { grouped, sumText } from '../../src/report/numbers.ts';
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

describe('a count and its noun', () => {
  it('takes the singular for exactly one and the plural otherwise, irregular plurals given', () => {
    assert.equal(counted(1, 'file'), '1 file');
    assert.equal(counted(0, 'file'), '0 files');
    assert.equal(counted(2, 'target'), '2 targets');
    assert.equal(counted(1, 'study', 'studies'), '1 study');
    assert.equal(counted(3, 'study', 'studies'), '3 studies');
    assert.equal(counted(1, 'series', 'series'), '1 series');
    assert.equal(counted(1500, 'image', undefined, grouped), '1,500 images');
    assert.equal(plural(1, 'attempt'), 'attempt');
    assert.equal(plural(4, 'attempt'), 'attempts');
  });
});
