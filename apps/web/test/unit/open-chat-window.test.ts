/**
 * A notification click: headless Chromium has no notification UI to click, and a page cannot
 * dispatch a trusted notificationclick into the service worker, so the handler's decision is
 * tested here with the Clients API's shape (the e2e test checks the notification's target URL
 * opens the chat).
 */
import { describe, expect, it } from 'vitest';
import { openChatWindow, type ClientsLike } from '../../src/notifications/open-chat-window.js';

function fakeClients(windows: { focused: boolean; visibilityState: DocumentVisibilityState }[]) {
  const log: string[] = [];
  const clients: ClientsLike = {
    matchAll: async () =>
      windows.map((w, i) => ({
        ...w,
        url: 'https://parley.test/',
        focus: async () => log.push(`focus ${i}`),
        postMessage: (message) => log.push(`${i} ${message.type} ${JSON.stringify(message)}`),
      })),
    openWindow: async (url) => log.push(`open ${url}`),
  };
  return { clients, log };
}

describe('opening a chat from a notification', () => {
  it('opens a new window at the chat when the app has none', async () => {
    const { clients, log } = fakeClients([]);
    await openChatWindow(clients, 'c1', '/#/chat/c1');
    expect(log).toEqual(['open /#/chat/c1']);
  });

  it('tells the focused window to open the chat, and focuses it', async () => {
    const { clients, log } = fakeClients([
      { focused: false, visibilityState: 'hidden' },
      { focused: true, visibilityState: 'visible' },
    ]);
    await openChatWindow(clients, 'c1', '/#/chat/c1');
    expect(log).toEqual([
      '1 parley-open-chat {"type":"parley-open-chat","conversationId":"c1"}',
      'focus 1',
    ]);
  });

  it('prefers a visible window, then any window, to a new one', async () => {
    const visible = fakeClients([
      { focused: false, visibilityState: 'hidden' },
      { focused: false, visibilityState: 'visible' },
    ]);
    await openChatWindow(visible.clients, 'c2', '/#/chat/c2');
    expect(visible.log.at(-1)).toBe('focus 1');
    const hidden = fakeClients([{ focused: false, visibilityState: 'hidden' }]);
    await openChatWindow(hidden.clients, 'c2', '/#/chat/c2');
    expect(hidden.log.at(-1)).toBe('focus 0');
  });
});
