import { describe, expect, it } from 'vitest';
import { buildTimeline, GROUP_GAP_MS } from '../../src/conversation/timeline.js';
import type { MessageView } from '../../src/messenger/types.js';

const minute = 60_000;
/** Local noon on a fixed day, so day boundaries are unambiguous in any time zone. */
const noon = new Date(2026, 10, 27, 12, 0, 0).getTime();

function message(
  id: string,
  sentAt: number,
  senderId = 'alice',
  extra: Partial<MessageView> = {},
): MessageView {
  return {
    id,
    conversationId: 'c1',
    senderId,
    senderUsername: senderId,
    senderName: senderId,
    senderDeviceId: 1,
    sentAt,
    body: id,
    kind: 'text',
    status: 'delivered',
    outgoing: senderId === 'me',
    ...extra,
  };
}

describe('buildTimeline', () => {
  it('puts one day separator before the first message of each calendar day', () => {
    const yesterdayLate = new Date(2026, 10, 26, 23, 58).getTime();
    const todayEarly = new Date(2026, 10, 27, 0, 1).getTime();
    const rows = buildTimeline(
      [message('a', yesterdayLate), message('b', todayEarly), message('c', noon)],
      noon,
      'en-GB',
    );
    expect(rows.map((r) => (r.type === 'day' ? `day:${r.label}` : r.key))).toEqual([
      'day:Yesterday',
      'a',
      'day:Today',
      'b',
      'c',
    ]);
  });

  it('labels older days by weekday within a week and by date beyond', () => {
    const threeDaysAgo = new Date(2026, 10, 24, 9, 0).getTime();
    const lastMonth = new Date(2026, 9, 2, 9, 0).getTime();
    const lastYear = new Date(2025, 0, 15, 9, 0).getTime();
    const rows = buildTimeline(
      [message('x', lastYear), message('y', lastMonth), message('z', threeDaysAgo)],
      noon,
      'en-GB',
    );
    const labels = rows.flatMap((r) => (r.type === 'day' ? [r.label] : []));
    expect(labels).toEqual(['15 January 2025', '2 October', 'Tuesday']);
  });

  it('groups consecutive messages of one sender and marks the first and last of each run', () => {
    const rows = buildTimeline(
      [
        message('a1', noon, 'alice'),
        message('a2', noon + minute, 'alice'),
        message('a3', noon + 2 * minute, 'alice'),
        message('m1', noon + 3 * minute, 'me'),
        message('a4', noon + 4 * minute, 'alice'),
      ],
      noon,
    );
    const flags = rows.flatMap((r) =>
      r.type === 'message'
        ? [`${r.key}:${r.firstInGroup ? 'F' : '-'}${r.lastInGroup ? 'L' : '-'}`]
        : [],
    );
    expect(flags).toEqual(['a1:F-', 'a2:--', 'a3:-L', 'm1:FL', 'a4:FL']);
  });

  it('starts a new group after a pause longer than the gap', () => {
    const rows = buildTimeline([message('a1', noon), message('a2', noon + GROUP_GAP_MS + 1)], noon);
    const firsts = rows.flatMap((r) => (r.type === 'message' ? [r.firstInGroup] : []));
    expect(firsts).toEqual([true, true]);
  });

  it('returns no rows for no messages', () => {
    expect(buildTimeline([], noon)).toEqual([]);
  });
});

describe('bubble groups', () => {
  const firsts = (messages: MessageView[]) =>
    buildTimeline(messages, noon).flatMap((r) => (r.type === 'message' ? [r.firstInGroup] : []));

  it('never groups system entries', () => {
    expect(
      firsts([message('a', noon), message('s', noon + 1, 'alice', { kind: 'system' })]),
    ).toEqual([true, true]);
  });

  it('does not group the same account across two devices', () => {
    expect(
      firsts([message('a', noon), message('b', noon + 1, 'alice', { senderDeviceId: 2 })]),
    ).toEqual([true, true]);
  });
});
