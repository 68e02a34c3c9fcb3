import type { DeviceRef } from '../store/records.js';
import type { MailboxStream } from './mailbox-stream.js';

/**
 * The states of a DeviceConnection (device-connection.ts) and its one transition function.
 *
 *   ┌─────────────────┐  auth request   ┌────────────────┐  credentials ok   ┌───────────────┐
 *   │ unauthenticated │ ──────────────▶ │ authenticating │ ────────────────▶ │ authenticated │
 *   │   (authTimer)   │ ◀────────────── │  (authTimer)   │                   │ (device,      │
 *   └─────────────────┘  auth failed    └────────────────┘                   │  stream)      │
 *            │                                  │                            └───────────────┘
 *            └───────────── socket closed ──────┴──────────────┬───────────────────┘
 *                                                              ▼
 *                                                     ┌─────────────────┐
 *                                                     │ closed (device?)│  (final)
 *                                                     └─────────────────┘
 *
 * - unauthenticated: waiting for the first frame, an auth request; `authTimer` closes the
 *   socket when none succeeds in time (AUTH_TIMEOUT_MS).
 * - authenticating:  the authenticator is checking the credentials; the same timer runs on.
 * - authenticated:   the socket belongs to `device`; `stream` pushes its mailbox.
 * - closed:          the socket closed; `device` is kept for a connection that had one.
 *
 * The timer belongs to the first two states: the connection clears it on leaving them (see
 * `timerOf`). A second auth request is the client's mistake and is answered (CONFLICT) before any
 * transition is tried; an illegal transition here is a bug in the relay.
 */
export type DeviceConnectionState =
  | { readonly kind: 'unauthenticated'; readonly authTimer: NodeJS.Timeout }
  | { readonly kind: 'authenticating'; readonly authTimer: NodeJS.Timeout }
  | { readonly kind: 'authenticated'; readonly device: DeviceRef; readonly stream: MailboxStream }
  | { readonly kind: 'closed'; readonly device: DeviceRef | undefined };

export type DeviceConnectionEvent =
  | { readonly type: 'authenticate' }
  | { readonly type: 'rejected' }
  | { readonly type: 'accepted'; readonly device: DeviceRef; readonly stream: MailboxStream }
  | { readonly type: 'closed' };

export function nextDeviceConnectionState(
  state: DeviceConnectionState,
  event: DeviceConnectionEvent,
): DeviceConnectionState {
  switch (event.type) {
    case 'authenticate':
      if (state.kind === 'unauthenticated')
        return { kind: 'authenticating', authTimer: state.authTimer };
      break;
    case 'rejected':
      if (state.kind === 'authenticating')
        return { kind: 'unauthenticated', authTimer: state.authTimer };
      break;
    case 'accepted':
      if (state.kind === 'authenticating') {
        return { kind: 'authenticated', device: event.device, stream: event.stream };
      }
      break;
    case 'closed':
      if (state.kind === 'closed') break;
      return { kind: 'closed', device: state.kind === 'authenticated' ? state.device : undefined };
  }
  throw new Error(`DeviceConnection: illegal transition '${event.type}' from ${state.kind}`);
}

/** The timer a state owns, cleared when a transition leaves it. */
export function timerOf(state: DeviceConnectionState): NodeJS.Timeout | undefined {
  return state.kind === 'unauthenticated' || state.kind === 'authenticating'
    ? state.authTimer
    : undefined;
}
