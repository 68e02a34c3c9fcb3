/**
 * Turns core's flat message list into the rows the message list renders: a day separator before
 * the first message of each calendar day, and bubbles grouped into runs by the same sender so only
 * the first bubble of a run shows the sender and only the last shows the tail.
 */
import type { MessageView } from '../messenger/types.js';
import { formatDayLabel, startOfDay } from '../format/time.js';

/** Messages further apart than this start a new bubble group even from the same sender. */
export const GROUP_GAP_MS = 5 * 60_000;

export type TimelineRow =
  | { type: 'day'; key: string; day: number; label: string }
  | {
      type: 'message';
      key: string;
      message: MessageView;
      firstInGroup: boolean;
      lastInGroup: boolean;
    };

export function buildTimeline(
  messages: readonly MessageView[],
  now: number,
  locale?: string,
): TimelineRow[] {
  const rows: TimelineRow[] = [];
  // One calendar-day computation per message: Date arithmetic dominates for long timelines.
  const days = messages.map((message) => startOfDay(message.sentAt));
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    const day = days[i]!;
    if (day !== days[i - 1]) {
      rows.push({ type: 'day', key: `day-${day}`, day, label: formatDayLabel(day, now, locale) });
    }
    rows.push({
      type: 'message',
      key: message.id,
      message,
      firstInGroup: day !== days[i - 1] || !continuesGroup(messages[i - 1], message),
      lastInGroup: day !== days[i + 1] || !continuesGroup(message, messages[i + 1]),
    });
  }
  return rows;
}

/** Whether `later` continues the bubble group of `earlier`: same author and device, close in time. */
function continuesGroup(earlier: MessageView | undefined, later: MessageView | undefined): boolean {
  if (!earlier || !later) return false;
  if (earlier.kind !== later.kind || earlier.kind === 'system') return false;
  return (
    earlier.senderId === later.senderId &&
    earlier.senderDeviceId === later.senderDeviceId &&
    later.sentAt - earlier.sentAt >= 0 &&
    later.sentAt - earlier.sentAt <= GROUP_GAP_MS
  );
}
