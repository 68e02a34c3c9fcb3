import { useCallback, useMemo, useReducer, useRef, useState } from 'react';

export interface VirtualRow {
  index: number;
  key: string;
  /** Offset from the list's top, in px. */
  start: number;
}

interface Options {
  count: number;
  keyOf(index: number): string;
  /** Height of a row not measured yet, in px. */
  estimate: number;
  /** Rows kept rendered above and below the viewport, in px, so fast scrolling shows no gap. */
  above: number;
  below: number;
}

/**
 * A windowed list for the chat list, which the first paint shows (decision 0503: this is ~2 KB
 * where a general virtualizer library was 10-20 KB gzip). Rows are measured as they mount and
 * when they resize (one ResizeObserver); rows never seen count as `estimate`. The timeline keeps
 * react-virtuoso, whose stick-to-bottom and prepend handling it needs.
 */
export function useVirtualRows({ count, keyOf, estimate, above, below }: Options) {
  const element = useRef<HTMLDivElement | null>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 0 });
  const heights = useRef(new Map<string, number>());
  const [measured, remeasure] = useReducer((n: number) => n + 1, 0);

  /** The scroller's ref: follows its scroll position and size while mounted. */
  const scroller = useCallback((node: HTMLDivElement | null) => {
    if (!node) return;
    element.current = node;
    const update = () =>
      setViewport((seen) =>
        seen.top === node.scrollTop && seen.height === node.clientHeight
          ? seen
          : { top: node.scrollTop, height: node.clientHeight },
      );
    update();
    node.addEventListener('scroll', update, { passive: true });
    const resize = new ResizeObserver(update);
    resize.observe(node);
    return () => {
      node.removeEventListener('scroll', update);
      resize.disconnect();
      element.current = null;
    };
  }, []);

  const rowObserver = useMemo(
    () =>
      new ResizeObserver((entries) => {
        let changed = false;
        for (const entry of entries) {
          const key = (entry.target as HTMLElement).dataset.rowKey;
          const height = entry.borderBoxSize[0]?.blockSize ?? entry.contentRect.height;
          if (key === undefined || heights.current.get(key) === height) continue;
          heights.current.set(key, height);
          changed = true;
        }
        if (changed) remeasure();
      }),
    [],
  );
  /** The ref of a row element (which carries `data-row-key`): measured while mounted. */
  // (Each row unobserves itself on unmount, so the observer ends up holding nothing.)
  const measure = useCallback(
    (element: HTMLElement | null) => {
      if (!element) return;
      rowObserver.observe(element);
      return () => rowObserver.unobserve(element);
    },
    [rowObserver],
  );

  const starts = useMemo(() => {
    const offsets = new Float64Array(count + 1);
    for (let index = 0; index < count; index++)
      offsets[index + 1] = offsets[index]! + (heights.current.get(keyOf(index)) ?? estimate);
    return offsets;
    // `measured` changes when a row's height did; keyOf follows the items.
  }, [count, keyOf, estimate, measured]);

  const first = Math.max(0, rowAt(starts, viewport.top - above));
  const last = Math.min(count - 1, rowAt(starts, viewport.top + viewport.height + below));
  const rows: VirtualRow[] = [];
  for (let index = first; index <= last; index++)
    rows.push({ index, key: keyOf(index), start: starts[index]! });

  /** Scrolls the least that brings row `index` fully into view. */
  const scrollToIndex = useCallback(
    (index: number) => {
      const node = element.current;
      if (!node) return;
      const top = starts[index]!;
      const bottom = starts[index + 1]!;
      if (top < node.scrollTop) node.scrollTop = top;
      else if (bottom > node.scrollTop + node.clientHeight)
        node.scrollTop = bottom - node.clientHeight;
    },
    [starts],
  );

  return { scroller, rows, totalHeight: starts[count]!, measure, scrollToIndex };
}

/** The index of the row covering offset `y` (binary search over the row starts). */
export function rowAt(starts: Float64Array, y: number): number {
  let low = 0;
  let high = starts.length - 2;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= y) low = middle;
    else high = middle - 1;
  }
  return low;
}
