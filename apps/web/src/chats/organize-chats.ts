import type { ChatSettingsView, ConversationView } from '../messenger/types.js';

/**
 * The chat list's order, as WhatsApp and Signal show it: pinned chats first, then the others,
 * each by activity (the input's order); archived chats apart, in their own section.
 */
export function organizeChats(
  ordered: readonly ConversationView[],
  chats: Readonly<Record<string, ChatSettingsView>>,
): { active: readonly ConversationView[]; archived: readonly ConversationView[] } {
  const pinned: ConversationView[] = [];
  const others: ConversationView[] = [];
  const archived: ConversationView[] = [];
  for (const conversation of ordered) {
    const settings = chats[conversation.id];
    if (settings?.archived) archived.push(conversation);
    else if (settings?.pinned) pinned.push(conversation);
    else others.push(conversation);
  }
  return { active: pinned.length === 0 ? others : [...pinned, ...others], archived };
}
