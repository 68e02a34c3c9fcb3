import { describe, expect, it } from 'vitest';
import { chatNotification, isMuted } from '../../src/notifications/notification-content.js';

const direct = { id: 'c1', kind: 'direct' as const, title: 'alice' };
const group = { id: 'g1', kind: 'group' as const, title: 'Climbing' };
const message = (body: string, senderName = 'alice', attachmentCount = 0) => ({
  senderName,
  body,
  attachmentCount,
});
const shown = { previews: true, actions: true };

describe('a chat notification', () => {
  it('names the sender and previews the text, tagged with the chat', () => {
    const { title, options } = chatNotification(direct, [message('lunch?')], 0, shown);
    expect(title).toBe('alice');
    expect(options).toMatchObject({
      body: 'lunch?',
      tag: 'c1',
      data: { count: 1, url: '/#/chat/c1' },
    });
    expect(options.actions?.map((a) => a.title)).toEqual(['Reply', 'Mark as read']);
  });

  it('counts messages, including those the notification it replaces stood for', () => {
    const { title, options } = chatNotification(direct, [message('a'), message('b')], 3, shown);
    expect(title).toBe('alice (5 messages)');
    expect(options.body).toBe('b');
    expect(options.data.count).toBe(5);
  });

  it('says who wrote in a group, and hides text when previews are off', () => {
    expect(chatNotification(group, [message('hi', 'bob')], 0, shown).options.body).toBe('bob: hi');
    const hidden = chatNotification(group, [message('secret', 'bob')], 1, {
      previews: false,
      actions: false,
    });
    expect(hidden.options.body).toBe('2 new messages');
    expect(JSON.stringify(hidden)).not.toContain('secret');
    expect(hidden.options.actions).toBeUndefined();
  });

  it('describes an attachment without a caption', () => {
    expect(chatNotification(direct, [message('', 'alice', 2)], 0, shown).options.body).toBe(
      '2 attachments',
    );
  });

  it('treats mutedUntil in the future as muted', () => {
    expect(isMuted(0, 1000)).toBe(false);
    expect(isMuted(undefined, 1000)).toBe(false);
    expect(isMuted(2000, 1000)).toBe(true);
    expect(isMuted(500, 1000)).toBe(false);
  });
});
