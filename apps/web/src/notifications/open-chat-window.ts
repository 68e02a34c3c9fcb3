/**
 * Where a notification click leads: the chat, in a window the app already has (focused, and told
 * to open the chat: a page keeps its state and its socket) or in a new one.
 */

/** Messages the service worker posts to open pages. */
export type WorkerToPage =
  | { type: 'parley-open-chat'; conversationId: string }
  | { type: 'parley-mark-read'; conversationId: string }
  | { type: 'parley-answer-call'; conversationId: string; callId: string }
  | { type: 'parley-push-renew' };

interface WindowLike {
  readonly url: string;
  readonly focused: boolean;
  readonly visibilityState: DocumentVisibilityState;
  focus(): Promise<unknown>;
  postMessage(message: WorkerToPage): void;
}

export interface ClientsLike {
  matchAll(options: {
    type: 'window';
    includeUncontrolled: boolean;
  }): Promise<readonly WindowLike[]>;
  openWindow(url: string): Promise<unknown>;
}

/** Opens the chat `conversationId` (reachable at `url`) in the best window for it. */
export async function openChatWindow(
  clients: ClientsLike,
  conversationId: string,
  url: string,
): Promise<void> {
  const windows = await clients.matchAll({ type: 'window', includeUncontrolled: true });
  const best =
    windows.find((w) => w.focused) ??
    windows.find((w) => w.visibilityState === 'visible') ??
    windows[0];
  if (!best) {
    await clients.openWindow(url);
    return;
  }
  best.postMessage({ type: 'parley-open-chat', conversationId });
  await best.focus();
}
