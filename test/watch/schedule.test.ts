/** When a scope is due: croner's 5-field reading, a first run at once, a missed time run once. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dueAt, parseSchedule } from '../../src/watch/schedule.ts';

const at = (iso: string): Date => new Date(iso);

describe('schedules', () => {
  const nightly = parseSchedule('0 2 * * *', 'UTC');

  it('names the next time strictly after a date', () => {
    assert.deepEqual(nightly.next(at('2026-03-01T01:59:59Z')), at('2026-03-01T02:00:00Z'));
    assert.deepEqual(nightly.next(at('2026-03-01T02:00:00Z')), at('2026-03-02T02:00:00Z'));
    const weekdays = parseSchedule('*/30 8-9 * * 1-5', 'UTC');
    // 2026-03-06 is a Friday: its last time is 09:30, then Monday 08:00.
    assert.deepEqual(weekdays.next(at('2026-03-06T09:30:00Z')), at('2026-03-09T08:00:00Z'));
  });

  it('reads the pattern in the time zone given', () => {
    const berlin = parseSchedule('0 2 * * *', 'Europe/Berlin');
    // Winter: UTC+1; summer (after 29 March 2026): UTC+2.
    assert.deepEqual(berlin.next(at('2026-01-10T12:00:00Z')), at('2026-01-11T01:00:00Z'));
    assert.deepEqual(berlin.next(at('2026-07-10T12:00:00Z')), at('2026-07-11T00:00:00Z'));
  });

  it('makes a scope never run due at once, and one that ran due at the next time after its start', () => {
    const now = at('2026-03-05T10:00:00Z');
    assert.deepEqual(dueAt(nightly, undefined, now), now);
    assert.deepEqual(dueAt(nightly, at('2026-03-05T02:00:01Z'), now), at('2026-03-06T02:00:00Z'));
  });

  it('runs a scope that missed nights once, at once: its due time is already past', () => {
    const now = at('2026-03-05T10:00:00Z');
    const due = dueAt(nightly, at('2026-03-01T02:00:00Z'), now);
    assert.deepEqual(due, at('2026-03-02T02:00:00Z'));
    assert.ok(due! <= now);
  });

  it('refuses patterns croner cannot read and patterns that never fire', () => {
    assert.throws(() => parseSchedule('0 2 * *'), /five/);
    assert.throws(() => parseSchedule('0 0 2 * * *'), /5-part/);
    assert.throws(() => parseSchedule('0 24 * * *'), /hour/);
    assert.throws(() => parseSchedule('0 0 30 2 *'), /names no time that ever comes/);
  });
});
