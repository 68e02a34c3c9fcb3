import type { DeepLink, DesktopBridge } from '@parley/core/remote';
import { navigate } from '../app/route.js';
import { totalUnread } from '../unread/total-unread.js';
import type { Messenger } from '../messenger/types.js';

/**
 * What the desktop shell shows for the messenger: the unread count on the dock/taskbar badge,
 * a native notification per received message (with inline reply where the OS has it), and
 * parley:// links opened by the OS.
 */
export function connectDesktopShell(bridge: DesktopBridge, messenger: Messenger): void {
  const list = messenger.conversationList;
  let lastCount = -1;
  const showUnread = () => {
    const count = totalUnread(list.getSnapshot());
    if (count === lastCount) return;
    lastCount = count;
    bridge.setUnreadCount(count);
  };
  list.subscribe(showUnread);
  showUnread();

  messenger.on((event) => {
    if (event.type !== 'messages-received') return;
    const chat = list.getSnapshot().find((c) => c.id === event.conversationId);
    // A stranger's message request is not worth an interruption (nor an inline reply).
    if (chat?.lastMessage && !chat.lastMessage.outgoing && !chat.request)
      bridge.notify({ conversationId: chat.id, title: chat.title, body: chat.lastMessage.body });
  });

  bridge.onNotificationAction((action) => {
    if (action.kind === 'open') navigate({ name: 'chat', conversationId: action.conversationId });
    else void messenger.sendText(action.conversationId, action.text).catch(console.error);
  });
  bridge.onDeepLink((link) => void openDeepLink(messenger, link).catch(console.error));
}

async function openDeepLink(messenger: Messenger, link: DeepLink): Promise<void> {
  if (link.kind === 'open-chat') {
    const conversationId = await messenger.openDirectConversation(link.username);
    navigate({ name: 'chat', conversationId });
  } else {
    // Device linking lives in Settings (issue 15's QR flow).
    navigate({ name: 'settings' });
  }
}
