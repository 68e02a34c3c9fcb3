import type { Transaction } from 'dexie';
import { summarize } from '../conversations/summary.js';
import type { ConversationRow, MessageRow, ReceiptRow, StoredMessageStatus } from './database.js';

const RANK: Record<StoredMessageStatus, number> = { pending: 0, sent: 1, delivered: 2, read: 3 };

/**
 * Version 16's upgrade (database.ts): gives every conversation row the summary of its messages
 * (conversations/summary.ts), read once here so that start-up never reads them again. The
 * preview's status is raised by the receipts of its message, as Conversations derives a row's.
 */
export async function fillSummaries(tx: Transaction): Promise<void> {
  const rows = new Map<string, MessageRow[]>();
  await tx.table<MessageRow, string>('messages').each((row) => {
    const of = rows.get(row.conversationId);
    if (of) of.push(row);
    else rows.set(row.conversationId, [row]);
  });
  const receipts = tx.table<ReceiptRow, string>('receipts');
  const conversations = await tx.table<ConversationRow, string>('conversations').toArray();
  for (const conversation of conversations) {
    const summary = summarize(rows.get(conversation.id) ?? []);
    const last = summary.last;
    if (last) {
      for (const receipt of await receipts.where('messageId').equals(last.id).toArray())
        if (!receipt.group && RANK[receipt.kind] > RANK[last.status]) last.status = receipt.kind;
    }
    conversation.summary = summary;
  }
  await tx.table<ConversationRow, string>('conversations').bulkPut(conversations);
}
