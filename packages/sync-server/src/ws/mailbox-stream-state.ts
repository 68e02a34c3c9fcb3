/**
 * The states of a MailboxStream (mailbox-stream.ts) and its one transition function.
 *
 *                 start / acked (window half free) / offer (window free)
 *     ┌────────┐ ───────────────────────────────────────────────────▶ ┌──────────┐ ◀─┐ offer
 *     │ behind │                                                       │ draining │   │ (missed)
 *     └────────┘ ◀─────────────────────────────────────────────────── └──────────┘ ──┘ read
 *        ▲                pause (window full, or a read failed)          │   (page read: clears
 *        │                                                               │    missed)
 *        │ offer (window full)                                 caught-up │ (short page, none missed)
 *        │                             ┌──────┐                          │
 *        └──────────────────────────── │ live │ ◀────────────────────────┘
 *                                      └──────┘
 *     stop: from every state to `stopped` (final; every other event is then ignored).
 *
 * - behind:   the database holds entries not pushed yet, and no read is running: waiting for
 *             start(), or for acks to free the push window, or after a failed read.
 * - draining: reading the mailbox from the cursor. `missed`: an entry was offered meanwhile, so
 *             a short page does not mean caught up; read again.
 * - live:     caught up; fresh entries go straight from the commit to the socket.
 * - stopped:  the socket is gone.
 *
 * `drainedSent` (the MailboxDrained marker went out on this socket) is carried by behind and
 * draining; live implies it. Events that change nothing return the same object, so the hot path
 * (an entry offered while draining) allocates nothing.
 */
export type MailboxStreamState =
  | { readonly kind: 'behind'; readonly drainedSent: boolean }
  | { readonly kind: 'draining'; readonly drainedSent: boolean; readonly missed: boolean }
  | { readonly kind: 'live' }
  | { readonly kind: 'stopped' };

export type MailboxStreamEvent =
  /** A read of the mailbox starts. */
  | 'drain'
  /** A page is about to be read: entries offered from now on are `missed` by it. */
  | 'read'
  /** An entry could not be pushed at once (window full, or a read is running). */
  | 'offer'
  /** The last read found the end of the mailbox and nothing was missed. */
  | 'caught-up'
  /** The read stopped before the end (window full, or it failed). */
  | 'pause'
  | 'stop';

export const INITIAL_MAILBOX_STREAM_STATE: MailboxStreamState = {
  kind: 'behind',
  drainedSent: false,
};

const LIVE: MailboxStreamState = { kind: 'live' };
const STOPPED: MailboxStreamState = { kind: 'stopped' };

export function nextMailboxStreamState(
  state: MailboxStreamState,
  event: MailboxStreamEvent,
): MailboxStreamState {
  if (event === 'stop') return STOPPED;
  switch (state.kind) {
    case 'behind':
      if (event === 'drain')
        return { kind: 'draining', drainedSent: state.drainedSent, missed: false };
      if (event === 'offer') return state;
      break;
    case 'draining':
      if (event === 'read') {
        return state.missed
          ? { kind: 'draining', drainedSent: state.drainedSent, missed: false }
          : state;
      }
      if (event === 'offer') {
        return state.missed
          ? state
          : { kind: 'draining', drainedSent: state.drainedSent, missed: true };
      }
      if (event === 'caught-up') {
        if (state.missed) break;
        return LIVE;
      }
      if (event === 'pause') return { kind: 'behind', drainedSent: state.drainedSent };
      break;
    case 'live':
      if (event === 'offer') return { kind: 'behind', drainedSent: true };
      break;
    case 'stopped':
      return state;
  }
  throw new Error(`MailboxStream: illegal transition '${event}' from ${describe(state)}`);
}

function describe(state: MailboxStreamState): string {
  return state.kind === 'draining' && state.missed ? 'draining (missed)' : state.kind;
}
