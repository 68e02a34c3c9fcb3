import { describe, expect, it } from 'vitest';
import type { MessageEntry } from '../../src/conversations/conversation-doc.js';
import { WindowRange } from '../../src/timeline-window/window-range.js';

/** A window of pages of 10 entries, at most 30, over a timeline of 100 (docs/decisions/0820). */
const PAGE = 10;
const MAX = 3 * PAGE;

function timelineOf(count: number, from = 0): MessageEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `m${from + i}`,
    kind: 'text' as const,
    senderId: 'peer',
    senderDeviceId: 1,
    sentAt: 1_000 + from + i,
    hlc: 1_000 + from + i,
    body: '',
  }));
}

const shown = (range: WindowRange, timeline: readonly MessageEntry[]) => {
  const { from, to } = range.bounds(timeline);
  return timeline.slice(from, to).map((entry) => entry.id);
};

const ids = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `m${from + i}`);

describe('a window on a timeline', () => {
  it('starts at the newest page, live, and never holds more than its maximum', () => {
    const timeline = timelineOf(100);
    const range = new WindowRange(PAGE, MAX);
    expect(shown(range, timeline)).toEqual(ids(90, 100));
    expect(range.bounds(timeline).live).toBe(true);
    range.older(timeline);
    range.older(timeline);
    expect(shown(range, timeline)).toEqual(ids(70, 100));
    range.older(timeline);
    // The newest page left: the window ends before it and is no longer live.
    expect(shown(range, timeline)).toEqual(ids(60, 90));
    expect(range.bounds(timeline).live).toBe(false);
    while (range.older(timeline));
    expect(shown(range, timeline)).toEqual(ids(0, 30));
  });

  it('moves back down a page at a time and is live again at the newest entry', () => {
    const timeline = timelineOf(100);
    const range = new WindowRange(PAGE, MAX);
    while (range.older(timeline));
    expect(range.newer(timeline)).toBe(true);
    expect(shown(range, timeline)).toEqual(ids(10, 40));
    while (range.newer(timeline));
    expect(shown(range, timeline)).toEqual(ids(70, 100));
    expect(range.bounds(timeline).live).toBe(true);
    expect(range.newer(timeline)).toBe(false);
  });

  it('keeps what it shows when entries arrive after it or are read in before it', () => {
    const range = new WindowRange(PAGE, MAX);
    const timeline = timelineOf(100, 50);
    for (let i = 0; i < 4; i++) range.older(timeline);
    const before = shown(range, timeline);
    // A sealed segment read (older entries) and new messages (newer ones).
    const grown = [...timelineOf(50), ...timeline, ...timelineOf(5, 150)];
    expect(shown(range, grown)).toEqual(before);
    // Live, new messages join it.
    const live = new WindowRange(PAGE, MAX);
    live.bounds(timeline);
    expect(shown(live, grown)).toEqual([...ids(140, 150), ...ids(150, 155)]);
  });

  it('opens around an entry, with half a page before it', () => {
    const timeline = timelineOf(100);
    const range = new WindowRange(PAGE, MAX);
    expect(range.holds(timeline, 40)).toBe(false);
    range.around(timeline, 40);
    expect(shown(range, timeline)).toEqual(ids(35, 55));
    expect(range.holds(timeline, 40)).toBe(true);
    range.around(timeline, 95);
    expect(shown(range, timeline)).toEqual(ids(90, 100));
    expect(range.bounds(timeline).live).toBe(true);
  });

  it('shows everything with an infinite page', () => {
    const timeline = timelineOf(100);
    const range = new WindowRange(Infinity, Infinity);
    expect(shown(range, timeline)).toEqual(ids(0, 100));
    expect(range.older(timeline)).toBe(false);
  });
});
