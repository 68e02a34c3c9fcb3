import { describe, expect, it } from 'vitest';
import { excerptOf, isLong } from '../../src/conversation/MessageText.js';
import { announcementOf } from '../../src/conversation/NewMessageAnnouncer.js';
import type { MessageView } from '../../src/messenger/types.js';
import { titleFor } from '../../src/unread/unread-badge.js';

const message = (body: string): MessageView => ({
  id: 'm',
  conversationId: 'c',
  senderId: 'a',
  senderUsername: 'alice',
  senderName: 'alice',
  senderDeviceId: 1,
  sentAt: 0,
  body,
  kind: 'text',
  status: 'delivered',
  outgoing: false,
});

describe('long messages', () => {
  it('folds bodies that are long or have many lines, and keeps short ones whole', () => {
    expect(isLong('hello')).toBe(false);
    expect(isLong('x'.repeat(10_000))).toBe(true);
    expect(isLong(Array.from({ length: 40 }, () => 'line').join('\n'))).toBe(true);
  });

  it('shows about a screenful, cut at a word or a line, ending in an ellipsis', () => {
    const words = excerptOf('word '.repeat(2_000));
    expect(words.length).toBeLessThanOrEqual(701);
    expect(words).toMatch(/word…$/);
    const lines = excerptOf(Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n'));
    expect(lines.split('\n')).toHaveLength(12);
  });
});

describe('announcements and the title', () => {
  it('reads the sender and a short excerpt, never the whole body', () => {
    const spoken = announcementOf(message(`${'Lorem ipsum '.repeat(900)}END`));
    expect(spoken.startsWith('alice: Lorem ipsum')).toBe(true);
    expect(spoken.length).toBeLessThanOrEqual(130);
    expect(announcementOf(message('hi\n  there'))).toBe('alice: hi there');
  });

  it('puts the unread count before the app name', () => {
    expect(titleFor(0)).toBe('Parley');
    expect(titleFor(3)).toBe('(3) Parley');
    expect(titleFor(12_345)).toBe('(999+) Parley');
  });
});
