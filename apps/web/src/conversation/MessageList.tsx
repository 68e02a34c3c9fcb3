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

/** Virtualized timeline: only the rows on screen are in the DOM, so 10,000 messages stay smooth. */
export function MessageList({
  conversationId,
  messages,
  showSenderNames,
  focusMessageId,
  onStartReached,
}: {
  conversationId: string;
  messages: readonly MessageView[];
  showSenderNames: boolean;
  /** A message to show in its place (a search result): scrolled to the middle, highlighted. */
  focusMessageId?: string;
  /** Scrolled to the top of what is loaded: the page before it is asked for (0820). */
  onStartReached?: () => void;
}) {
  const now = useNow();
  const rows = useMemo(() => buildTimeline(messages, now), [messages, now]);
  const firstItemIndex = useFirstItemIndex(rows);
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
  const scrollerRef = useStickToBottom();
  useMarkRead(conversationId, messages, visibleIds);
  const focusIndex = useMemo(
    () =>
      focusMessageId === undefined
        ? -1
        : rows.findIndex((row) => row.type === 'message' && row.message.id === focusMessageId),
    [rows, focusMessageId],
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
        // just loaded) mounts the list anew around it: a scroll in the same commit as older
        // rows being prepended would be undone by Virtuoso keeping the rows on screen in place.
        key={focusIndex >= 0 ? `focus:${focusMessageId}` : 'newest'}
        ref={virtuoso}
        scrollerRef={scrollerRef}
        className="message-list__virtuoso"
        data={rows}
        // Older pages are prepended: the rows on screen keep their place.
        firstItemIndex={firstItemIndex}
        {...(onStartReached ? { startReached: onStartReached } : {})}
        components={components}
        computeItemKey={(_, row) => row.key}
        initialTopMostItemIndex={
          focusIndex >= 0 ? { index: focusIndex, align: 'center' } : rows.length - 1
        }
        alignToBottom
        // A typical one-line bubble: skips Virtuoso's probe render, one pass fewer on open.
        defaultItemHeight={44}
        // Stay at the newest message when already there, and always after sending one.
        followOutput={(isAtBottom) => (isAtBottom || messages.at(-1)?.outgoing ? 'auto' : false)}
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
        <JumpToLatest
          unread={unreadBelow(messages, visibleIds)}
          onClick={() =>
            virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'smooth' })
          }
        />
      )}
    </div>
  );
}

/** Far above any index a timeline reaches, as Virtuoso's firstItemIndex must stay positive. */
const FIRST_ITEM_INDEX = 1_000_000_000;

/**
 * Virtuoso's index of the first row: lowered by as many rows as were prepended (an older page
 * came in), found by where the first message shown before sits now.
 */
function useFirstItemIndex(rows: readonly TimelineRow[]): number {
  const first = useRef<{ key: string | undefined; at: number; index: number }>({
    key: undefined,
    at: 0,
    index: FIRST_ITEM_INDEX,
  });
  return useMemo(() => {
    const previous = first.current;
    const at = rows.findIndex((row) => row.type === 'message');
    const key = at < 0 ? undefined : rows[at]!.key;
    const now = previous.key === undefined ? -1 : rows.findIndex((row) => row.key === previous.key);
    const index = now < 0 ? previous.index : previous.index - (now - previous.at);
    first.current = { key, at, index };
    return index;
  }, [rows]);
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
