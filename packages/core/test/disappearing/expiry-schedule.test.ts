import { describe, expect, it } from 'vitest';
import { ExpirySchedule } from '../../src/disappearing/expiry-schedule.js';
import { DexieExpiryStore, type ExpiryRow } from '../../src/disappearing/expiry-store.js';
import { describeTimer, describeTimerChange, checkTimer } from '../../src/disappearing/timers.js';
import { ManualClock } from './manual-clock.js';

const row = (messageId: string, expiresAt: number): ExpiryRow => ({
  messageId,
  conversationId: 'c',
  expiresAt,
});

/** For schedules whose times are all added (none read from a store). */
const nothingStored = { earliest: async () => [] };

describe('expiry schedule', () => {
  it('hands over what is due in batches, earliest first, and nothing before its time', () => {
    const clock = new ManualClock();
    const batches: string[][] = [];
    const schedule = new ExpirySchedule(clock, nothingStored, (rows) => {
      batches.push(rows.map((r) => r.messageId).sort());
      void schedule.done(rows.map((r) => r.messageId));
    });
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
    const schedule = new ExpirySchedule(clock, nothingStored, (rows) =>
      batches.push(rows.map((r) => r.messageId)),
    );
    schedule.add([row('past', clock.now() - 1), row('future', clock.now() + 600_000)]);
    expect(schedule.takeDue().map((r) => r.messageId)).toEqual(['past']);
    schedule.close();
    clock.advance(700_000);
    expect(batches).toEqual([]);
  });
});

describe('expiry schedule on a store of many times', () => {
  it('holds only a window of the next times, and reads the next ones once those are done', async () => {
    const clock = new ManualClock();
    const store = new DexieExpiryStore(`expiry-window-${crypto.randomUUID()}`);
    const start = clock.now();
    const stored = Array.from({ length: 20 }, (_, i) => row(`m${i}`, start + (i + 1) * 60_000));
    // Stored in reverse, so the store's order is its index's, not the order of writes.
    await store.putNew([...stored].reverse());
    const expired: string[] = [];
    const finished: Promise<void>[] = [];
    const schedule: ExpirySchedule = new ExpirySchedule(
      clock,
      store,
      (rows) => {
        const ids = rows.map((r) => r.messageId);
        expired.push(...ids);
        finished.push(store.remove(ids).then(() => schedule.done(ids)));
      },
      3,
    );
    await schedule.read();
    expect(schedule.held).toBe(3);
    // A time started now, later than the window: stored, and read in its turn.
    const late = row('late', start + 30 * 60_000);
    schedule.add(await store.putNew([late]));
    expect(schedule.has('late')).toBe(false);
    // A time stored already stays as it was (a recipient's timer starts once).
    expect(await store.putNew([row('m5', start + 99 * 60_000)])).toEqual([]);
    let mostHeld = 0;
    for (let minute = 1; minute <= 30; minute++) {
      clock.advance(60_000);
      await Promise.all(finished);
      mostHeld = Math.max(mostHeld, schedule.held);
    }
    expect(expired).toEqual([...stored.map((r) => r.messageId), 'late']);
    expect(mostHeld).toBeLessThanOrEqual(6);
    expect(await store.earliest(10)).toEqual([]);
    schedule.close();
    store.close();
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
