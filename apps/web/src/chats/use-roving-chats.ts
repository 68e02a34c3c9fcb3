import { useCallback, useRef, useState, type KeyboardEvent } from 'react';
import type { ConversationView } from '../messenger/types.js';

/** Which chat the arrow keys and Home/End move to, from the index of the focused one. */
function targetIndex(key: string, index: number, count: number): number | undefined {
  switch (key) {
    case 'ArrowDown':
      return Math.min(count - 1, index + 1);
    case 'ArrowUp':
      return Math.max(0, index - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}

/**
 * Roving tabindex over the (virtualized) chat list: Tab enters the list once, on the open chat or
 * the first; ArrowUp/ArrowDown/Home/End move focus between chats. A chat outside the rendered
 * window is scrolled into view first and focused once the list rendered it (focusPending).
 */
export function useRovingChats(
  ordered: readonly ConversationView[],
  openConversationId: string | undefined,
  scrollToIndex: (index: number) => void,
) {
  const [chosen, setChosen] = useState<string | undefined>();
  const containerRef = useRef<HTMLElement>(null);
  const pending = useRef<string | undefined>(undefined);
  const present = (id: string | undefined) => id !== undefined && ordered.some((c) => c.id === id);
  const activeId = present(chosen)
    ? chosen
    : present(openConversationId)
      ? openConversationId
      : ordered[0]?.id;

  const focusPending = useCallback(() => {
    const id = pending.current;
    if (id === undefined) return;
    const link = containerRef.current?.querySelector<HTMLElement>(
      `[data-conversation-id="${CSS.escape(id)}"]`,
    );
    if (!link) return;
    pending.current = undefined;
    link.focus();
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    const current = (event.target as HTMLElement).closest<HTMLElement>('[data-conversation-id]');
    if (!current) return;
    const index = ordered.findIndex((c) => c.id === current.dataset.conversationId);
    const next = index < 0 ? undefined : targetIndex(event.key, index, ordered.length);
    const target = next === undefined ? undefined : ordered[next];
    if (!target || next === undefined) return;
    event.preventDefault();
    setChosen(target.id);
    pending.current = target.id;
    scrollToIndex(next);
  };

  return { activeId, containerRef, onKeyDown, focusPending };
}
