/**
 * Whether the list shows the chat's newest messages, and following them there. Core's messages()
 * is a window on the history (0820, "Scrolling"): at the bottom of older history, the rows end
 * before the newest message, and newer pages coming in below must not pull the view down.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ConversationView, MessageView } from '../messenger/types.js';

/**
 * Whether `messages` reach the chat's newest message (the chat list's last message: the last
 * text message of the same timeline), told by its time and direction: the list's rows then end
 * at the live end. A chat without one is short and shown whole.
 */
export function reachesNewest(
  messages: readonly MessageView[],
  newest: ConversationView['lastMessage'],
): boolean {
  if (!newest) return true;
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.kind === 'text')
      return message.sentAt === newest.sentAt && message.outgoing === newest.outgoing;
  }
  return false;
}

/** A message this device is sending: the list follows it to the bottom. */
export function isBeingSent(message: MessageView | undefined): boolean {
  return message?.outgoing === true && message.status === 'pending';
}

/**
 * Whether the rows before their latest change reached the newest message: only then do rows
 * added at the end follow (a message arriving), not when they are a newer page of history. Read
 * at the render before the change, as the chat list's newest message may update a moment apart
 * from the rows.
 */
export function useFollowsNewRows(messages: readonly MessageView[], atNewest: boolean): boolean {
  const latest = useRef(atNewest);
  const follows = useMemo(() => {
    void messages; // read once per change of the rows
    return latest.current;
  }, [messages]);
  latest.current = atNewest;
  return follows;
}

/**
 * Scrolls to the bottom when a message this device sends becomes the newest row. followOutput
 * covers rows added at the end; when the send brought core's window back from older history,
 * rows also left at the top, and Virtuoso does not follow.
 */
export function useScrollToOwnMessage(
  messages: readonly MessageView[],
  scrollToEnd: () => void,
): void {
  const last = messages.at(-1);
  const seen = useRef(last?.id);
  useEffect(() => {
    if (!last || last.id === seen.current) return;
    seen.current = last.id;
    if (isBeingSent(last)) scrollToEnd();
  });
}

/**
 * The jump button: a scroll to the end when the rows reach the newest message; otherwise core's
 * window goes back to the newest page, and `jumps` counts the times the list must be mounted
 * anew at its bottom (the focused message it jumped away from, `from`, no longer places it).
 */
export function useJumpToNewest({
  atNewest,
  focusMessageId,
  onNewest,
  scrollToEnd,
}: {
  atNewest: boolean;
  focusMessageId: string | undefined;
  onNewest?: () => Promise<boolean>;
  scrollToEnd: () => void;
}): { jumps: { count: number; from?: string }; jumpToNewest: () => void } {
  const [jumps, setJumps] = useState<{ count: number; from?: string }>({ count: 0 });
  const jumpToNewest = () => {
    if (!onNewest || atNewest) return scrollToEnd();
    void onNewest().then((moved) => {
      if (!moved) return scrollToEnd();
      setJumps(({ count }) => ({
        count: count + 1,
        ...(focusMessageId ? { from: focusMessageId } : {}),
      }));
    });
  };
  return { jumps, jumpToNewest };
}
