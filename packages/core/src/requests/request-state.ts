import { directConversationId } from '../conversations/conversation-id.js';
import type { ConversationModel, Conversations } from '../conversations/conversations.js';
import type { UnitOfWork } from '../store/unit-of-work.js';

/**
 * Whether a conversation is a message request, as Signal and WhatsApp decide it: a stranger wrote
 * first or added this account to a group (that created the conversation on this device:
 * `row.request`), and this account
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
  // Rows not read yet: the summary kept with them says whether this account wrote (0821).
  if (!model.rowsLoaded) return !model.row.summary?.wrote;
  for (const row of model.rows.values()) if (row.outgoing && row.kind === 'text') return false;
  return true;
}

/** Marks the conversation accepted on `work` (Accept, or this account starting the chat itself). */
export function stageAccepted(work: UnitOfWork, model: ConversationModel): void {
  if (!model.row.request) return;
  model.row = { ...model.row, request: false };
  work.conversations.set(model.row.id, model.row);
}

export interface StrangerTestDeps {
  conversations: Conversations;
  selfAccountId(): string;
  /** Requests accepted on any device of the account (account document). */
  acceptedRequests(): readonly string[];
  /** Names the user gave contacts (account document): a named account is known. */
  contactNames(): Readonly<Record<string, string>>;
}

/**
 * Whether `accountId` is a stranger to this account: no accepted direct chat with it and no name
 * given to it. A group a stranger adds this account to is a request, as in Signal: being added
 * by anyone who knows a username must not put their group among the chats.
 */
export function strangerTest(deps: StrangerTestDeps): (accountId: string) => Promise<boolean> {
  return async (accountId) => {
    const self = deps.selfAccountId();
    if (accountId === self || deps.contactNames()[accountId]) return false;
    const direct = deps.conversations.get(await directConversationId(self, accountId));
    return !direct || isMessageRequest(direct, deps.acceptedRequests());
  };
}
