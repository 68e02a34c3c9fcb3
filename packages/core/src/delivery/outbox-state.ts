type Timer = ReturnType<typeof setTimeout>;

/**
 * The states of the Outbox (outbox.ts) and its one transition function.
 *
 * The drain scheduler:
 *
 *                     kick (busy: the last pass started < OUTBOX_IDLE_AFTER_MS ago)
 *          ┌───────┐ ───────────────────────────────────────────────▶ ┌───────────┐
 *     ┌──▶ │ idle  │                                                  │ lingering │ (kicks: no-op)
 *     │    │ since │                                                  │  linger   │
 *     │    └───────┘                                                  └───────────┘
 *     │        │ kick (idle for long, or lingering is off): drain           │
 *     │        ▼                                                            │ linger fired: drain
 *     │    ┌─────────────┐ ◀────────────────────────────────────────────────┘
 *     │    │  draining   │ ──┐
 *     │    │  pass       │   │ again (kicked during the pass: it kicks again when it
 *     │    │  startedAt  │ ◀─┘        ends, so rows committed meanwhile are not left behind)
 *     │    │  again      │
 *     │    └─────────────┘
 *     └────────┘ drained (idle since startedAt)
 *
 *      close: from every state to `closed` (final); a pass running then ends with `drained`.
 *
 * - idle:      no pass runs; `since`: when the last one started (idle for long: send at once).
 * - lingering: a pass starts when `linger` fires, so that rows committed meanwhile share it.
 * - draining:  `pass` reads pages and sends them; `again`: rows were committed meanwhile.
 * - closed:    close() was called; only the deletion of acknowledged rows still runs.
 *
 * Beside the scheduler, every state carries `timers`, of concerns that run alongside it:
 *
 *   wake          drains again when the earliest held-back row (notBefore) is due; replaced only
 *                 by an earlier one; cleared by `woken`.
 *   retry         looks again at rows the relay could not take; cleared by `retried`.
 *   ackedCommit   commits the deletion of acknowledged rows alone (ACKED_COMMIT_DELAY_MS);
 *                 cleared by `acked-taken` (a page's transaction took the deletion along).
 *   committingAcked  that commit, running (close() waits for it).
 *
 * Timers belong to states: a transition that drops one (see `clearLeftTimers`) clears it, so
 * `close` leaves only the acknowledged rows' commit behind, which close() itself finishes. Events
 * that change nothing return the same object: a kick per commit during a pass, or a page taking
 * no pending deletion along, allocate nothing.
 */
export interface OutboxTimers {
  readonly wake: { readonly at: number; readonly timer: Timer } | undefined;
  readonly retry: Timer | undefined;
  readonly ackedCommit: Timer | undefined;
  readonly committingAcked: Promise<void> | undefined;
}

export type OutboxState =
  | { readonly kind: 'idle'; readonly since: number; readonly timers: OutboxTimers }
  | { readonly kind: 'lingering'; readonly linger: Timer; readonly timers: OutboxTimers }
  | {
      readonly kind: 'draining';
      readonly pass: Promise<void>;
      readonly startedAt: number;
      readonly again: boolean;
      readonly timers: OutboxTimers;
    }
  | { readonly kind: 'closed'; readonly timers: OutboxTimers };

export type OutboxEvent =
  /** Rows were committed during a pass. */
  | 'again'
  /** The pass ended. */
  | 'drained'
  | 'close'
  /** The wake timer fired. */
  | 'woken'
  /** The retry timer fired. */
  | 'retried'
  /** The pending deletion of acknowledged rows was taken by a transaction (or the timer fired). */
  | 'acked-taken'
  | { readonly type: 'linger'; readonly timer: Timer }
  | { readonly type: 'drain'; readonly pass: Promise<void>; readonly startedAt: number }
  | { readonly type: 'wake'; readonly at: number; readonly timer: Timer }
  | { readonly type: 'retry'; readonly timer: Timer }
  | { readonly type: 'acked-timer'; readonly timer: Timer }
  | { readonly type: 'acked-committing'; readonly committing: Promise<void> }
  | { readonly type: 'acked-committed'; readonly committing: Promise<void> };

export const NO_TIMERS: OutboxTimers = {
  wake: undefined,
  retry: undefined,
  ackedCommit: undefined,
  committingAcked: undefined,
};

export const INITIAL_OUTBOX_STATE: OutboxState = {
  kind: 'idle',
  since: Number.NEGATIVE_INFINITY,
  timers: NO_TIMERS,
};

export function nextOutboxState(state: OutboxState, event: OutboxEvent): OutboxState {
  const timers = state.timers;
  if (typeof event === 'string') {
    switch (event) {
      case 'again':
        if (state.kind === 'draining') return state.again ? state : { ...state, again: true };
        break;
      case 'drained':
        if (state.kind === 'draining') return { kind: 'idle', since: state.startedAt, timers };
        if (state.kind === 'closed') return state;
        break;
      case 'close':
        if (state.kind === 'closed') return state;
        return {
          kind: 'closed',
          timers:
            timers.wake || timers.retry ? { ...timers, wake: undefined, retry: undefined } : timers,
        };
      case 'woken':
        if (state.kind !== 'closed' && timers.wake) return withTimers(state, { wake: undefined });
        break;
      case 'retried':
        if (state.kind !== 'closed' && timers.retry) return withTimers(state, { retry: undefined });
        break;
      case 'acked-taken':
        return timers.ackedCommit ? withTimers(state, { ackedCommit: undefined }) : state;
    }
    throw illegal(state, event);
  }
  switch (event.type) {
    case 'linger':
      if (state.kind === 'idle') return { kind: 'lingering', linger: event.timer, timers };
      break;
    case 'drain':
      if (state.kind === 'idle' || state.kind === 'lingering') {
        const { pass, startedAt } = event;
        return { kind: 'draining', pass, startedAt, again: false, timers };
      }
      break;
    case 'wake':
      // Only an earlier row re-arms the wake timer; a later one is woken by the same drain.
      if (state.kind !== 'closed' && (!timers.wake || event.at < timers.wake.at)) {
        return withTimers(state, { wake: { at: event.at, timer: event.timer } });
      }
      break;
    case 'retry':
      if (state.kind !== 'closed' && !timers.retry)
        return withTimers(state, { retry: event.timer });
      break;
    case 'acked-timer':
      // Also while closed: pages finishing during close() still acknowledge rows.
      if (!timers.ackedCommit) return withTimers(state, { ackedCommit: event.timer });
      break;
    case 'acked-committing':
      return withTimers(state, { committingAcked: event.committing });
    case 'acked-committed':
      // A newer commit may have started meanwhile: close() must still wait for that one.
      return timers.committingAcked === event.committing
        ? withTimers(state, { committingAcked: undefined })
        : state;
  }
  throw illegal(state, event.type);
}

function withTimers(state: OutboxState, change: Partial<OutboxTimers>): OutboxState {
  return { ...state, timers: { ...state.timers, ...change } };
}

function illegal(state: OutboxState, event: string): Error {
  return new Error(`Outbox: illegal transition '${event}' from ${state.kind}`);
}

/** Clears every timer `previous` owned that `next` does not (the timers of states left). */
export function clearLeftTimers(
  previous: OutboxState,
  next: OutboxState,
  clear: (timer: Timer) => void = clearTimeout,
): void {
  if (
    previous.kind === 'lingering' &&
    (next.kind !== 'lingering' || next.linger !== previous.linger)
  ) {
    clear(previous.linger);
  }
  const before = previous.timers;
  const after = next.timers;
  if (before === after) return;
  if (before.wake && before.wake.timer !== after.wake?.timer) clear(before.wake.timer);
  if (before.retry && before.retry !== after.retry) clear(before.retry);
  if (before.ackedCommit && before.ackedCommit !== after.ackedCommit) clear(before.ackedCommit);
}
