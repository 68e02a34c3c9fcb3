import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/messenger/types.js';
import { buildTimeline } from '../../src/conversation/timeline.js';
import { shiftBetween } from '../../src/conversation/use-timeline-window.js';

/**
 * How Virtuoso's first index moves as core's window slides (docs/decisions/0820): messages an
 * hour apart, so a day separator comes every 24 of them and the window's first row is sometimes
 * one.
 */
const HOUR = 3_600_000;
const START = Date.UTC(2026, 0, 1);

function messages(from: number, to: number): MessageView[] {
  return Array.from({ length: to - from }, (_, i) => ({
    id: `m${from + i}`,
    conversationId: 'chat',
    senderId: 'peer',
    senderUsername: 'pal',
    senderName: 'pal',
    senderDeviceId: 1,
    sentAt: START + (from + i) * HOUR,
    body: `message ${from + i}`,
    kind: 'text' as const,
    status: 'read' as const,
    outgoing: false,
  }));
}

const rowsOf = (from: number, to: number) => buildTimeline(messages(from, to), START + 1e10);

/** The absolute index (first index + position) of a message's row. */
function absolute(rows: ReturnType<typeof rowsOf>, first: number, id: string): number {
  return first + rows.findIndex((row) => row.key === id);
}

describe("the message list's first index as the window slides", () => {
  it('keeps the rows both windows hold at the same index when a page comes in above', () => {
    const before = rowsOf(100, 150);
    const after = rowsOf(60, 150);
    const shift = shiftBetween(before, after)!;
    expect(shift).toBeLessThan(0);
    expect(absolute(after, 1_000 + shift, 'm120')).toBe(absolute(before, 1_000, 'm120'));
  });

  it('keeps them in place when the oldest rows leave above and newer come in below', () => {
    const before = rowsOf(60, 150);
    const after = rowsOf(110, 200);
    const shift = shiftBetween(before, after)!;
    expect(shift).toBeGreaterThan(0);
    for (const id of ['m110', 'm130', 'm149'])
      expect(absolute(after, 1_000 + shift, id)).toBe(absolute(before, 1_000, id));
  });

  it('reports windows with no message in common (a jump), and no shift for the same rows', () => {
    expect(shiftBetween(rowsOf(0, 50), rowsOf(500, 550))).toBeUndefined();
    expect(shiftBetween(rowsOf(0, 50), rowsOf(0, 51))).toBe(0);
  });
});
