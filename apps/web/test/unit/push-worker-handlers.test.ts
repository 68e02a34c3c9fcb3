/**
 * The service worker's "Mark as read" action and its pushsubscriptionchange handler. A page
 * cannot dispatch a trusted notificationclick or pushsubscriptionchange into a service worker
 * (untrusted ExtendableEvents refuse waitUntil), and headless Chromium has no notification UI
 * and no reachable push service, so these handlers are driven here with fakes at exactly that
 * boundary: the worker scope (clients, registration, push manager) and the messenger facade.
 * What core's markRead does with the receipt (to the sender; not for a message request or with
 * read receipts off) is core's own, tested in packages/core.
 */
import type { Messenger, WebPushSubscription } from '@parley/core';
import { describe, expect, it } from 'vitest';
import {
  onClick,
  onSubscriptionChange,
  type PushSubscriptionChangeEvent,
  type PushWorkerDeps,
} from '../../src/notifications/push-worker.js';
import { DEFAULT_PREFERENCES } from '../../src/notifications/preferences.js';

interface FakeMessage {
  id: string;
  outgoing: boolean;
}

function fakeMessenger(messages: Record<string, FakeMessage[]>, log: string[]) {
  return {
    messages: (conversationId: string) => ({ getSnapshot: () => messages[conversationId] ?? [] }),
    markRead: async (conversationId: string, messageId: string) =>
      void log.push(`markRead ${conversationId} ${messageId}`),
    sent: async () => void log.push('sent'),
    pushPublicKey: async () => 'relay-vapid-key',
    setPushSubscription: async (subscription: WebPushSubscription | null) =>
      void log.push(`setPushSubscription ${JSON.stringify(subscription)}`),
    close: async () => void log.push('close'),
  } as unknown as Messenger;
}

function fakeSubscription(endpoint: string) {
  return {
    endpoint,
    toJSON: () => ({
      endpoint,
      expirationTime: null,
      keys: { p256dh: 'p-' + endpoint, auth: 'a' },
    }),
  } as unknown as PushSubscription;
}

/** A worker scope with `windowUrls` open (the app is `/`), recording what the handler does. */
function fakeScope(windowUrls: string[], log: string[]) {
  const windows = windowUrls.map((url, i) => ({
    url,
    focused: false,
    visibilityState: 'hidden',
    focus: async () => log.push(`focus ${i}`),
    postMessage: (message: unknown) => log.push(`post ${i} ${JSON.stringify(message)}`),
  }));
  return {
    clients: {
      matchAll: async () => windows,
      openWindow: async (url: string) => log.push(`open ${url}`),
    },
    registration: {
      pushManager: {
        subscribe: async (options: { applicationServerKey: string }) => {
          log.push(`subscribe ${options.applicationServerKey}`);
          return fakeSubscription('https://push.example/renewed');
        },
      },
    },
  } as unknown as ServiceWorkerGlobalScope;
}

function deps(messenger: Messenger, log: string[]): PushWorkerDeps {
  return {
    openMessenger: async () => {
      log.push('open messenger');
      return messenger;
    },
    readPreferences: async () => DEFAULT_PREFERENCES,
  };
}

const notification = (conversationId: string) =>
  ({ data: { conversationId, count: 2, url: `/#/chat/${conversationId}` } }) as Notification;

describe('the notification action "Mark as read"', () => {
  const messages = {
    c1: [
      { id: 'm1', outgoing: false },
      { id: 'm2', outgoing: true },
      { id: 'm3', outgoing: false },
      { id: 'm4', outgoing: true },
    ],
  };

  it('with the app closed, marks the chat read up to its latest incoming message through core and waits for the receipt to leave', async () => {
    const log: string[] = [];
    const scope = fakeScope(['https://parley.test/healthz'], log);
    await onClick(scope, deps(fakeMessenger(messages, log), log), notification('c1'), 'mark-read');
    expect(log).toEqual(['open messenger', 'markRead c1 m3', 'sent', 'close']);
  });

  it('with the app open, asks the page (which owns the socket) to mark it read', async () => {
    const log: string[] = [];
    const scope = fakeScope(['https://parley.test/#/chat/c2'], log);
    await onClick(scope, deps(fakeMessenger(messages, log), log), notification('c1'), 'mark-read');
    expect(log).toEqual([
      `post 0 ${JSON.stringify({ type: 'parley-mark-read', conversationId: 'c1' })}`,
    ]);
  });

  it('a click on the notification itself opens the chat and marks nothing', async () => {
    const log: string[] = [];
    const scope = fakeScope([], log);
    await onClick(scope, deps(fakeMessenger(messages, log), log), notification('c1'), '');
    expect(log).toEqual(['open /#/chat/c1']);
  });
});

describe('pushsubscriptionchange', () => {
  const change = (newSubscription: PushSubscription | null) =>
    ({ newSubscription, oldSubscription: null }) as unknown as PushSubscriptionChangeEvent;

  it('with the app closed and no new subscription given, subscribes again with the relay key and tells the relay', async () => {
    const log: string[] = [];
    const scope = fakeScope([], log);
    await onSubscriptionChange(scope, deps(fakeMessenger({}, log), log), change(null));
    expect(log).toEqual([
      'open messenger',
      'subscribe relay-vapid-key',
      `setPushSubscription ${JSON.stringify({
        endpoint: 'https://push.example/renewed',
        expirationTime: null,
        keys: { p256dh: 'p-https://push.example/renewed', auth: 'a' },
      })}`,
      'close',
    ]);
  });

  it('registers the subscription the browser gave', async () => {
    const log: string[] = [];
    const scope = fakeScope([], log);
    const given = fakeSubscription('https://push.example/given');
    await onSubscriptionChange(scope, deps(fakeMessenger({}, log), log), change(given));
    expect(log[1]).toContain('"endpoint":"https://push.example/given"');
    expect(log).not.toContain('subscribe relay-vapid-key');
  });

  it('with the app open, leaves it to the page', async () => {
    const log: string[] = [];
    const scope = fakeScope(['https://parley.test/'], log);
    await onSubscriptionChange(scope, deps(fakeMessenger({}, log), log), change(null));
    expect(log).toEqual([`post 0 ${JSON.stringify({ type: 'parley-push-renew' })}`]);
  });
});
