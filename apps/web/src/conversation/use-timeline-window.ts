/**
 * The message list's side of core's sliding window (docs/decisions/0820, "Scrolling"): core's
 * messages() holds a few pages around what is shown and moves them a page at a time; here the
 * list asks for the next page before the person reaches an edge, keeps Virtuoso's indices
 * steady as pages come in at one end and leave at the other, and knows when the rows changed so
 * much that the list must be mounted anew (a jump).
 */
import { useMemo, useRef } from 'react';
import type { ListRange } from 'react-virtuoso';
import type { TimelineRow } from './timeline.js';

/** Far above any index a timeline reaches, as Virtuoso's firstItemIndex must stay positive. */
const FIRST_ITEM_INDEX = 1_000_000_000;

/** Rows left before an edge of the window at which the next page is asked for. */
export const PREFETCH_ROWS = 60;

/**
 * How rows moved between two windows: the shift of Virtuoso's index of the first row that keeps
 * the rows both hold at the same index (so the ones on screen stay in place), or undefined when
 * they hold no message in common.
 */
export function shiftBetween(
  before: readonly TimelineRow[],
  after: readonly TimelineRow[],
): number | undefined {
  if (before.length === 0 || after.length === 0) return 0;
  const beforeAt = new Map(before.map((row, index) => [row.key, index]));
  // A message both hold: the first one shown before (older rows came in above it), else the
  // first one shown now (rows above it left).
  const anchors = [firstMessageKey(before), firstMessageKey(after)];
  for (const key of anchors) {
    if (key === undefined) continue;
    const was = beforeAt.get(key);
    const is = after.findIndex((row) => row.key === key);
    if (was !== undefined && is >= 0) return was - is;
  }
  return undefined;
}

export function firstMessageKey(rows: readonly TimelineRow[]): string | undefined {
  return rows.find((row) => row.type === 'message')?.key;
}

export function lastMessageKey(rows: readonly TimelineRow[]): string | undefined {
  return rows.findLast((row) => row.type === 'message')?.key;
}

/**
 * Virtuoso's index of the first row, lowered by the rows that came in above and raised by those
 * that left above; and a generation that changes when the rows have nothing in common with the
 * previous ones (the window jumped), so the list is mounted anew rather than shifted.
 */
export function useAnchoredRows(rows: readonly TimelineRow[]): {
  firstItemIndex: number;
  generation: number;
} {
  const state = useRef({
    rows: undefined as readonly TimelineRow[] | undefined,
    index: FIRST_ITEM_INDEX,
    generation: 0,
  });
  return useMemo(() => {
    const previous = state.current;
    let { index, generation } = previous;
    if (previous.rows && previous.rows !== rows) {
      const shift = shiftBetween(previous.rows, rows);
      if (shift === undefined) {
        generation++;
        index = FIRST_ITEM_INDEX;
      } else index += shift;
    }
    state.current = { rows, index, generation };
    return { firstItemIndex: index, generation };
  }, [rows]);
}

/**
 * Asks for the page before or after the window when what is rendered comes within PREFETCH_ROWS
 * of its start or end: once per edge (its first or last message), so a scroll that keeps
 * reporting ranges near an edge asks once, and an edge with nothing beyond it is not asked
 * again and again.
 */
export function usePrefetch(
  rows: readonly TimelineRow[],
  firstItemIndex: number,
  { onOlder, onNewer }: { onOlder?: () => void; onNewer?: () => void },
): { rangeChanged: (range: ListRange) => void; startReached: () => void; endReached: () => void } {
  const current = useRef({ rows, firstItemIndex, onOlder, onNewer });
  current.current = { rows, firstItemIndex, onOlder, onNewer };
  const asked = useRef<{ older?: string; newer?: string }>({});
  return useMemo(() => {
    // Asked on the next frame: never within Virtuoso's own update (a page coming in there
    // starts the next update inside it, which React stops as an endless loop, error #185).
    const later = (ask: () => void) => requestAnimationFrame(ask);
    const older = () => {
      const { rows, onOlder } = current.current;
      const edge = firstMessageKey(rows);
      if (!onOlder || edge === undefined || asked.current.older === edge) return;
      asked.current.older = edge;
      later(onOlder);
    };
    const newer = () => {
      const { rows, onNewer } = current.current;
      const edge = lastMessageKey(rows);
      if (!onNewer || edge === undefined || asked.current.newer === edge) return;
      asked.current.newer = edge;
      later(onNewer);
    };
    return {
      rangeChanged: ({ startIndex, endIndex }: ListRange) => {
        const { rows, firstItemIndex } = current.current;
        if (startIndex - firstItemIndex < PREFETCH_ROWS) older();
        if (firstItemIndex + rows.length - 1 - endIndex < PREFETCH_ROWS) newer();
      },
      startReached: older,
      endReached: newer,
    };
  }, []);
}

export interface Mount {
  /** Virtuoso's key: a new one mounts the list anew. */
  key: number;
  /** The message this mount centers on, if any. */
  focus: string | undefined;
  generation: number;
  jumps: number;
}

/**
 * When the list mounts anew, and around what: rows that share nothing with the previous ones
 * (useAnchoredRows' generation), a jump to the newest page, or a focused message newly among the
 * rows. A focused message that scrolling takes out of the rows and back does not remount.
 */
export function useMount(trigger: Omit<Mount, 'key'>): Mount {
  const state = useRef<Mount | undefined>(undefined);
  const previous = state.current;
  let next: Mount;
  if (!previous) next = { key: 0, ...trigger };
  else if (
    previous.generation !== trigger.generation ||
    previous.jumps !== trigger.jumps ||
    (trigger.focus !== undefined && trigger.focus !== previous.focus)
  )
    next = { key: previous.key + 1, ...trigger };
  else next = previous;
  state.current = next;
  return next;
}
