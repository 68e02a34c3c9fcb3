import { describe, expect, it, vi } from 'vitest';
import {
  INITIAL_OUTBOX_STATE,
  NO_TIMERS,
  clearLeftTimers,
  nextOutboxState as next,
  type OutboxEvent,
  type OutboxState,
  type OutboxTimers,
} from '../../src/delivery/outbox-state.js';

type Timer = ReturnType<typeof setTimeout>;

// Stand-ins: the transition function only carries them.
const timer = (name: string): Timer => ({ name }) as unknown as Timer;
const linger = timer('linger');
const wakeTimer = timer('wake');
const retryTimer = timer('retry');
const ackedTimer = timer('acked');
const pass = Promise.resolve();
const committing = Promise.resolve();

const idle = (timers: OutboxTimers = NO_TIMERS): OutboxState => ({
  kind: 'idle',
  since: 5,
  timers,
});
const lingering = (timers: OutboxTimers = NO_TIMERS): OutboxState => ({
  kind: 'lingering',
  linger,
  timers,
});
const draining = (again = false, timers: OutboxTimers = NO_TIMERS): OutboxState => ({
  kind: 'draining',
  pass,
  startedAt: 9,
  again,
  timers,
});
const closed = (timers: OutboxTimers = NO_TIMERS): OutboxState => ({ kind: 'closed', timers });
const open = [idle(), lingering(), draining(), draining(true)];

const all: OutboxTimers = {
  wake: { at: 100, timer: wakeTimer },
  retry: retryTimer,
  ackedCommit: ackedTimer,
  committingAcked: committing,
};
const with_ = (change: Partial<OutboxTimers>): OutboxTimers => ({ ...NO_TIMERS, ...change });

describe('Outbox states: the drain scheduler', () => {
  it('starts idle, long enough ago to send at once', () => {
    expect(INITIAL_OUTBOX_STATE).toEqual({
      kind: 'idle',
      since: Number.NEGATIVE_INFINITY,
      timers: NO_TIMERS,
    });
  });

  it('lingers, drains, drains again, and ends idle since the pass started', () => {
    expect(next(idle(all), { type: 'linger', timer: linger })).toEqual(lingering(all));
    expect(next(lingering(all), { type: 'drain', pass, startedAt: 9 })).toEqual(
      draining(false, all),
    );
    expect(next(idle(all), { type: 'drain', pass, startedAt: 9 })).toEqual(draining(false, all));
    expect(next(draining(false, all), 'again')).toEqual(draining(true, all));
    for (const again of [false, true]) {
      expect(next(draining(again, all), 'drained')).toEqual({
        kind: 'idle',
        since: 9,
        timers: all,
      });
    }
  });

  it('closes from every state, dropping the linger, wake and retry timers', () => {
    for (const state of [idle(all), lingering(all), draining(true, all)]) {
      expect(next(state, 'close')).toEqual(
        closed(with_({ ackedCommit: ackedTimer, committingAcked: committing })),
      );
    }
    // A pass running at close() still ends.
    const done = closed();
    expect(next(done, 'drained')).toBe(done);
  });

  it('returns the same object when nothing changes (a kick per commit allocates nothing)', () => {
    const again = draining(true);
    expect(next(again, 'again')).toBe(again);
    const state = idle();
    expect(next(state, 'acked-taken')).toBe(state);
    expect(next(state, { type: 'acked-committed', committing })).toBe(state);
    const done = closed();
    expect(next(done, 'close')).toBe(done);
  });
});

describe('Outbox states: the timers beside it', () => {
  it('arms and clears them in every open state, keeping the scheduler state', () => {
    for (const state of open) {
      const wake = next(state, { type: 'wake', at: 50, timer: wakeTimer });
      expect(wake).toEqual({ ...state, timers: with_({ wake: { at: 50, timer: wakeTimer } }) });
      const earlier = timer('earlier');
      expect(next(wake, { type: 'wake', at: 40, timer: earlier }).timers.wake).toEqual({
        at: 40,
        timer: earlier,
      });
      expect(next(wake, 'woken')).toEqual(state);

      const retry = next(state, { type: 'retry', timer: retryTimer });
      expect(retry).toEqual({ ...state, timers: with_({ retry: retryTimer }) });
      expect(next(retry, 'retried')).toEqual(state);
    }
  });

  it('runs the deletion of acknowledged rows in every state, closed included', () => {
    for (const state of [...open, closed()]) {
      const armed = next(state, { type: 'acked-timer', timer: ackedTimer });
      expect(armed).toEqual({ ...state, timers: with_({ ackedCommit: ackedTimer }) });
      const taken = next(armed, 'acked-taken');
      expect(taken).toEqual(state);
      const running = next(taken, { type: 'acked-committing', committing });
      expect(running).toEqual({ ...state, timers: with_({ committingAcked: committing }) });
      expect(next(running, { type: 'acked-committed', committing })).toEqual(state);
      // A newer commit started meanwhile: close() waits for that one.
      const newer = next(running, { type: 'acked-committing', committing: Promise.resolve() });
      expect(next(newer, { type: 'acked-committed', committing })).toBe(newer);
    }
  });

  it('throws on every illegal transition', () => {
    const armed = idle(all);
    const illegal: Array<[OutboxState, OutboxEvent]> = [
      [idle(), 'again'],
      [lingering(), 'again'],
      [closed(), 'again'],
      [idle(), 'drained'],
      [lingering(), 'drained'],
      [lingering(), { type: 'linger', timer: linger }],
      [draining(), { type: 'linger', timer: linger }],
      [closed(), { type: 'linger', timer: linger }],
      [draining(), { type: 'drain', pass, startedAt: 1 }],
      [closed(), { type: 'drain', pass, startedAt: 1 }],
      // A later row never replaces the wake timer of an earlier one.
      [armed, { type: 'wake', at: 100, timer: timer('later') }],
      [armed, { type: 'retry', timer: timer('second') }],
      [armed, { type: 'acked-timer', timer: timer('second') }],
      [idle(), 'woken'],
      [idle(), 'retried'],
      [closed(), { type: 'wake', at: 1, timer: wakeTimer }],
      [closed(), { type: 'retry', timer: retryTimer }],
      [closed(), 'woken'],
      [closed(), 'retried'],
    ];
    for (const [state, event] of illegal) {
      const name = typeof event === 'string' ? event : event.type;
      expect(() => next(state, event), `${name} from ${state.kind}`).toThrow(
        /^Outbox: illegal transition/,
      );
    }
  });
});

describe('Outbox states: timers are owned by states', () => {
  it('clears the timers of what a transition left, and only those', () => {
    const clear = vi.fn<(timer: Timer) => void>();
    const from = lingering(all);
    clearLeftTimers(from, next(from, 'close'), clear);
    expect(clear.mock.calls.map(([t]) => t)).toEqual([linger, wakeTimer, retryTimer]);

    clear.mockClear();
    clearLeftTimers(from, next(from, { type: 'drain', pass, startedAt: 1 }), clear);
    expect(clear.mock.calls.map(([t]) => t)).toEqual([linger]);

    clear.mockClear();
    const earlier = next(idle(all), { type: 'wake', at: 10, timer: timer('earlier') });
    clearLeftTimers(idle(all), earlier, clear);
    expect(clear.mock.calls.map(([t]) => t)).toEqual([wakeTimer]);

    clear.mockClear();
    clearLeftTimers(idle(all), next(idle(all), 'acked-taken'), clear);
    expect(clear.mock.calls.map(([t]) => t)).toEqual([ackedTimer]);

    clear.mockClear();
    clearLeftTimers(draining(false, all), next(draining(false, all), 'again'), clear);
    expect(clear).not.toHaveBeenCalled();
  });
});
