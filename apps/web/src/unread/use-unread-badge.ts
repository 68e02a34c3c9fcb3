import { useEffect, useMemo } from 'react';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import { showUnread } from './unread-badge.js';

/** Keeps the tab's title and favicon badge at the number of unread messages in all chats. */
export function useUnreadBadge(): void {
  const messenger = useMessenger();
  const conversations = useObservable(messenger.conversationList);
  const unread = useMemo(
    () => conversations.reduce((sum, conversation) => sum + conversation.unreadCount, 0),
    [conversations],
  );
  useEffect(() => {
    showUnread(unread).catch((error: unknown) => console.warn('favicon badge', error));
  }, [unread]);
}
