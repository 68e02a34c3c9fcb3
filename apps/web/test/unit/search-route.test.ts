import { describe, expect, it } from 'vitest';
import { hrefFor, parseRoute } from '../../src/app/route.js';

describe('routes to a message (opened search results)', () => {
  it('round-trips a chat with and without a message, ids with reserved characters included', () => {
    const chat = { name: 'chat', conversationId: 'dm:a/b?c' } as const;
    const message = { ...chat, messageId: 'm#1/2' };
    expect(parseRoute(hrefFor(chat))).toEqual(chat);
    expect(parseRoute(hrefFor(message))).toEqual(message);
  });

  it('treats an unknown path as the chat list', () => {
    expect(parseRoute('#/chat/a/other/b')).toEqual({ name: 'chats' });
  });
});
