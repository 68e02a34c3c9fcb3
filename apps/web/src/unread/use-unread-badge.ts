import { useEffect, useMemo } from 'react';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import { totalUnread } from './total-unread.js';

/** Keeps the tab's title and favicon badge at the number of unread messages in the chats (message requests wait apart, unbadged). */
export function useUnreadBadge(): void {
  const messenger = useMessenger();
  const conversations = useObservable(messenger.conversationList);
  const unread = useMemo(() => totalUnread(conversations), [conversations]);
  useEffect(() => {
    // The canvas drawing is fetched with the first count, after first paint.
    import('./unread-badge.js')
      .then(({ showUnread }) => showUnread(unread))
      .catch((error: unknown) => console.warn('favicon badge', error));
  }, [unread]);
}
