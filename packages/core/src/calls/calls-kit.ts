/**
 * The call logic (`@parley/core/calls`): ringing, answering, the peer mesh and its signals. Core
 * never imports it itself: the platform passes it as MessengerOptions.calls, a page as a lazy
 * import fetched on the first call or signal (lazy-calls.ts, docs/decisions/0503).
 */
export { Calls } from './calls.js';
export { readSignal } from './call-signal.js';
