import { useEffect, useSyncExternalStore } from 'react';
import { useMessenger } from '../messenger/messenger-context.js';
import type { MessageView } from '../messenger/types.js';

function subscribeAttention(onChange: () => void): () => void {
  document.addEventListener('visibilitychange', onChange);
  window.addEventListener('focus', onChange);
  window.addEventListener('blur', onChange);
  return () => {
    document.removeEventListener('visibilitychange', onChange);
    window.removeEventListener('focus', onChange);
    window.removeEventListener('blur', onChange);
  };
}

/** A person can only have read what is on a visible page of a focused window. */
function isAttended(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus();
}

function isIncomingText(message: MessageView): boolean {
  return !message.outgoing && message.kind === 'text';
}

/**
 * The newest incoming message on screen, if not read yet: what a read receipt points at (core marks
 * everything before it read too).
 */
export function newestSeenUnread(
  messages: readonly MessageView[],
  visibleIds: ReadonlySet<string>,
): MessageView | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (isIncomingText(message) && visibleIds.has(message.id))
      return message.status === 'read' ? undefined : message;
  }
  return undefined;
}

/**
 * Unread incoming messages after the newest one on screen: what the jump-to-newest button counts.
 * Reads go oldest first, so every unread message lies below what has been seen.
 */
export function unreadBelow(
  messages: readonly MessageView[],
  visibleIds: ReadonlySet<string>,
): number {
  let count = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (visibleIds.has(message.id)) break;
    if (isIncomingText(message) && message.status !== 'read') count++;
  }
  return count;
}

/**
 * Marks read what the person has really seen: the newest incoming message on screen, while the
 * page is visible and its window focused. Core then sends the read receipt. Scrolling down or
 * coming back to the window marks the messages that come into view.
 */
export function useMarkRead(
  conversationId: string,
  messages: readonly MessageView[],
  visibleIds: ReadonlySet<string>,
): void {
  const messenger = useMessenger();
  const attended = useSyncExternalStore(subscribeAttention, isAttended);
  const target = newestSeenUnread(messages, visibleIds);

  useEffect(() => {
    if (!attended || !target) return;
    messenger.markRead(conversationId, target.id).catch((error: unknown) => {
      // Not fatal: the message stays unread and the next change retries.
      console.warn('Parley: marking as read failed', error);
    });
  }, [messenger, conversationId, attended, target]);
}
