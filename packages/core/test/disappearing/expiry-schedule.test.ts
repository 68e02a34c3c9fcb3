import { describe, expect, it } from 'vitest';
import { ExpirySchedule } from '../../src/disappearing/expiry-schedule.js';
import type { ExpiryRow } from '../../src/disappearing/expiry-store.js';
import { describeTimer, describeTimerChange, checkTimer } from '../../src/disappearing/timers.js';
import { ManualClock } from './manual-clock.js';

const row = (messageId: string, expiresAt: number): ExpiryRow => ({
  messageId,
  conversationId: 'c',
  expiresAt,
});

describe('expiry schedule', () => {
  it('hands over what is due in batches, earliest first, and nothing before its time', () => {
    const clock = new ManualClock();
    const batches: string[][] = [];
    const schedule = new ExpirySchedule(clock, (rows) =>
      batches.push(rows.map((r) => r.messageId).sort()),
    );
    const start = clock.now();
    schedule.add([row('late', start + 3_600_000), row('soon', start + 600_000)]);
    schedule.add([row('also-soon', start + 600_000)]);
    clock.advance(300_000);
    expect(batches).toEqual([]);
    clock.advance(400_000);
    expect(batches).toEqual([['also-soon', 'soon']]);
    expect(schedule.has('late')).toBe(true);
    clock.advance(3_000_000);
    expect(batches).toEqual([['also-soon', 'soon'], ['late']]);
    expect(schedule.has('late')).toBe(false);
  });

  it('takes what is already due without a timer, and stops when closed', () => {
    const clock = new ManualClock();
    const batches: string[][] = [];
    const schedule = new ExpirySchedule(clock, (rows) =>
      batches.push(rows.map((r) => r.messageId)),
    );
    schedule.add([row('past', clock.now() - 1), row('future', clock.now() + 600_000)]);
    expect(schedule.takeDue().map((r) => r.messageId)).toEqual(['past']);
    schedule.close();
    clock.advance(700_000);
    expect(batches).toEqual([]);
  });
});

describe('timer choices', () => {
  it('names timers by their largest whole unit and refuses values off the list', () => {
    expect([30, 300, 3600, 86_400, 604_800, 7200].map(describeTimer)).toEqual([
      '30 seconds',
      '5 minutes',
      '1 hour',
      '1 day',
      '1 week',
      '2 hours',
    ]);
    expect(describeTimerChange('You', 0)).toBe('You turned off disappearing messages');
    expect(() => checkTimer(45)).toThrow(/disappearing timer/);
    expect(() => checkTimer(604_800)).not.toThrow();
  });
});
