import type { ConnectionState } from './relay-connection.js';
import type { WebSocketLike } from './websocket.js';

type Timer = ReturnType<typeof setTimeout>;

/**
 * The states of a RelayConnection (relay-connection.ts) and its one transition function.
 *
 *              start            open (socket)              authenticated
 *   ┌─────────┐ ──────▶ ┌──────┐ ─────────────▶ ┌────────────┐ ─────────────▶ ┌──────────┐
 *   │ stopped │         │ idle │                │ connecting │                │  online  │ ──┐
 *   └─────────┘         └──────┘                │  socket    │                │  socket  │   │ drained,
 *                        │    ▲                 │  attempt   │                │  drained │   │ acks-scheduled,
 *       retry (no socket │    │ no-credentials  └────────────┘                │  acks    │   │ acks-flushed
 *       could be made)   ▼    │                    ▲      │                   │  ackTimer│ ◀─┘
 *                   ┌─────────────┐ open (socket)  │      │ retry (lost)      └──────────┘
 *             retry │   waiting   │ ───────────────┘      │                        │
 *            ┌────▶ │  attempt    │ ◀─────────────────────┘                        │
 *            └───── │  timer      │ ◀──────────────────────────────────────────────┘
 *                   └─────────────┘                retry (lost)
 *
 *   stop: from every state to stopped. fatal (a close code that refuses this device for good):
 *   from connecting and online to stopped.
 *
 * - stopped:    not started, stopped, or refused for good by the relay (a fatal close code).
 * - idle:       started, no socket and no timer: between start() and the first socket, and for
 *               good (until stop() and start()) when there are no credentials to connect with.
 * - waiting:    no socket; `timer` opens the next one after the backoff for `attempt`.
 * - connecting: `socket` is opening, or open with the auth request in flight.
 * - online:     authenticated on `socket`: sends may flow. `drained`: its MailboxDrained marker
 *               arrived. `acks`: ids of applied envelopes not acked yet, written when `ackTimer`
 *               fires or the batch is full.
 *
 * Timers belong to states (`timerOf`): a transition that leaves a state clears its timer, so
 * stop() or a lost socket leave none behind. Per message nothing is allocated: an ack only pushes
 * onto `acks`, and only scheduling or flushing a batch of them changes the state.
 */
export type RelayConnectionState =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'idle' }
  | { readonly kind: 'waiting'; readonly attempt: number; readonly timer: Timer }
  | { readonly kind: 'connecting'; readonly attempt: number; readonly socket: WebSocketLike }
  | {
      readonly kind: 'online';
      readonly socket: WebSocketLike;
      readonly drained: boolean;
      readonly acks: bigint[];
      readonly ackTimer: Timer | undefined;
    };

export type RelayConnectionEvent =
  | { readonly type: 'start' }
  /** A socket was created and is opening. */
  | { readonly type: 'open'; readonly socket: WebSocketLike }
  /** The relay accepted the credentials on the current socket. */
  | { readonly type: 'authenticated' }
  /** The current socket's backlog has been pushed. */
  | { readonly type: 'drained' }
  | { readonly type: 'acks-scheduled'; readonly timer: Timer }
  | { readonly type: 'acks-flushed' }
  /** Reconnect after `timer` (a socket could not be created, or it was lost). */
  | { readonly type: 'retry'; readonly timer: Timer }
  /** Nothing to connect with. */
  | { readonly type: 'no-credentials' }
  /** The relay refused this device for good. */
  | { readonly type: 'fatal' }
  | { readonly type: 'stop' };

export const STOPPED: RelayConnectionState = { kind: 'stopped' };
const IDLE: RelayConnectionState = { kind: 'idle' };

export function nextRelayConnectionState(
  state: RelayConnectionState,
  event: RelayConnectionEvent,
): RelayConnectionState {
  switch (event.type) {
    case 'start':
      if (state.kind === 'stopped') return IDLE;
      break;
    case 'open':
      if (state.kind === 'idle') return { kind: 'connecting', attempt: 0, socket: event.socket };
      if (state.kind === 'waiting') {
        return { kind: 'connecting', attempt: state.attempt, socket: event.socket };
      }
      break;
    case 'no-credentials':
      if (state.kind === 'idle' || state.kind === 'waiting') return IDLE;
      break;
    case 'retry':
      // The backoff grows with every attempt since the last authentication.
      if (state.kind === 'idle' || state.kind === 'online') {
        return { kind: 'waiting', attempt: 1, timer: event.timer };
      }
      if (state.kind === 'waiting' || state.kind === 'connecting') {
        return { kind: 'waiting', attempt: state.attempt + 1, timer: event.timer };
      }
      break;
    case 'authenticated':
      if (state.kind === 'connecting') {
        return {
          kind: 'online',
          socket: state.socket,
          drained: false,
          acks: [],
          ackTimer: undefined,
        };
      }
      break;
    case 'drained':
      if (state.kind === 'online') return state.drained ? state : { ...state, drained: true };
      break;
    case 'acks-scheduled':
      if (state.kind === 'online' && state.ackTimer === undefined) {
        return { ...state, ackTimer: event.timer };
      }
      break;
    case 'acks-flushed':
      if (state.kind === 'online') {
        return state.ackTimer === undefined ? state : { ...state, ackTimer: undefined };
      }
      break;
    case 'fatal':
      if (state.kind === 'connecting' || state.kind === 'online') return STOPPED;
      break;
    case 'stop':
      return STOPPED;
  }
  throw new Error(`RelayConnection: illegal transition '${event.type}' from ${state.kind}`);
}

/** The attempt whose backoff applies to the next reconnect (0 right after a start or an authentication). */
export function attemptOf(state: RelayConnectionState): number {
  return state.kind === 'waiting' || state.kind === 'connecting' ? state.attempt : 0;
}

/** The timer a state owns, cleared when a transition leaves it (or replaces it). */
export function timerOf(state: RelayConnectionState): Timer | undefined {
  if (state.kind === 'waiting') return state.timer;
  if (state.kind === 'online') return state.ackTimer;
  return undefined;
}

/** The socket a state holds, if any. */
export function socketOf(state: RelayConnectionState): WebSocketLike | undefined {
  return state.kind === 'connecting' || state.kind === 'online' ? state.socket : undefined;
}

/** The public view of a state (what the facade and the UI see). */
export function publicState(state: RelayConnectionState): ConnectionState {
  if (state.kind === 'connecting') return 'connecting';
  if (state.kind === 'online') return 'online';
  return 'offline';
}
