/**
 * What one chat's notification says. Shared by the service worker (push with the app closed)
 * and the page (messages arriving while the tab is hidden), so both look alike. One
 * notification per chat (`tag` = the chat): a later message replaces it, counting up.
 */

export interface ArrivedMessage {
  /** The sender as shown (MessageView.senderName). */
  senderName: string;
  body: string;
  attachmentCount: number;
}

export interface ChatSummary {
  id: string;
  kind: 'direct' | 'group';
  title: string;
  /** The contact's profile picture (data: URL), shown as the notification's icon. */
  avatar?: string;
}

export interface NotificationData {
  conversationId: string;
  /** Messages this notification stands for (grows while it stays unread). */
  count: number;
  /** Where clicking leads: the chat, in the app's hash routing. */
  url: string;
}

/** showNotification's options; `actions` is missing from TypeScript's DOM types. */
export type ChatNotificationOptions = NotificationOptions & {
  data: NotificationData;
  actions?: { action: string; title: string }[];
};

export interface ChatNotification {
  title: string;
  options: ChatNotificationOptions;
}

/** The app's icon, shown with every notification (and as the badge where one is shown). */
export const APP_ICON = '/icons/icon-192.png';

/** Tag of the notification shown when a push could not be read in time. */
export const GENERIC_TAG = 'parley-new-message';

/** Longest preview shown; notification areas cut long texts anyway. */
const PREVIEW_CHARACTERS = 140;

export function chatUrl(conversationId: string): string {
  return `/#/chat/${encodeURIComponent(conversationId)}`;
}

function preview(message: ArrivedMessage): string {
  const text = message.body.trim();
  if (text === '' && message.attachmentCount > 0) {
    return message.attachmentCount === 1 ? 'Attachment' : `${message.attachmentCount} attachments`;
  }
  return text.length > PREVIEW_CHARACTERS ? `${text.slice(0, PREVIEW_CHARACTERS - 1)}…` : text;
}

/**
 * The notification for `arrived` (oldest first, at least one) in `chat`, replacing one that
 * already counted `previousCount` messages. `actions`: whether the browser shows buttons.
 */
export function chatNotification(
  chat: ChatSummary,
  arrived: readonly ArrivedMessage[],
  previousCount: number,
  options: { previews: boolean; actions: boolean },
): ChatNotification {
  const latest = arrived[arrived.length - 1]!;
  const count = previousCount + arrived.length;
  const title = count > 1 ? `${chat.title} (${count} messages)` : chat.title;
  let body: string;
  if (!options.previews) body = count > 1 ? `${count} new messages` : 'New message';
  else if (chat.kind === 'group') body = `${latest.senderName}: ${preview(latest)}`;
  else body = preview(latest);
  return {
    title,
    options: {
      body,
      tag: chat.id,
      icon: chat.avatar ?? APP_ICON,
      badge: APP_ICON,
      data: { conversationId: chat.id, count, url: chatUrl(chat.id) },
      // Chromium shows these; Safari and Firefox show none and ignore them.
      ...(options.actions && {
        actions: [
          { action: 'reply', title: 'Reply' },
          { action: 'mark-read', title: 'Mark as read' },
        ],
      }),
    },
  };
}

/** Whether a chat is muted at `now` (account settings' mutedUntil: 0 = not muted). */
export function isMuted(mutedUntil: number | undefined, now: number): boolean {
  return (mutedUntil ?? 0) > now;
}
