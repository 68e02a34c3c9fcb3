import { useLayoutEffect, useMemo } from 'react';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import type { ConversationView } from '../messenger/types.js';
import { useNow } from '../format/use-now.js';
import { ChatListItem } from './ChatListItem.js';

/** Newest activity first; core's order is kept when it already is. */
export function byActivity(
  conversations: readonly ConversationView[],
): readonly ConversationView[] {
  const sorted = conversations.every(
    (c, i) => i === 0 || conversations[i - 1]!.updatedAt >= c.updatedAt,
  );
  return sorted ? conversations : [...conversations].sort((a, b) => b.updatedAt - a.updatedAt);
}

export function ChatList({
  openConversationId,
  onNewChat,
}: {
  openConversationId?: string;
  onNewChat: () => void;
}) {
  const messenger = useMessenger();
  const conversations = useObservable(messenger.conversationList);
  const ordered = useMemo(() => byActivity(conversations), [conversations]);
  const now = useNow();

  useLayoutEffect(() => {
    // Benchmark hook (bench/): when the first non-empty list was committed to the DOM.
    if (
      ordered.length > 0 &&
      performance.getEntriesByName('parley:chat-list-rendered').length === 0
    ) {
      performance.mark('parley:chat-list-rendered');
    }
  }, [ordered]);

  if (ordered.length === 0) {
    return (
      <div className="chat-list__empty">
        <p>No chats yet.</p>
        <button type="button" className="button button--primary" onClick={onNewChat}>
          Start a chat
        </button>
      </div>
    );
  }
  return (
    <nav className="chat-list" aria-label="Conversations">
      <ul>
        {ordered.map((conversation) => (
          <ChatListItem
            key={conversation.id}
            conversation={conversation}
            selected={conversation.id === openConversationId}
            now={now}
          />
        ))}
      </ul>
    </nav>
  );
}
