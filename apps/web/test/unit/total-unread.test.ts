import { describe, expect, it } from 'vitest';
import { totalUnread } from '../../src/unread/total-unread.js';
import type { ConversationView } from '../../src/messenger/types.js';

const chat = (id: string, unreadCount: number, request?: boolean): ConversationView => ({
  id,
  kind: 'direct',
  title: id,
  unreadCount,
  updatedAt: 1,
  typing: [],
  ...(request ? { request } : {}),
});

describe('the desktop badge count', () => {
  it("counts the chats' unread messages, not those of message requests", () => {
    expect(totalUnread([chat('a', 2), chat('stranger', 5, true), chat('b', 1)])).toBe(3);
  });
});
