import type { Notification, NotificationConstructorOptions } from 'electron';
import type { DesktopNotification, NotificationAction } from '@parley/core/remote';

export type NotificationClass = new (
  options: NotificationConstructorOptions,
) => Pick<Notification, 'on' | 'show'>;

/**
 * A native notification for a received message. macOS shows an inline reply field (hasReply);
 * elsewhere a click opens the chat. Actions go back to the renderer, which owns the messenger.
 */
export function showMessageNotification(
  NotificationImpl: NotificationClass & { isSupported(): boolean },
  notification: DesktopNotification,
  platform: NodeJS.Platform,
  onAction: (action: NotificationAction) => void,
): void {
  if (!NotificationImpl.isSupported()) return;
  const { conversationId } = notification;
  const shown = new NotificationImpl({
    title: notification.title,
    body: notification.body,
    hasReply: platform === 'darwin',
    replyPlaceholder: 'Reply',
  });
  shown.on('click', () => onAction({ kind: 'open', conversationId }));
  shown.on('reply', (_event, reply: string) => {
    if (reply.trim()) onAction({ kind: 'reply', conversationId, text: reply });
  });
  shown.show();
}
