import type { ConversationDoc } from '../conversations/conversation-doc.js';
import { messageRow } from '../conversations/message-row.js';
import type { StoredMessageStatus } from '../store/database.js';
import type { UnitOfWorkStore } from '../store/repositories.js';
import { UnitOfWork } from '../store/unit-of-work.js';

/**
 * Commits `doc`, a direct chat with the account 'peer' (conversation id = the document's), as
 * start-up finds it stored: the document's snapshot, the conversation row and one row per
 * message (outgoing when from 'self'), each with `status`. For tests and benchmarks of opening
 * and paging a chat.
 */
export async function storeDirectChat(
  store: UnitOfWorkStore,
  doc: ConversationDoc,
  { updatedAt, status }: { updatedAt: number; status: StoredMessageStatus },
): Promise<void> {
  const id = doc.id;
  const work = new UnitOfWork();
  work.snapshots.push({ conversationId: id, snapshot: doc.snapshot() as never });
  work.conversations.set(id, { id, kind: 'direct', peerAccountId: 'peer', updatedAt });
  for (const item of doc.timeline())
    work.messages.set(item.id, messageRow(item, id, item.senderId === 'self', status));
  await store.commit(work);
}
