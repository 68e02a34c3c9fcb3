import type { MessageEntry } from '../conversations/conversation-doc.js';
import { orderKey } from '../conversations/timeline-order.js';

/**
 * Where a timeline entry sits in timeline order (0306): its order key and id. A window's edges
 * are kept as positions, not indices, so entries read into memory before them (a sealed
 * segment), arriving after them or leaving the document do not move what is shown.
 */
export interface Position {
  key: number;
  id: string;
}

export function positionOf(entry: MessageEntry): Position {
  return { key: orderKey(entry), id: entry.id };
}

/** Timeline order of an entry against a position (compareTimeline's order). */
function compareTo(entry: MessageEntry, position: Position): number {
  const byKey = orderKey(entry) - position.key;
  if (byKey !== 0) return byKey;
  return entry.id < position.id ? -1 : entry.id > position.id ? 1 : 0;
}

/** The index of the first entry at or after `position` (binary search: the timeline is sorted). */
export function indexAtOrAfter(timeline: readonly MessageEntry[], position: Position): number {
  let low = 0;
  let high = timeline.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareTo(timeline[middle]!, position) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The index just past the last entry at or before `position`. */
function indexAfter(timeline: readonly MessageEntry[], position: Position): number {
  const at = indexAtOrAfter(timeline, position);
  return at < timeline.length && compareTo(timeline[at]!, position) === 0 ? at + 1 : at;
}

/** Indices `[from, to)` of the window in a timeline, and whether it reaches the live end. */
export interface Bounds {
  from: number;
  to: number;
  live: boolean;
}

/**
 * The part of one chat's timeline its messages() shows (docs/decisions/0820, "Scrolling"): at
 * most `maxEntries` entries, moved a page at a time toward older or newer entries, or reset to
 * the newest page or around one message. At the live end it has no last edge, so new messages
 * join it; anywhere else its last edge holds, so a message arriving while the person reads older
 * history does not change what they read.
 */
export class WindowRange {
  /** The first entry shown; undefined until the window is first placed (at the newest page). */
  private first: Position | undefined;
  /** The last entry shown; undefined at the live end. */
  private last: Position | undefined;

  constructor(
    private readonly page: number,
    private readonly maxEntries: number,
  ) {}

  bounds(timeline: readonly MessageEntry[]): Bounds {
    if (!this.first) this.toNewest(timeline);
    const from = this.first ? indexAtOrAfter(timeline, this.first) : 0;
    const to = this.last ? Math.max(from, indexAfter(timeline, this.last)) : timeline.length;
    return { from, to, live: this.last === undefined };
  }

  /** The newest page, at the live end. */
  toNewest(timeline: readonly MessageEntry[]): void {
    this.place(timeline, timeline.length - this.page, timeline.length);
  }

  /** A page before the window, dropping its newest entries past maxEntries; false at index 0. */
  older(timeline: readonly MessageEntry[]): boolean {
    const { from, to } = this.bounds(timeline);
    if (from === 0) return false;
    const start = Math.max(0, from - this.page);
    this.place(timeline, start, Math.min(to, start + this.maxEntries));
    return true;
  }

  /** A page after the window, dropping its oldest entries past maxEntries; false when live. */
  newer(timeline: readonly MessageEntry[]): boolean {
    const { from, to, live } = this.bounds(timeline);
    if (live) return false;
    const end = Math.min(timeline.length, to + this.page);
    this.place(timeline, Math.max(from, end - this.maxEntries), end);
    return true;
  }

  /** A window around the entry at `index`: half a page before it, the rest after. */
  around(timeline: readonly MessageEntry[], index: number): void {
    const start = Math.max(0, index - Math.floor(this.page / 2));
    this.place(timeline, start, Math.min(timeline.length, start + 2 * this.page));
  }

  holds(timeline: readonly MessageEntry[], index: number): boolean {
    const { from, to } = this.bounds(timeline);
    return index >= from && index < to;
  }

  /** Shows `[from, to)`; a window ending at the newest entry is live. */
  private place(timeline: readonly MessageEntry[], from: number, to: number): void {
    const start = Math.max(0, from);
    const first = timeline[start];
    this.first = first ? positionOf(first) : { key: -Infinity, id: '' };
    const last = to < timeline.length ? timeline[to - 1] : undefined;
    this.last = last ? positionOf(last) : undefined;
  }
}
