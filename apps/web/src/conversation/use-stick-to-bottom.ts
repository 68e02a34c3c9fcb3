import { useCallback, useEffect, useRef, useState } from 'react';

/** Within this many pixels of the end counts as "at the newest message". */
const AT_BOTTOM_SLACK_PX = 8;

/** Fired (bubbling) by a bubble that unfolds in place: its growth must not move the view. */
export const UNFOLD_EVENT = 'parley:unfold';

function atBottom(scroller: HTMLElement): boolean {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= AT_BOTTOM_SLACK_PX;
}

/** What a person does to scroll: scroll events after one of these are theirs. */
const USER_SCROLL_EVENTS = ['wheel', 'touchstart', 'keydown', 'pointerdown'] as const;

/**
 * Keeps the newest message in view while the person is at the bottom and the layout changes: the
 * window is resized (bubbles rewrap, so the content's height changes over several frames while
 * Virtuoso re-measures), a phone keyboard opens, the composer grows. Virtuoso's followOutput only
 * reacts to new items. Only the person scrolling away unsticks the list: scroll events caused by
 * a resize or by Virtuoso's own corrections do not.
 */
export function useStickToBottom(
  toBottom: () => void,
): (element: HTMLElement | Window | null) => void {
  const [scroller, setScroller] = useState<HTMLElement | null>(null);
  const latestToBottom = useRef(toBottom);
  latestToBottom.current = toBottom;

  useEffect(() => {
    if (!scroller) return;
    let stuck = atBottom(scroller);
    let userScrolling = false;
    let unfolding = false;
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
    const observer = new ResizeObserver(() => {
      if (stuck && !unfolding && !atBottom(scroller)) {
        userScrolling = false;
        latestToBottom.current();
      }
      unfolding = false;
    });
    for (const type of USER_SCROLL_EVENTS)
      scroller.addEventListener(type, onUserInput, { passive: true });
    scroller.addEventListener('scroll', onScroll, { passive: true });
    scroller.addEventListener(UNFOLD_EVENT, onUnfold);
    observer.observe(scroller);
    // The rendered items: their height changes when bubbles rewrap at another width.
    const items = scroller.querySelector('[data-testid="virtuoso-item-list"]');
    if (items) observer.observe(items);
    return () => {
      for (const type of USER_SCROLL_EVENTS) scroller.removeEventListener(type, onUserInput);
      scroller.removeEventListener('scroll', onScroll);
      scroller.removeEventListener(UNFOLD_EVENT, onUnfold);
      observer.disconnect();
    };
  }, [scroller]);

  return useCallback((element: HTMLElement | Window | null) => {
    setScroller(element instanceof HTMLElement ? element : null);
  }, []);
}
