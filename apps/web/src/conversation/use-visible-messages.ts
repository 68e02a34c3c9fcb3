import { useCallback, useEffect, useRef, useState } from 'react';

/** Steps fine enough to notice a bubble crossing half of itself or half of the view. */
const THRESHOLDS = [0, 0.25, 0.5, 0.75, 1];

/**
 * Seen means at least half of the bubble shows, or it fills half the view (a message taller than
 * the screen never shows half of itself).
 */
function isSeen(entry: IntersectionObserverEntry): boolean {
  if (!entry.isIntersecting) return false;
  const viewHeight = entry.rootBounds?.height ?? Infinity;
  return entry.intersectionRatio >= 0.5 || entry.intersectionRect.height >= viewHeight / 2;
}

function messageIdOf(element: Element): string | undefined {
  return element instanceof HTMLElement ? element.dataset.messageId : undefined;
}

function applyEntries(
  visible: ReadonlySet<string>,
  entries: readonly IntersectionObserverEntry[],
): ReadonlySet<string> {
  const next = new Set(visible);
  for (const entry of entries) {
    const id = messageIdOf(entry.target);
    if (id === undefined) continue;
    if (isSeen(entry)) next.add(id);
    else next.delete(id);
  }
  return sameSet(next, visible) ? visible : next;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((id) => b.has(id));
}

/**
 * Which message bubbles are really on screen. Virtuoso renders rows above and below the viewport
 * (its overscan), so being in the DOM is not being seen. The observer has no root: the browser
 * then clips each bubble by the scroller it sits in, and anything scrolled out counts as hidden.
 *
 * `watch` is a ref callback for a bubble carrying `data-message-id`.
 */
export function useVisibleMessages(): {
  visibleIds: ReadonlySet<string>;
  watch: (element: HTMLElement | null) => (() => void) | undefined;
} {
  const [visibleIds, setVisibleIds] = useState<ReadonlySet<string>>(() => new Set());
  const observer = useRef<IntersectionObserver | undefined>(undefined);

  const watch = useCallback((element: HTMLElement | null) => {
    if (!element) return undefined;
    observer.current ??= new IntersectionObserver(
      (entries) => setVisibleIds((visible) => applyEntries(visible, entries)),
      { threshold: THRESHOLDS },
    );
    const current = observer.current;
    current.observe(element);
    return () => {
      current.unobserve(element);
      // A row Virtuoso unmounts is off screen; its observer entry will never come.
      const id = messageIdOf(element);
      if (id !== undefined) setVisibleIds((visible) => without(visible, id));
    };
  }, []);

  useEffect(
    () => () => {
      observer.current?.disconnect();
      observer.current = undefined;
    },
    [],
  );

  return { visibleIds, watch };
}

function without(visible: ReadonlySet<string>, id: string): ReadonlySet<string> {
  if (!visible.has(id)) return visible;
  const next = new Set(visible);
  next.delete(id);
  return next;
}
