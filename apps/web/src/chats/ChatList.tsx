import { useCallback, useLayoutEffect, useMemo, useState } from 'react';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import type { ConversationView } from '../messenger/types.js';
import { useNow } from '../format/use-now.js';
import { MessageRequestsSection } from '../requests/MessageRequestsSection.js';
import { Icon } from '../shell/Icon.js';
import { ChatListItem } from './ChatListItem.js';
import { organizeChats } from './organize-chats.js';
import { useRovingChats } from './use-roving-chats.js';
import { useVirtualRows } from './use-virtual-rows.js';
import './chat-list.css';

/** Newest activity first; core's order is kept when it already is. */
export function byActivity(
  conversations: readonly ConversationView[],
): readonly ConversationView[] {
  const sorted = conversations.every(
    (c, i) => i === 0 || conversations[i - 1]!.updatedAt >= c.updatedAt,
  );
  return sorted ? conversations : [...conversations].sort((a, b) => b.updatedAt - a.updatedAt);
}

/**
 * Only the rows on screen (and a few around them) are in the DOM, so the list of a person with
 * thousands of chats renders as fast as one with ten; rows are measured as they mount. Each row
 * says its position for screen readers.
 */
const ROW_HEIGHT_ESTIMATE = 68;

export function ChatList({
  openConversationId,
  onNewChat,
}: {
  openConversationId?: string;
  onNewChat: () => void;
}) {
  const messenger = useMessenger();
  const all = useObservable(messenger.conversationList);
  // Message requests (a stranger wrote first) are listed apart, above the chats.
  const requests = useMemo(() => all.filter((c) => c.request), [all]);
  const conversations = useMemo(
    () => (requests.length === 0 ? all : all.filter((c) => !c.request)),
    [all, requests],
  );
  const settings = useObservable(messenger.accountSettings);
  const organized = useMemo(
    () => organizeChats(byActivity(conversations), settings.chats),
    [conversations, settings.chats],
  );
  const [showArchived, setShowArchived] = useState(false);
  const viewingArchive = showArchived && organized.archived.length > 0;
  const ordered = viewingArchive ? organized.archived : organized.active;
  const now = useNow();
  const rows = useVirtualRows({
    count: ordered.length,
    keyOf: useCallback((index: number) => ordered[index]!.id, [ordered]),
    estimate: ROW_HEIGHT_ESTIMATE,
    above: 200,
    below: 400,
  });
  const roving = useRovingChats(ordered, openConversationId, rows.scrollToIndex);
  useLayoutEffect(() => {
    markFirstRender(rows.rows);
    roving.focusPending();
  });

  const requestsSection = (
    <MessageRequestsSection requests={requests} openConversationId={openConversationId} />
  );
  // The archive's entry (or, inside it, the way back) above the list.
  const archiveToggle =
    organized.archived.length > 0 ? (
      <button
        type="button"
        className="chat-list__archive-toggle"
        aria-expanded={viewingArchive}
        onClick={() => setShowArchived(!viewingArchive)}
      >
        <Icon name={viewingArchive ? 'back' : 'archive'} size={18} />
        {viewingArchive ? 'Back to chats' : `Archived (${organized.archived.length})`}
      </button>
    ) : null;
  if (ordered.length === 0 && conversations.length > 0) {
    return (
      <>
        {requestsSection}
        {archiveToggle}
        <div className="chat-list__empty">
          <p>Every chat is archived.</p>
        </div>
      </>
    );
  }
  if (ordered.length === 0) {
    return (
      <>
        {requestsSection}
        <div className="chat-list__empty">
          <p>No chats yet.</p>
          <button type="button" className="button button--primary" onClick={onNewChat}>
            Start a chat
          </button>
        </div>
      </>
    );
  }
  return (
    <>
      {requestsSection}
      {archiveToggle}
      <nav
        className="chat-list"
        aria-label={viewingArchive ? 'Archived chats' : 'Conversations'}
        data-total={ordered.length}
        ref={roving.containerRef}
        onKeyDown={roving.onKeyDown}
      >
        {/* Not a Tab stop of its own: the chats inside are, one at a time (roving tabindex). */}
        <div className="chat-list__scroller" ref={rows.scroller} tabIndex={-1}>
          <ul className="chat-list__items" style={{ height: rows.totalHeight }}>
            {rows.rows.map((row) => {
              const conversation = ordered[row.index]!;
              return (
                <li
                  key={row.key}
                  ref={rows.measure}
                  data-row-key={row.key}
                  className="chat-list__row"
                  style={{ transform: `translateY(${row.start}px)` }}
                  aria-posinset={row.index + 1}
                  aria-setsize={ordered.length}
                >
                  <ChatListItem
                    conversation={conversation}
                    selected={conversation.id === openConversationId}
                    pinned={!viewingArchive && (settings.chats[conversation.id]?.pinned ?? false)}
                    tabbable={conversation.id === roving.activeId}
                    now={now}
                  />
                </li>
              );
            })}
          </ul>
        </div>
      </nav>
    </>
  );
}

/** Benchmark hook (bench/): when rows of the first non-empty list were committed to the DOM. */
function markFirstRender(items: unknown[]): void {
  if (items.length > 0 && performance.getEntriesByName('parley:chat-list-rendered').length === 0) {
    performance.mark('parley:chat-list-rendered');
  }
}
