import {
  DEFAULT_CHAT_SETTINGS,
  type AccountSettingsChange,
  type AccountSettingsView,
  type ChatSettingsView,
} from './types.js';

/**
 * The settings after one (validated) change, as a plain value; the input is not modified. For
 * in-memory stand-ins (the web app's development fake): devices apply changes to the account
 * document (apply-change.ts), which gives the same view.
 */
export function applyChangeToView(
  view: AccountSettingsView,
  change: AccountSettingsChange,
): AccountSettingsView {
  switch (change.kind) {
    case 'set-read-receipts':
      return { ...view, readReceipts: change.enabled };
    case 'set-typing-indicators':
      return { ...view, typingIndicators: change.enabled };
    case 'set-theme':
      return { ...view, theme: change.theme };
    case 'block':
      return { ...view, blocked: [...new Set([...view.blocked, change.accountId])].sort() };
    case 'unblock':
      return { ...view, blocked: view.blocked.filter((id) => id !== change.accountId) };
    case 'rename-contact': {
      const { [change.accountId]: _previous, ...others } = view.contactNames;
      const name = change.name?.trim();
      return { ...view, contactNames: name ? { ...others, [change.accountId]: name } : others };
    }
    case 'accept-request':
      return {
        ...view,
        acceptedRequests: [...new Set([...view.acceptedRequests, change.conversationId])].sort(),
      };
    case 'set-chat': {
      const previous = view.chats[change.conversationId] ?? DEFAULT_CHAT_SETTINGS;
      const next: ChatSettingsView = {
        pinned: change.pinned ?? previous.pinned,
        archived: change.archived ?? previous.archived,
        mutedUntil: change.mutedUntil ?? previous.mutedUntil,
      };
      return { ...view, chats: { ...view.chats, [change.conversationId]: next } };
    }
  }
}
