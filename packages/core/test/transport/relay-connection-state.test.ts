import { describe, expect, it } from 'vitest';
import {
  STOPPED,
  attemptOf,
  nextRelayConnectionState as next,
  publicState,
  socketOf,
  timerOf,
  type RelayConnectionEvent,
  type RelayConnectionState,
} from '../../src/transport/relay-connection-state.js';
import type { WebSocketLike } from '../../src/transport/websocket.js';

// Stand-ins: the transition function only carries them.
const socket = { name: 'socket' } as unknown as WebSocketLike;
const timer = { name: 'timer' } as unknown as ReturnType<typeof setTimeout>;
const timer2 = { name: 'timer 2' } as unknown as ReturnType<typeof setTimeout>;

const idle: RelayConnectionState = { kind: 'idle' };
const waiting = (attempt: number): RelayConnectionState => ({ kind: 'waiting', attempt, timer });
const connecting = (attempt: number): RelayConnectionState => ({
  kind: 'connecting',
  attempt,
  socket,
});
const online = (
  drained = false,
  ackTimer: ReturnType<typeof setTimeout> | undefined = undefined,
): RelayConnectionState => ({ kind: 'online', socket, drained, acks: [], ackTimer });

const E = {
  start: { type: 'start' },
  open: { type: 'open', socket },
  authenticated: { type: 'authenticated' },
  drained: { type: 'drained' },
  acksScheduled: { type: 'acks-scheduled', timer: timer2 },
  acksFlushed: { type: 'acks-flushed' },
  retry: { type: 'retry', timer },
  noCredentials: { type: 'no-credentials' },
  fatal: { type: 'fatal' },
  stop: { type: 'stop' },
} satisfies Record<string, RelayConnectionEvent>;

const all: RelayConnectionState[] = [
  STOPPED,
  idle,
  waiting(2),
  connecting(1),
  online(),
  online(true, timer2),
];

describe('RelayConnection states', () => {
  it('starts, opens, authenticates', () => {
    expect(next(STOPPED, E.start)).toEqual(idle);
    expect(next(idle, E.open)).toEqual(connecting(0));
    expect(next(waiting(3), E.open)).toEqual(connecting(3));
    expect(next(connecting(3), E.authenticated)).toEqual(online());
  });

  it('waits after a failure, backing off by attempts since the last authentication', () => {
    expect(next(idle, E.retry)).toEqual(waiting(1)); // the socket could not even be created
    expect(next(waiting(1), E.retry)).toEqual(waiting(2));
    expect(next(connecting(2), E.retry)).toEqual(waiting(3)); // lost before authenticating
    expect(next(online(true, timer2), E.retry)).toEqual(waiting(1)); // lost once online
    expect(next(idle, E.noCredentials)).toEqual(idle);
    expect(next(waiting(4), E.noCredentials)).toEqual(idle);
    for (const state of [STOPPED, idle, online()]) expect(attemptOf(state)).toBe(0);
    expect(attemptOf(waiting(4))).toBe(4);
    expect(attemptOf(connecting(2))).toBe(2);
  });

  it('tracks the backlog marker and the ack timer while online', () => {
    expect(next(online(), E.drained)).toEqual(online(true));
    expect(next(online(false, timer), E.drained)).toEqual(online(true, timer));
    expect(next(online(true), E.acksScheduled)).toEqual(online(true, timer2));
    expect(next(online(true, timer2), E.acksFlushed)).toEqual(online(true));
  });

  it('returns the same object when nothing changes', () => {
    const drained = online(true);
    expect(next(drained, E.drained)).toBe(drained);
    expect(next(drained, E.acksFlushed)).toBe(drained);
    expect(next(idle, E.noCredentials)).toBe(next(waiting(1), E.noCredentials));
  });

  it('stops from every state; a fatal close stops a connection that has a socket', () => {
    for (const state of all) expect(next(state, E.stop)).toBe(STOPPED);
    expect(next(connecting(2), E.fatal)).toBe(STOPPED);
    expect(next(online(true, timer2), E.fatal)).toBe(STOPPED);
  });

  it('throws on every illegal transition', () => {
    const legal = new Set([
      'stopped:start',
      'idle:open',
      'waiting:open',
      'idle:no-credentials',
      'waiting:no-credentials',
      'idle:retry',
      'waiting:retry',
      'connecting:retry',
      'online:retry',
      'connecting:authenticated',
      'online:drained',
      'online:acks-scheduled',
      'online:acks-flushed',
      'connecting:fatal',
      'online:fatal',
    ]);
    let illegal = 0;
    for (const state of all) {
      for (const event of Object.values(E)) {
        if (event.type === 'stop') continue;
        const key = `${state.kind}:${event.type}`;
        // Scheduling acks while a batch's timer already runs would orphan that timer.
        const orphans = key === 'online:acks-scheduled' && timerOf(state) !== undefined;
        if (legal.has(key) && !orphans) {
          expect(() => next(state, event), key).not.toThrow();
        } else {
          illegal++;
          expect(() => next(state, event), key).toThrow(/^RelayConnection: illegal transition/);
        }
      }
    }
    expect(illegal).toBeGreaterThan(30);
  });

  it('owns a timer in waiting and online, a socket in connecting and online', () => {
    expect(timerOf(waiting(1))).toBe(timer);
    expect(timerOf(online(true, timer2))).toBe(timer2);
    expect(timerOf(online())).toBeUndefined();
    for (const state of [STOPPED, idle, connecting(1)]) expect(timerOf(state)).toBeUndefined();
    expect(socketOf(connecting(1))).toBe(socket);
    expect(socketOf(online())).toBe(socket);
    for (const state of [STOPPED, idle, waiting(1)]) expect(socketOf(state)).toBeUndefined();
  });

  it('shows connecting, online or offline', () => {
    expect(all.map(publicState)).toEqual([
      'offline',
      'offline',
      'offline',
      'connecting',
      'online',
      'online',
    ]);
  });
});
