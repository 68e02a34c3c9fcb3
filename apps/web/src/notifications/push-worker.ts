/// <reference lib="webworker" />
/**
 * The service worker's side of notifications: a push (which carries only a random wake-up id)
 * wakes it; with no window of the app open it runs core itself, connects as this device,
 * decrypts what waited in the mailbox and shows one notification per chat. With a window open
 * it does nothing: that page owns the device's socket (one socket per device: connecting here
 * would replace the page's) and notifies by itself (page-notifier.ts).
 */
import type { AwayInvite, Messenger, MessageView } from '@parley/core';
import {
  callTag,
  incomingCallNotification,
  missedCallNotification,
  type CallNotificationData,
} from './call-notification.js';
import {
  APP_ICON,
  chatNotification,
  GENERIC_TAG,
  isMuted,
  type ArrivedMessage,
  type NotificationData,
} from './notification-content.js';
import { openChatWindow, type ClientsLike, type WorkerToPage } from './open-chat-window.js';
import { toWebPushSubscription } from './subscription-json.js';
import type { NotificationPreferences } from './preferences.js';
import { isDoNotDisturb } from './do-not-disturb.js';

/**
 * How long decryption may take before a generic "New message" is shown instead. Browsers end a
 * push event after about 30 s (Chromium) and Safari revokes push for a site whose pushes show
 * nothing, so something is always shown well before that.
 */
export const DECRYPT_DEADLINE_MS = 20_000;

/**
 * How long the worker stays, after showing what arrived, for core to send the delivery receipts
 * (else they leave at the next start). Within what browsers allow after the deadline above.
 */
export const RECEIPTS_GRACE_MS = 5_000;

export interface PushWorkerDeps {
  /** Core on this device's database, connecting as this device. */
  openMessenger(): Promise<Messenger>;
  readPreferences(): Promise<NotificationPreferences>;
  /** The clock do-not-disturb is judged by (tests inject one). */
  now?: () => number;
}

export function installPushHandlers(scope: ServiceWorkerGlobalScope, deps: PushWorkerDeps): void {
  // One core at a time: two pushes close together (several messages) would otherwise open two,
  // whose sockets for the one device replace each other. The later one drains what is left.
  let running: Promise<void> = Promise.resolve();
  scope.addEventListener('push', (event) => {
    running = running.then(() => onPush(scope, deps)).catch(() => undefined);
    event.waitUntil(running);
  });
  scope.addEventListener('notificationclick', (event) => {
    // A ringing call's notification stays until the page took its invitation from it.
    if (!(event.notification.data as Partial<CallNotificationData> | undefined)?.invite)
      event.notification.close();
    event.waitUntil(onClick(scope, deps, event.notification, event.action));
  });
  scope.addEventListener('pushsubscriptionchange', (event) =>
    event.waitUntil(onSubscriptionChange(scope, deps, event as PushSubscriptionChangeEvent)),
  );
}

export interface PushSubscriptionChangeEvent extends ExtendableEvent {
  readonly newSubscription: PushSubscription | null;
  readonly oldSubscription: PushSubscription | null;
}

/**
 * Windows running the app (its one document, `/` with a hash route): only they run core and
 * hold the device's socket. Other same-origin documents (a relay URL opened in a tab) do not.
 */
async function appWindows(scope: ServiceWorkerGlobalScope): Promise<readonly WindowClient[]> {
  const windows = await scope.clients.matchAll({ type: 'window', includeUncontrolled: true });
  return windows.filter((w) => ['/', '/index.html'].includes(new URL(w.url).pathname));
}

async function onPush(scope: ServiceWorkerGlobalScope, deps: PushWorkerDeps): Promise<void> {
  const preferences = await deps.readPreferences();
  if (!preferences.enabled) return;
  if ((await appWindows(scope)).length > 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), DECRYPT_DEADLINE_MS);
  });
  // Do not disturb: still fetch (messages arrive, are acknowledged and counted), show nothing.
  const quiet = isDoNotDisturb(preferences.doNotDisturbUntil, (deps.now ?? Date.now)());
  let shown = () => undefined as void;
  const displayed = new Promise<'done'>((resolve) => (shown = () => resolve('done')));
  const work = showArrived(scope, deps, preferences, quiet, shown);
  const outcome = await Promise.race([displayed, work.then(() => 'done' as const), late]).catch(
    () => 'failed' as const,
  );
  clearTimeout(timer);
  if (outcome === 'done' || quiet) {
    // Keep the worker alive while core sends the delivery receipts and closes.
    await work.catch(() => undefined);
    return;
  }
  await scope.registration.showNotification('Parley', {
    body: 'New message',
    tag: GENERIC_TAG,
    icon: APP_ICON,
    data: { url: '/' },
  });
  // Finishing late still shows the real notifications; the generic one then goes.
  if (outcome === 'late') {
    await work.catch(() => undefined);
    for (const generic of await scope.registration.getNotifications({ tag: GENERIC_TAG })) {
      generic.close();
    }
  }
}

/** Runs core until the mailbox is drained, then shows what arrived, chat by chat. */
async function showArrived(
  scope: ServiceWorkerGlobalScope,
  deps: PushWorkerDeps,
  preferences: NotificationPreferences,
  quiet: boolean,
  shown: () => void,
): Promise<void> {
  const messenger = await deps.openMessenger();
  const arrived = new Map<string, Set<string>>();
  const off = messenger.on((event) => {
    if (event.type !== 'messages-received') return;
    const ids = arrived.get(event.conversationId) ?? new Set<string>();
    for (const id of event.messageIds) ids.add(id);
    arrived.set(event.conversationId, ids);
  });
  const calls = quiet ? [] : ringAway(scope, messenger, preferences);
  try {
    await messenger.caughtUp();
    off();
    await Promise.all(calls);
    if (!quiet) await showByChat(scope, messenger, arrived, preferences, (deps.now ?? Date.now)());
    shown();
    // The delivery receipts for what arrived leave before core closes, if they can in time.
    await withDeadline(messenger.sent(), RECEIPTS_GRACE_MS);
  } finally {
    off();
    await messenger.close();
  }
}

/**
 * Calls that ring while the app is closed: a notification that stays until answered, replaced by
 * "Missed call" when the caller gives up, closed when another device of the account answers.
 */
function ringAway(
  scope: ServiceWorkerGlobalScope,
  messenger: Messenger,
  preferences: NotificationPreferences,
): Promise<void>[] {
  const shown: Promise<void>[] = [];
  const invites = new Map<string, AwayInvite>();
  messenger.calls?.ringAway({
    ringing: (invite) => {
      invites.set(invite.callId, invite);
      const { title, options } = incomingCallNotification(invite, preferences.previews);
      shown.push(scope.registration.showNotification(title, options));
    },
    ended: (callId, why) => {
      const invite = invites.get(callId);
      shown.push(
        (async () => {
          for (const ringing of await scope.registration.getNotifications({ tag: callTag(callId) }))
            ringing.close();
          if (why !== 'missed' || !invite) return;
          const { title, options } = missedCallNotification(invite, preferences.previews);
          await scope.registration.showNotification(title, options);
        })(),
      );
    },
  });
  return shown;
}

/** One notification per chat with unread messages among `arrived`, muted chats left out. */
async function showByChat(
  scope: ServiceWorkerGlobalScope,
  messenger: Messenger,
  arrived: ReadonlyMap<string, ReadonlySet<string>>,
  preferences: NotificationPreferences,
  now: number,
): Promise<void> {
  const { chats } = messenger.accountSettings.getSnapshot();
  const conversations = messenger.conversationList.getSnapshot();
  // Notification.maxActions: Chromium only (Safari and Firefox show no action buttons).
  const actions = ((Notification as { maxActions?: number }).maxActions ?? 0) >= 2;
  const byChat = [...arrived]
    .map(([conversationId, ids]) => ({
      conversationId,
      unread: messenger
        .messages(conversationId)
        .getSnapshot()
        .filter((m) => ids.has(m.id) && isUnreadIncoming(m)),
    }))
    .filter(({ unread }) => unread.length > 0)
    // The chat with the newest message is notified last, so it is on top.
    .sort((a, b) => a.unread.at(-1)!.sentAt - b.unread.at(-1)!.sentAt);
  for (const { conversationId, unread } of byChat) {
    if (isMuted(chats[conversationId]?.mutedUntil, now)) continue;
    const chat = conversations.find((c) => c.id === conversationId);
    if (!chat) continue;
    const [shown] = await scope.registration.getNotifications({ tag: conversationId });
    const previous = (shown?.data as NotificationData | undefined)?.count ?? 0;
    const { title, options } = chatNotification(chat, unread.map(arrivedMessage), previous, {
      previews: preferences.previews,
      actions,
    });
    await scope.registration.showNotification(title, options);
  }
}

function isUnreadIncoming(message: MessageView): boolean {
  return !message.outgoing && message.kind === 'text' && message.status !== 'read';
}

function arrivedMessage(message: MessageView): ArrivedMessage {
  return {
    senderName: message.senderName,
    body: message.body,
    attachmentCount: message.attachments?.length ?? 0,
  };
}

export async function onClick(
  scope: ServiceWorkerGlobalScope,
  deps: PushWorkerDeps,
  notification: Notification,
  action: string,
): Promise<void> {
  const data = notification.data as Partial<NotificationData> | undefined;
  const conversationId = data?.conversationId;
  if (!conversationId) {
    await openChatWindow(scope.clients as unknown as ClientsLike, '', '/');
    return;
  }
  if (action === 'mark-read') return markRead(scope, deps, conversationId);
  const callId = (data as Partial<CallNotificationData>).callId;
  if (callId) return answerCall(scope, conversationId, callId, data.url ?? '/');
  // "Reply" and a click on the notification itself both open the chat, composer ready.
  await openChatWindow(scope.clients as unknown as ClientsLike, conversationId, data.url ?? '/');
}

/** An incoming call's notification: the app rings it, in an open window or a new one. */
async function answerCall(
  scope: ServiceWorkerGlobalScope,
  conversationId: string,
  callId: string,
  url: string,
): Promise<void> {
  const [window] = await appWindows(scope);
  if (!window) {
    await scope.clients.openWindow(url);
    return;
  }
  window.postMessage({ type: 'parley-answer-call', conversationId, callId } satisfies WorkerToPage);
  await window.focus();
}

/** "Mark as read": through the open page if there is one, else through core here. */
async function markRead(
  scope: ServiceWorkerGlobalScope,
  deps: PushWorkerDeps,
  conversationId: string,
): Promise<void> {
  const windows = await appWindows(scope);
  if (windows.length > 0) {
    windows[0]!.postMessage({ type: 'parley-mark-read', conversationId } satisfies WorkerToPage);
    return;
  }
  const messenger = await deps.openMessenger();
  try {
    const latest = messenger
      .messages(conversationId)
      .getSnapshot()
      .findLast((m) => !m.outgoing);
    if (!latest) return;
    await messenger.markRead(conversationId, latest.id);
    // Stay until the read receipt has left (the relay accepted it); if that takes longer than
    // the browser lets a worker run, it waits in core's durable outbox for the next start.
    await withDeadline(messenger.sent(), DECRYPT_DEADLINE_MS);
  } finally {
    await messenger.close();
  }
}

/** `work`, or nothing once `ms` passed (a browser stops a worker that runs too long). */
async function withDeadline(work: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([work, late]);
  clearTimeout(timer);
}

/** The browser replaced the subscription: tell the relay about the new one. */
export async function onSubscriptionChange(
  scope: ServiceWorkerGlobalScope,
  deps: PushWorkerDeps,
  event: PushSubscriptionChangeEvent,
): Promise<void> {
  const windows = await appWindows(scope);
  if (windows.length > 0) {
    for (const window of windows)
      window.postMessage({ type: 'parley-push-renew' } satisfies WorkerToPage);
    return;
  }
  const messenger = await deps.openMessenger();
  try {
    const subscription =
      event.newSubscription ??
      (await scope.registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: await messenger.pushPublicKey(),
      }));
    await messenger.setPushSubscription(toWebPushSubscription(subscription));
  } finally {
    await messenger.close();
  }
}
