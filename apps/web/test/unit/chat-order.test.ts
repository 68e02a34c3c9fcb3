import { describe, expect, it } from 'vitest';
import { byActivity } from '../../src/chats/ChatList.js';
import type { ConversationView } from '../../src/messenger/types.js';

const chat = (id: string, updatedAt: number): ConversationView => ({
  id,
  kind: 'direct',
  title: id,
  unreadCount: 0,
  updatedAt,
  typing: [],
});

describe('byActivity', () => {
  it('orders chats newest activity first', () => {
    expect(byActivity([chat('a', 1), chat('b', 3), chat('c', 2)]).map((c) => c.id)).toEqual([
      'b',
      'c',
      'a',
    ]);
  });

  it('keeps the same array when core already sorted it (no re-render churn)', () => {
    const sorted = [chat('b', 3), chat('a', 1)];
    expect(byActivity(sorted)).toBe(sorted);
  });
});
