import { forwardRef, useEffect, useMemo, useRef, useState, type HTMLAttributes } from 'react';
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import { Icon } from '../shell/Icon.js';
import { useNow } from '../format/use-now.js';
import type { MessageView } from '../messenger/types.js';
import { MessageBubble } from './MessageBubble.js';
import { PlaceholderBubble } from './PlaceholderBubble.js';
import { buildTimeline, type TimelineRow } from './timeline.js';
import { unreadBelow, useMarkRead } from './use-mark-read.js';
import { useStickToBottom } from './use-stick-to-bottom.js';
import { useVisibleMessages } from './use-visible-messages.js';
import { useAnchoredRows, useMount, usePrefetch } from './use-timeline-window.js';
import {
  isBeingSent,
  reachesNewest,
  useFollowsNewRows,
  useJumpToNewest,
  useScrollToOwnMessage,
} from './use-newest.js';
import type { ConversationView } from '../messenger/types.js';
import { useRichActions } from '../rich/rich-context.js';

/**
 * The scroller is a focusable, named region so keyboard users can scroll the history. (Not a live
 * log: virtualization adds rows while scrolling, which a live region would read out.)
 */
const Scroller = forwardRef<HTMLDivElement, HTMLAttributes<HTMLDivElement>>(
  function Scroller(props, ref) {
    return (
      <div
        {...props}
        ref={ref}
        tabIndex={0}
        role="region"
        aria-label="Messages"
        className="message-list__scroller"
      />
    );
  },
);

const components = { Scroller };

/**
 * Virtualized timeline: only the rows on screen are in the DOM, and core's messages() holds a few
 * pages around them (0820), so a chat of 100,000 messages scrolls as smoothly as a short one.
 */
export function MessageList({
  conversationId,
  messages,
  showSenderNames,
  focusMessageId,
  newest,
  onOlder,
  onNewer,
  onNewest,
}: {
  conversationId: string;
  messages: readonly MessageView[];
  showSenderNames: boolean;
  /** A message to show in its place (a search result): scrolled to the middle, highlighted. */
  focusMessageId?: string;
  /** The chat's newest message (the chat list's): whether the rows reach it. */
  newest?: ConversationView['lastMessage'];
  /** Near the top of what is loaded: the page before it is asked for (0820). */
  onOlder?: () => void;
  /** Near the bottom of what is loaded: the page after it is asked for. */
  onNewer?: () => void;
  /** The jump button: back to the newest page; true when the rows were elsewhere. */
  onNewest?: () => Promise<boolean>;
}) {
  const now = useNow();
  const rows = useMemo(() => buildTimeline(messages, now), [messages, now]);
  const { firstItemIndex, generation } = useAnchoredRows(rows);
  const prefetch = usePrefetch(rows, firstItemIndex, {
    ...(onOlder ? { onOlder } : {}),
    ...(onNewer ? { onNewer } : {}),
  });
  const virtuoso = useRef<VirtuosoHandle>(null);
  const [atBottom, setAtBottom] = useState(true);
  const { visibleIds, watch } = useVisibleMessages();
  const rich = useRichActions();
  // A quote's "jump to the original": scroll there; false when the message is not in the list.
  useEffect(() => {
    rich?.setJumper((messageId) => {
      const index = rows.findIndex((row) => row.type === 'message' && row.message.id === messageId);
      if (index < 0) return false;
      virtuoso.current?.scrollToIndex({ index, align: 'center', behavior: 'smooth' });
      return true;
    });
    return () => rich?.setJumper(null);
  }, [rich, rows]);
  const atNewest = reachesNewest(messages, newest);
  const followsNewRows = useFollowsNewRows(messages, atNewest);
  const scrollerRef = useStickToBottom(atNewest);
  useMarkRead(conversationId, messages, visibleIds);
  const focusIndex = useMemo(
    () =>
      focusMessageId === undefined
        ? -1
        : rows.findIndex((row) => row.type === 'message' && row.message.id === focusMessageId),
    [rows, focusMessageId],
  );
  const { jumps, jumpToNewest } = useJumpToNewest({
    atNewest,
    focusMessageId,
    ...(onNewest ? { onNewest } : {}),
    scrollToEnd: () =>
      virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'smooth' }),
  });
  const mount = useMount({
    generation,
    jumps: jumps.count,
    focus: focusIndex >= 0 && focusMessageId !== jumps.from ? focusMessageId : undefined,
  });
  const mountFocusIndex =
    mount.focus === undefined
      ? -1
      : rows.findIndex((row) => row.type === 'message' && row.message.id === mount.focus);
  useScrollToOwnMessage(messages, () =>
    virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end' }),
  );
  if (rows.length === 0) {
    return (
      <div className="message-list message-list--empty">
        <p>No messages yet. Say hello! Messages here are end-to-end encrypted.</p>
      </div>
    );
  }
  return (
    <div className="message-list">
      <Virtuoso<TimelineRow>
        // A message to show (a search result, another one of the same chat, or one whose page
        // just loaded), a jump to the newest page or rows with nothing in common with the
        // previous ones mount the list anew: a scroll in the same commit as rows being added
        // would be undone by Virtuoso keeping the rows on screen in place.
        key={mount.key}
        ref={virtuoso}
        scrollerRef={scrollerRef}
        className="message-list__virtuoso"
        data={rows}
        // Pages come and go at both ends: the rows on screen keep their place.
        firstItemIndex={firstItemIndex}
        {...prefetch}
        components={components}
        computeItemKey={(_, row) => row.key}
        initialTopMostItemIndex={
          mountFocusIndex >= 0 ? { index: mountFocusIndex, align: 'center' } : rows.length - 1
        }
        alignToBottom
        // A typical one-line bubble: skips Virtuoso's probe render, one pass fewer on open.
        defaultItemHeight={44}
        // Stay at the newest message when already there, and always after sending one; not at
        // the bottom of older history, when a newer page comes in below.
        followOutput={(isAtBottom) =>
          (isAtBottom && followsNewRows) || isBeingSent(messages.at(-1)) ? 'auto' : false
        }
        increaseViewportBy={{ top: 400, bottom: 200 }}
        atBottomStateChange={setAtBottom}
        itemContent={(index, row) => (
          // The newest row gets breathing room above the composer; inside the item, so Virtuoso
          // measures it and "scroll to the end" includes it. Every row has the wrapper, so a new
          // message never remounts the one before it.
          <div
            className={
              index - firstItemIndex === rows.length - 1 ? 'message-list__last' : undefined
            }
          >
            {row.type === 'day' ? (
              <div className="day-separator" role="separator" aria-label={row.label}>
                <span>{row.label}</span>
              </div>
            ) : row.message.kind === 'placeholder' ? (
              <PlaceholderBubble
                message={row.message}
                showSenderName={showSenderNames}
                watchRef={watch}
              />
            ) : (
              <MessageBubble
                message={row.message}
                firstInGroup={row.firstInGroup}
                lastInGroup={row.lastInGroup}
                showSenderName={showSenderNames}
                found={row.message.id === focusMessageId || row.message.id === rich?.flashId}
                watchRef={watch}
              />
            )}
          </div>
        )}
      />
      {!atBottom && (
        <JumpToLatest unread={unreadBelow(messages, visibleIds)} onClick={jumpToNewest} />
      )}
    </div>
  );
}

/** Shown while scrolled up; its badge counts the unread messages waiting below the view. */
function JumpToLatest({ unread, onClick }: { unread: number; onClick: () => void }) {
  const label =
    unread > 0 ? `Jump to the newest message, ${unread} unread` : 'Jump to the newest message';
  return (
    <button type="button" className="jump-to-latest" aria-label={label} onClick={onClick}>
      <Icon name="back" className="jump-to-latest__icon" />
      {unread > 0 && (
        <span className="jump-to-latest__badge" aria-hidden="true" data-testid="unread-below">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </button>
  );
}
