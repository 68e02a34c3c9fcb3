import { describe, expect, it } from 'vitest';
import { lastMessageText, type LastMessage } from '../../src/chats/last-message-text.js';

const last = (body: string, attachment?: LastMessage['attachment']): LastMessage => ({
  body,
  sentAt: 0,
  outgoing: false,
  status: 'delivered',
  ...(attachment ? { attachment } : {}),
});

describe('the chat list preview of a last message', () => {
  it('is its text, even with a file (the caption)', () => {
    expect(lastMessageText(last('see attached', { kind: 'file', fileName: 'a.pdf' }))).toBe(
      'see attached',
    );
  });

  it('names a file without text: a document by its name, a photo by what it is', () => {
    expect(lastMessageText(last('', { kind: 'file', fileName: 'Quarterly.pdf' }))).toBe(
      'Quarterly.pdf',
    );
    expect(lastMessageText(last('', { kind: 'image', fileName: 'IMG_2041.jpg' }))).toBe('Photo');
    expect(lastMessageText(last('', { kind: 'voice' }))).toBe('Voice message');
    expect(lastMessageText(last('', { kind: 'video', viewOnce: true }))).toBe('View-once video');
    expect(lastMessageText(last('', { kind: 'file' }))).toBe('File');
  });
});
