import { resumeAwayCall, takeCallFromAddress } from './resume-away-call.js';
import { useEffect, useRef, useState } from 'react';
import { hrefFor, navigate } from '../app/route.js';
import { useMessenger } from '../messenger/messenger-context.js';
import type { MessageView, Messenger } from '../messenger/types.js';
import { Avatar } from '../shell/Avatar.js';
import { Icon } from '../shell/Icon.js';
import { chatNotification, isMuted, type NotificationData } from './notification-content.js';
import { isDoNotDisturb } from './do-not-disturb.js';
import { createNotifierTab, trackUse, type NotifierTab } from './notifier-tab.js';
import { DATABASE_NAME } from '../messenger/database-name.js';
import type { WorkerToPage } from './open-chat-window.js';
import { syncPushSubscription } from './push-subscription.js';
import { playArrivalTone } from './sound.js';
import { loadedPreferences, notificationPreferences } from './use-preferences.js';
import './notifications.css';

interface Toast {
  id: number;
  conversationId: string;
  title: string;
  body: string;
  avatar?: string;
}

/** Toasts stay this long unless the pointer or focus is on them. */
const TOAST_MS = 6_000;
/** At most this many toasts at once; older ones make room. */
const MAX_TOASTS = 3;

/**
 * Notifications while the app is open. A message in another chat than the one open shows a
 * toast (and the tone, if on); with the tab hidden, a system notification instead, built like
 * the service worker's (notification-content.ts). The open page owns the device's socket, so the
 * service worker leaves pushes to it. Also answers the worker's requests (open chat, mark read,
 * renew the push subscription) and refreshes the subscription at start.
 */
export function PageNotifications({ openConversationId }: { openConversationId?: string }) {
  const messenger = useMessenger();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const openChat = useRef(openConversationId);
  openChat.current = openConversationId;
  const notifier = useRef<NotifierTab | null>(null);

  useEffect(() => {
    // A tab that is not a follower owns the device (or is the desktop app's only window).
    const tab = createNotifierTab(
      `parley:${DATABASE_NAME}:notifier`,
      () => document.documentElement.dataset.tabRole !== 'follower',
    );
    notifier.current = tab;
    const stop = trackUse(tab);
    return () => {
      stop();
      notifier.current = null;
    };
  }, []);

  useEffect(() => {
    void loadedPreferences().then((preferences) => {
      if (preferences.enabled) syncPushSubscription(messenger).catch(reportPushFailure);
    });
  }, [messenger]);

  useEffect(() => listenToWorker(messenger), [messenger]);
  // Opened from an incoming call's notification (the service worker received the invitation).
  useEffect(() => {
    const callId = takeCallFromAddress();
    if (callId) void resumeAwayCall(messenger, callId);
  }, [messenger]);

  useEffect(() => {
    let nextId = 1;
    let unmounted = false;
    const stopListening = messenger.on((event) => {
      if (event.type === 'messages-received') void notify(event.conversationId, event.messageIds);
    });
    return () => {
      unmounted = true;
      stopListening();
    };

    async function notify(conversationId: string, messageIds: readonly string[]) {
      const preferences = notificationPreferences();
      if (!preferences.enabled) return;
      // Do not disturb: no toast, sound or system notification; the unread count still rises.
      if (isDoNotDisturb(preferences.doNotDisturbUntil, Date.now())) return;
      // Every tab of the device gets the event; one of them notifies (notifier-tab.ts).
      if (notifier.current && !notifier.current.isNotifier()) return;
      const chats = messenger.accountSettings.getSnapshot().chats;
      if (isMuted(chats[conversationId]?.mutedUntil, Date.now())) return;
      const arrived = (await arrivedMessages(messenger, conversationId, messageIds)).filter(
        isIncomingText,
      );
      const chat = messenger.conversationList.getSnapshot().find((c) => c.id === conversationId);
      if (unmounted || !chat || arrived.length === 0) return;
      const content = chatNotification(chat, arrived.map(asArrived), 0, {
        previews: preferences.previews,
        actions: false,
      });
      if (document.visibilityState === 'hidden') {
        void showSystemNotification(conversationId, arrived);
        return;
      }
      if (conversationId === openChat.current) return;
      if (preferences.sound) playArrivalTone();
      const toast = {
        id: nextId++,
        conversationId,
        title: content.title,
        body: content.options.body ?? '',
        ...(chat.avatar ? { avatar: chat.avatar } : {}),
      };
      setToasts((current) => [
        ...current.filter((t) => t.conversationId !== conversationId).slice(1 - MAX_TOASTS),
        toast,
      ]);
    }

    async function showSystemNotification(conversationId: string, arrived: MessageView[]) {
      if (Notification.permission !== 'granted') return;
      const worker = await navigator.serviceWorker?.getRegistration('/');
      if (!worker) return;
      const chat = messenger.conversationList.getSnapshot().find((c) => c.id === conversationId);
      if (!chat) return;
      const [shown] = await worker.getNotifications({ tag: conversationId });
      const previous = (shown?.data as NotificationData | undefined)?.count ?? 0;
      const { title, options } = chatNotification(chat, arrived.map(asArrived), previous, {
        previews: notificationPreferences().previews,
        actions: ((Notification as { maxActions?: number }).maxActions ?? 0) >= 2,
      });
      await worker.showNotification(title, options);
    }
  }, [messenger]);

  const dismiss = (id: number) => setToasts((current) => current.filter((t) => t.id !== id));

  return (
    // A live region present from the start, so screen readers announce toasts as they come.
    <div className="toasts" aria-live="polite">
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} onDismiss={() => dismiss(toast.id)} />
      ))}
    </div>
  );
}

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: () => void }) {
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (held) return;
    const timer = setTimeout(onDismiss, TOAST_MS);
    return () => clearTimeout(timer);
  }, [held, onDismiss]);
  return (
    <div
      className="toast"
      onPointerEnter={() => setHeld(true)}
      onPointerLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
    >
      <a
        className="toast__link"
        href={hrefFor({ name: 'chat', conversationId: toast.conversationId })}
        // Named apart from the chat list's row for the same chat (which starts with its title).
        aria-label={`New message notification: ${toast.title}, ${toast.body}`}
        onClick={onDismiss}
      >
        <Avatar
          name={toast.title.replace(/ \(\d+ messages\)$/, '')}
          size={32}
          {...(toast.avatar ? { src: toast.avatar } : {})}
        />
        <span className="toast__text">
          <strong>{toast.title}</strong>
          <span>{toast.body}</span>
        </span>
      </a>
      <button
        type="button"
        className="icon-button"
        aria-label={`Dismiss notification from ${toast.title}`}
        onClick={onDismiss}
      >
        <Icon name="close" size={16} />
      </button>
    </div>
  );
}

/** Longest a tab waits for arrived messages to reach its copy of the chat. */
const ARRIVAL_WAIT_MS = 10_000;

/**
 * The messages `ids` of a chat. The owner tab has them at once; a follower tab's copy of a chat
 * it does not show is filled from the owner on demand (core's remote facade), so it waits for
 * them to come, or gives up after ARRIVAL_WAIT_MS.
 */
function arrivedMessages(
  messenger: Messenger,
  conversationId: string,
  ids: readonly string[],
): Promise<MessageView[]> {
  const wanted = new Set(ids);
  const store = messenger.messages(conversationId);
  const pick = () => store.getSnapshot().filter((m) => wanted.has(m.id));
  const found = pick();
  if (found.length > 0) return Promise.resolve(found);
  return new Promise((resolve) => {
    const done = (messages: MessageView[]) => {
      clearTimeout(timer);
      stop();
      resolve(messages);
    };
    const stop = store.subscribe(() => {
      const now = pick();
      if (now.length > 0) done(now);
    });
    const timer = setTimeout(() => done([]), ARRIVAL_WAIT_MS);
  });
}

function isIncomingText(message: MessageView): boolean {
  return !message.outgoing && message.kind === 'text';
}

function asArrived(message: MessageView) {
  return {
    senderName: message.senderName,
    body: message.body,
    attachmentCount: message.attachments?.length ?? 0,
  };
}

function reportPushFailure(error: unknown): void {
  // Offline, or a browser without a reachable push service: the app works, only wake-ups are off.
  console.warn('Parley: Web Push subscription failed; notifications need the app open.', error);
}

/** Requests the service worker makes of an open page (push-worker.ts). */
function listenToWorker(messenger: Messenger): (() => void) | undefined {
  const container = navigator.serviceWorker;
  if (!container) return undefined;
  const onMessage = (event: MessageEvent<WorkerToPage>) => {
    const request = event.data;
    if (request?.type === 'parley-open-chat') {
      navigate({ name: 'chat', conversationId: request.conversationId });
    } else if (request?.type === 'parley-mark-read') {
      const latest = messenger
        .messages(request.conversationId)
        .getSnapshot()
        .findLast((m) => !m.outgoing);
      if (latest) void messenger.markRead(request.conversationId, latest.id);
    } else if (request?.type === 'parley-answer-call') {
      void resumeAwayCall(messenger, request.callId);
    } else if (request?.type === 'parley-push-renew') {
      syncPushSubscription(messenger).catch(reportPushFailure);
    }
  };
  container.addEventListener('message', onMessage);
  return () => container.removeEventListener('message', onMessage);
}
