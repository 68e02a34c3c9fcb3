import { useCallback, useEffect, useRef } from 'react';

/** Within this many pixels of the end counts as "at the newest message". */
const AT_BOTTOM_SLACK_PX = 8;

/** Fired (bubbling) by a bubble that unfolds in place: its growth must not move the view. */
export const UNFOLD_EVENT = 'parley:unfold';

/** What a person does to scroll: scroll events after one of these are theirs. */
const USER_SCROLL_EVENTS = ['wheel', 'touchstart', 'keydown', 'pointerdown'] as const;

function atBottom(scroller: HTMLElement): boolean {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= AT_BOTTOM_SLACK_PX;
}

/**
 * Keeps the newest message in view while the person is at the bottom and the layout changes: the
 * window is resized (bubbles rewrap, so the content's height changes over several frames while
 * Virtuoso re-measures), a phone keyboard opens, the composer grows, tall bubbles are measured
 * after the chat opened. Virtuoso's followOutput only reacts to new items. Only the person
 * scrolling away unsticks the list: scroll events caused by a resize or by Virtuoso's own
 * corrections do not. Sticking sets scrollTop directly: Virtuoso renders whatever the scroll
 * position shows, without the extra passes of a scrollToIndex.
 */
export function useStickToBottom(
  atNewest: boolean,
): (element: HTMLElement | Window | null) => void {
  // A callback ref, no state: attaching must not re-render the list it belongs to.
  const detach = useRef<(() => void) | undefined>(undefined);
  const newest = useRef(atNewest);
  newest.current = atNewest;
  useEffect(() => () => detach.current?.(), []);
  return useCallback((element: HTMLElement | Window | null) => {
    detach.current?.();
    detach.current =
      element instanceof HTMLElement ? attach(element, () => newest.current) : undefined;
  }, []);
}

/**
 * Starts sticking `scroller` to its bottom while its rows reach the chat's newest message (at the
 * bottom of older history, a newer page coming in below must stay below); returns what stops it.
 */
function attach(scroller: HTMLElement, atNewest: () => boolean): () => void {
  // Stuck from the first scroll that reaches the bottom (Virtuoso's own, when the chat opens at
  // its newest message): stepping in while Virtuoso positions a just-opened list costs it passes.
  let stuck = false;
  let userScrolling = false;
  let unfolding = false;
  const stick = () => {
    if (stuck && !unfolding && atNewest() && !atBottom(scroller)) {
      userScrolling = false;
      scroller.scrollTop = scroller.scrollHeight;
    }
    unfolding = false;
  };
  const onUserInput = () => {
    userScrolling = true;
  };
  const onScroll = () => {
    if (atBottom(scroller)) stuck = true;
    else if (userScrolling) stuck = false;
  };
  const onUnfold = () => {
    unfolding = true;
  };
  // The rendered items' height changes when bubbles rewrap at another width. Watched only from
  // the first resize of the scroller on: opening a chat stays Virtuoso's business alone (watching
  // its items from the start measurably slowed opening a long chat).
  const items = new ResizeObserver(stick);
  let initial = true;
  const frame = new ResizeObserver(() => {
    if (initial) {
      initial = false; // the size it had when observed
      return;
    }
    const list = scroller.querySelector('[data-testid="virtuoso-item-list"]');
    if (list) items.observe(list);
    stick();
  });
  for (const type of USER_SCROLL_EVENTS)
    scroller.addEventListener(type, onUserInput, { passive: true });
  scroller.addEventListener('scroll', onScroll, { passive: true });
  scroller.addEventListener(UNFOLD_EVENT, onUnfold);
  // Border box: the window changes it, a scrollbar coming or going does not.
  frame.observe(scroller, { box: 'border-box' });
  return () => {
    for (const type of USER_SCROLL_EVENTS) scroller.removeEventListener(type, onUserInput);
    scroller.removeEventListener('scroll', onScroll);
    scroller.removeEventListener(UNFOLD_EVENT, onUnfold);
    frame.disconnect();
    items.disconnect();
  };
}
