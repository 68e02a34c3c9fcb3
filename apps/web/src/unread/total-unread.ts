import type { ConversationView } from '../messenger/types.js';

/** Unread messages in the chats; message requests do not count (they wait apart, unbadged). */
export function totalUnread(chats: readonly ConversationView[]): number {
  return chats.reduce((sum, chat) => sum + (chat.request ? 0 : chat.unreadCount), 0);
}
