import { describe, expect, it } from 'vitest';
import { newestSeenUnread, unreadBelow } from '../../src/conversation/use-mark-read.js';
import type { MessageView } from '../../src/messenger/types.js';

function message(id: string, extra: Partial<MessageView> = {}): MessageView {
  return {
    id,
    conversationId: 'c1',
    senderId: 'alice',
    senderUsername: 'alice',
    senderName: 'alice',
    senderDeviceId: 1,
    sentAt: 0,
    body: id,
    kind: 'text',
    status: 'delivered',
    outgoing: false,
    ...extra,
  };
}

const read = { status: 'read' } as const;
const mine = { outgoing: true, senderId: 'me' } as const;

describe('newestSeenUnread', () => {
  it('is the newest incoming message on screen, not a newer one below the view', () => {
    const messages = [message('a', read), message('b'), message('c'), message('d')];
    expect(newestSeenUnread(messages, new Set(['b', 'c']))?.id).toBe('c');
  });

  it('is nothing when the newest incoming message on screen is read already', () => {
    const messages = [message('a'), message('b', read), message('c')];
    expect(newestSeenUnread(messages, new Set(['a', 'b']))).toBeUndefined();
  });

  it('skips my own messages and nothing on screen reads nothing', () => {
    const messages = [message('a'), message('b', mine)];
    expect(newestSeenUnread(messages, new Set(['a', 'b']))?.id).toBe('a');
    expect(newestSeenUnread(messages, new Set())).toBeUndefined();
  });
});

describe('unreadBelow', () => {
  it('counts unread incoming messages after the newest one on screen', () => {
    const messages = [message('a', read), message('b'), message('c', mine), message('d')];
    expect(unreadBelow(messages, new Set(['a']))).toBe(2);
    expect(unreadBelow(messages, new Set(['d']))).toBe(0);
  });
});
