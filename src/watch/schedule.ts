/**
 * When a scope is due: a 5-field cron pattern (minute hour day-of-month month
 * day-of-week, croner's reading, day-of-month OR day-of-week as in Vixie
 * cron), in a named time zone or the machine's. A scope never run is due at
 * once, so a new watch has its baseline; after that it is due at the first
 * time the pattern names after its last run started, so a watch that was
 * stopped over a night runs a missed scope once when it starts again, not
 * once per missed night.
 */
import { Cron } from 'croner';

export interface Schedule {
  readonly pattern: string;
  /** The first time the pattern names strictly after `after`; undefined when it names none (31 February). */
  next(after: Date): Date | undefined;
}

/** A pattern croner cannot read, or one that never fires, is an Error whose message says why. */
export function parseSchedule(pattern: string, timezone?: string): Schedule {
  const cron = new Cron(pattern, { mode: '5-part', paused: true, ...(timezone !== undefined ? { timezone } : {}) });
  const schedule: Schedule = { pattern, next: (after) => cron.nextRun(after) ?? undefined };
  // A pattern naming no date at all (31 February) would leave its scope silent forever: refused here.
  if (schedule.next(new Date()) === undefined) throw new Error(`"${pattern}" names no time that ever comes`);
  return schedule;
}

/** When a scope last started (undefined: never) makes it due: now for a first run, else the pattern's next time after that start. */
export function dueAt(schedule: Schedule, lastStarted: Date | undefined, now: Date): Date | undefined {
  if (lastStarted === undefined) return now;
  return schedule.next(lastStarted);
}
