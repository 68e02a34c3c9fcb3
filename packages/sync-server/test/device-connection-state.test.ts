import { describe, expect, it } from 'vitest';
import type { DeviceRef } from '../src/store/records.js';
import {
  nextDeviceConnectionState as next,
  timerOf,
  type DeviceConnectionEvent,
  type DeviceConnectionState,
} from '../src/ws/device-connection-state.js';
import type { MailboxStream } from '../src/ws/mailbox-stream.js';

// Stand-ins: the transition function only carries them.
const authTimer = { name: 'auth timer' } as unknown as NodeJS.Timeout;
const device = { rowId: 7, accountId: 'alice', deviceId: 1 } as DeviceRef;
const stream = { name: 'stream' } as unknown as MailboxStream;

const unauthenticated: DeviceConnectionState = { kind: 'unauthenticated', authTimer };
const authenticating: DeviceConnectionState = { kind: 'authenticating', authTimer };
const authenticated: DeviceConnectionState = { kind: 'authenticated', device, stream };

const authenticate: DeviceConnectionEvent = { type: 'authenticate' };
const rejected: DeviceConnectionEvent = { type: 'rejected' };
const accepted: DeviceConnectionEvent = { type: 'accepted', device, stream };
const closed: DeviceConnectionEvent = { type: 'closed' };

describe('DeviceConnection states', () => {
  it('makes every legal transition, carrying the auth timer until authenticated', () => {
    expect(next(unauthenticated, authenticate)).toEqual(authenticating);
    expect(next(authenticating, rejected)).toEqual(unauthenticated);
    expect(next(authenticating, accepted)).toEqual(authenticated);
    expect(next(unauthenticated, closed)).toEqual({ kind: 'closed', device: undefined });
    expect(next(authenticating, closed)).toEqual({ kind: 'closed', device: undefined });
    expect(next(authenticated, closed)).toEqual({ kind: 'closed', device });
  });

  it('owns the auth timer only before authentication', () => {
    expect(timerOf(unauthenticated)).toBe(authTimer);
    expect(timerOf(authenticating)).toBe(authTimer);
    expect(timerOf(authenticated)).toBeUndefined();
    expect(timerOf({ kind: 'closed', device })).toBeUndefined();
  });

  it('throws on every illegal transition', () => {
    const closedState: DeviceConnectionState = { kind: 'closed', device };
    const illegal: Array<[DeviceConnectionState, DeviceConnectionEvent]> = [
      [unauthenticated, rejected],
      [unauthenticated, accepted],
      [authenticating, authenticate],
      [authenticated, authenticate],
      [authenticated, rejected],
      [authenticated, accepted],
      [closedState, authenticate],
      [closedState, rejected],
      [closedState, accepted],
      [closedState, closed],
    ];
    for (const [state, event] of illegal) {
      expect(() => next(state, event)).toThrow(/^DeviceConnection: illegal transition/);
    }
  });
});
