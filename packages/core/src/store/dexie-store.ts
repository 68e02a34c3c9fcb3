import type { ParleyDatabase } from './database.js';
import type { CoreStore, StoredConversations } from './repositories.js';
import { documentsFrom } from './stored-documents.js';
import { onCommitted, type Durability, type UnitOfWork } from './unit-of-work.js';

/** CoreStore on the device's IndexedDB database (Dexie for reads, UnitOfWork.commit for writes). */
export class DexieStore implements CoreStore {
  constructor(readonly db: ParleyDatabase) {}

  commit(work: UnitOfWork, durability?: Durability): Promise<void> {
    return work.commit(this.db, durability);
  }

  onCommitted(listener: (work: UnitOfWork) => void): void {
    onCommitted(this.db, listener);
  }

  async processedAmong(envelopeIds: readonly string[]): Promise<Set<string>> {
    const rows = await this.db.processedEnvelopes.bulkGet([...envelopeIds]);
    const found = new Set<string>();
    for (const row of rows) if (row) found.add(row.envelopeId);
    return found;
  }

  async forgetProcessedBefore(at: number): Promise<void> {
    await this.db.processedEnvelopes.where('at').below(at).delete();
  }

  async loadConversations(): Promise<StoredConversations> {
    const [conversations, snapshots, updates, messages, receipts] = await Promise.all([
      this.db.conversations.toArray(),
      this.db.docSnapshots.toArray(),
      this.db.docUpdates.toArray(),
      this.db.messages.toArray(),
      this.db.receipts.toArray(),
    ]);
    return { conversations, messages, receipts, document: documentsFrom(snapshots, updates) };
  }

  loadReceipts() {
    return this.db.receipts.toArray();
  }

  async deleteConversation(conversationId: string): Promise<void> {
    const db = this.db;
    await db.transaction(
      'rw',
      [db.conversations, db.docSnapshots, db.docUpdates, db.messages, db.receipts],
      async () => {
        const messageIds = await db.messages
          .where('conversationId')
          .equals(conversationId)
          .primaryKeys();
        await db.receipts.where('messageId').anyOf(messageIds).delete();
        await db.messages.bulkDelete(messageIds);
        await db.docUpdates.where('conversationId').equals(conversationId).delete();
        await db.docSnapshots.delete(conversationId);
        await db.conversations.delete(conversationId);
      },
    );
  }

  loadOutbox() {
    return this.db.outbox.toArray();
  }
}
