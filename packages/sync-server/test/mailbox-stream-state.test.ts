import { describe, expect, it } from 'vitest';
import {
  INITIAL_MAILBOX_STREAM_STATE,
  nextMailboxStreamState as next,
  type MailboxStreamEvent,
  type MailboxStreamState,
} from '../src/ws/mailbox-stream-state.js';

const behind = (drainedSent: boolean): MailboxStreamState => ({ kind: 'behind', drainedSent });
const draining = (drainedSent: boolean, missed: boolean): MailboxStreamState => ({
  kind: 'draining',
  drainedSent,
  missed,
});
const live: MailboxStreamState = { kind: 'live' };
const stopped: MailboxStreamState = { kind: 'stopped' };

const events: MailboxStreamEvent[] = ['drain', 'read', 'offer', 'caught-up', 'pause', 'stop'];

describe('MailboxStream states', () => {
  it('starts behind, before the MailboxDrained marker', () => {
    expect(INITIAL_MAILBOX_STREAM_STATE).toEqual(behind(false));
  });

  it('makes every legal transition', () => {
    for (const sent of [false, true]) {
      expect(next(behind(sent), 'drain')).toEqual(draining(sent, false));
      expect(next(draining(sent, false), 'offer')).toEqual(draining(sent, true));
      expect(next(draining(sent, true), 'read')).toEqual(draining(sent, false));
      expect(next(draining(sent, false), 'caught-up')).toEqual(live);
      expect(next(draining(sent, true), 'pause')).toEqual(behind(sent));
      expect(next(draining(sent, false), 'pause')).toEqual(behind(sent));
    }
    expect(next(live, 'offer')).toEqual(behind(true));
  });

  it('returns the same object when nothing changes, so the hot paths allocate nothing', () => {
    for (const state of [behind(false), behind(true)]) expect(next(state, 'offer')).toBe(state);
    const missed = draining(true, true);
    expect(next(missed, 'offer')).toBe(missed);
    const notMissed = draining(false, false);
    expect(next(notMissed, 'read')).toBe(notMissed);
  });

  it('stops from every state, and ignores everything once stopped', () => {
    for (const state of [behind(false), behind(true), draining(false, true), live, stopped]) {
      expect(next(state, 'stop')).toEqual(stopped);
    }
    for (const event of events) expect(next(stopped, event)).toEqual(stopped);
  });

  it('throws on every illegal transition', () => {
    const illegal: Array<[MailboxStreamState, MailboxStreamEvent]> = [
      [behind(false), 'read'],
      [behind(true), 'caught-up'],
      [behind(false), 'pause'],
      [draining(false, false), 'drain'],
      [draining(true, true), 'caught-up'], // an entry came in during the read: read again
      [live, 'drain'],
      [live, 'read'],
      [live, 'caught-up'],
      [live, 'pause'],
    ];
    for (const [state, event] of illegal) {
      expect(() => next(state, event)).toThrow(/^MailboxStream: illegal transition/);
    }
  });
});
