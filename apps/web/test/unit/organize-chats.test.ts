import { describe, expect, it } from 'vitest';
import { organizeChats } from '../../src/chats/organize-chats.js';
import type { ConversationView } from '../../src/messenger/types.js';

const chat = (id: string): ConversationView => ({
  id,
  kind: 'direct',
  title: id,
  unreadCount: 0,
  updatedAt: 0,
  typing: [],
});

describe('organizeChats', () => {
  it('puts pinned chats first, keeps activity order within each part, and sets archived apart', () => {
    const byActivity = ['a', 'b', 'c', 'd', 'e'].map(chat);
    const { active, archived } = organizeChats(byActivity, {
      c: { pinned: true, archived: false, mutedUntil: 0 },
      e: { pinned: true, archived: false, mutedUntil: 0 },
      b: { pinned: true, archived: true, mutedUntil: 0 }, // archived wins over pinned
      d: { pinned: false, archived: true, mutedUntil: 0 },
    });
    expect(active.map((c) => c.id)).toEqual(['c', 'e', 'a']);
    expect(archived.map((c) => c.id)).toEqual(['b', 'd']);
  });

  it('leaves a list without settings as it is', () => {
    const byActivity = ['a', 'b'].map(chat);
    expect(organizeChats(byActivity, {}).active.map((c) => c.id)).toEqual(['a', 'b']);
  });
});
