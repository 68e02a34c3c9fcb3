import { useEffect, useSyncExternalStore } from 'react';
import { useMessenger } from '../messenger/messenger-context.js';
import type { MessageView } from '../messenger/types.js';

function subscribeVisibility(onChange: () => void): () => void {
  document.addEventListener('visibilitychange', onChange);
  return () => document.removeEventListener('visibilitychange', onChange);
}

/** The newest incoming message not yet read, which is what a read receipt points at. */
export function newestUnread(messages: readonly MessageView[]): MessageView | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (!message.outgoing && message.kind === 'text')
      return message.status === 'read' ? undefined : message;
  }
  return undefined;
}

/**
 * While a chat is open and the page is visible, everything in it counts as read: core marks it and
 * sends the read receipt. A hidden tab reads nothing.
 */
export function useMarkRead(conversationId: string, messages: readonly MessageView[]): void {
  const messenger = useMessenger();
  const visible = useSyncExternalStore(
    subscribeVisibility,
    () => document.visibilityState === 'visible',
  );
  const target = newestUnread(messages);

  useEffect(() => {
    if (!visible || !target) return;
    messenger.markRead(conversationId, target.id).catch((error: unknown) => {
      // Not fatal: the message stays unread and the next change retries.
      console.warn('Parley: marking as read failed', error);
    });
  }, [messenger, conversationId, visible, target]);
}
