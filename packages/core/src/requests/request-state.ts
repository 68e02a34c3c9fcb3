import type { ConversationModel } from '../conversations/conversations.js';
import type { UnitOfWork } from '../store/unit-of-work.js';

/**
 * Whether a conversation is a message request, as Signal and WhatsApp decide it: a stranger wrote
 * first (their message created the conversation on this device: `row.request`), and this account
 * has neither accepted it nor written in it from any of its devices. Until then no read receipt
 * and no typing indicator goes to the stranger (the Composer asks here); delivered receipts do,
 * since they tell nothing the relay does not already know.
 */
export function isMessageRequest(
  model: ConversationModel,
  /** Accepted on any device of the account (account document): required, so none is forgotten. */
  acceptedRequests: readonly string[],
): boolean {
  if (!model.row.request) return false;
  // Accepted on another device of the account (the account document).
  if (acceptedRequests.includes(model.row.id)) return false;
  for (const row of model.rows.values()) if (row.outgoing && row.kind === 'text') return false;
  return true;
}

/** Marks the conversation accepted on `work` (Accept, or this account starting the chat itself). */
export function stageAccepted(work: UnitOfWork, model: ConversationModel): void {
  if (!model.row.request) return;
  model.row = { ...model.row, request: false };
  work.conversations.set(model.row.id, model.row);
}
