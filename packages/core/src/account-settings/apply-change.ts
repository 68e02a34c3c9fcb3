import type { AccountDocument } from './document-shape.js';
import type { AccountSettingsChange } from './types.js';

/**
 * Writes one (validated) change into the account document, inside an Automerge change callback.
 * Each change touches only the keys it names, so concurrent changes of other keys merge.
 */
export function applyChange(doc: AccountDocument, change: AccountSettingsChange): void {
  switch (change.kind) {
    case 'set-read-receipts':
      doc.preferences.readReceipts = change.enabled;
      return;
    case 'set-typing-indicators':
      doc.preferences.typingIndicators = change.enabled;
      return;
    case 'set-theme':
      doc.preferences.theme = change.theme;
      return;
    case 'block':
      doc.blocked[change.accountId] = true;
      return;
    case 'unblock':
      // false rather than a deletion: a later block and this unblock compare as plain writes.
      doc.blocked[change.accountId] = false;
      return;
    case 'rename-contact': {
      const name = change.name?.trim();
      if (name) doc.contactNames[change.accountId] = name;
      else delete doc.contactNames[change.accountId];
      return;
    }
    case 'accept-request':
      doc.acceptedRequests[change.conversationId] = true;
      return;
    case 'set-chat':
      if (change.pinned !== undefined) doc.pinned[change.conversationId] = change.pinned;
      if (change.archived !== undefined) doc.archived[change.conversationId] = change.archived;
      if (change.mutedUntil !== undefined)
        doc.mutedUntil[change.conversationId] = change.mutedUntil;
      return;
  }
}
