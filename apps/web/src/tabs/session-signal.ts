import { parseTabSignal, tabNames } from './tab-names.js';

/** The window event a tab fires on itself when it ends the session (other tabs hear the channel). */
const SESSION_ENDED_EVENT = 'parley:session-ended';

/**
 * The hook for signing out (docs/decisions/0710): whoever ends the account's session on this
 * device calls `announceSessionEnded`, and every tab of the device, this one included, hears it
 * through `onSessionEnded` (typically to reload into the sign-up screen).
 */
export function announceSessionEnded(database: string): void {
  const channel = new BroadcastChannel(tabNames(database).control);
  channel.postMessage({ type: 'session-ended' });
  channel.close();
  dispatchEvent(new Event(SESSION_ENDED_EVENT));
}

/** Calls `listener` once per announcement, made in any tab of the device. Returns an unsubscribe. */
export function onSessionEnded(database: string, listener: () => void): () => void {
  const channel = new BroadcastChannel(tabNames(database).control);
  channel.onmessage = (event: MessageEvent) => {
    if (parseTabSignal(event.data)?.type === 'session-ended') listener();
  };
  addEventListener(SESSION_ENDED_EVENT, listener);
  return () => {
    channel.close();
    removeEventListener(SESSION_ENDED_EVENT, listener);
  };
}
