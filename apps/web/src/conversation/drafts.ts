/**
 * Unsent text per chat. A draft is the person's scratch space, not conversation state, so it lives
 * in this browser's localStorage: it survives switching chats and reloads, and never syncs.
 */
const prefix = 'parley:draft:';

export function loadDraft(conversationId: string): string {
  try {
    return localStorage.getItem(prefix + conversationId) ?? '';
  } catch {
    return '';
  }
}

export function saveDraft(conversationId: string, text: string): void {
  try {
    if (text.trim() === '') localStorage.removeItem(prefix + conversationId);
    else localStorage.setItem(prefix + conversationId, text);
  } catch {
    // Storage full or disabled: the draft is kept only while the chat stays open.
  }
}
