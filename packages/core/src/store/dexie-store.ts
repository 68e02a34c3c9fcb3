import { Dexie } from 'dexie';
import type { DocSegmentRow, MessageRow, ParleyDatabase, SegmentRange } from './database.js';
import type { ConversationRows, CoreStore, FirstScreen, StoredDocument } from './repositories.js';
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

  async loadFirstScreen(chats: number, perChat: number): Promise<FirstScreen> {
    const db = this.db;
    return db.transaction('r', [db.conversations, db.messages, db.receipts], async () => {
      const conversations = await db.conversations.orderBy('updatedAt').reverse().toArray();
      // One index range per chat on the screen, newest first: pages, never the whole projection.
      const pages = await Promise.all(
        conversations
          .slice(0, chats)
          .map((row) =>
            db.messages
              .where('[conversationId+sentAt]')
              .between([row.id, Dexie.minKey], [row.id, Dexie.maxKey])
              .reverse()
              .limit(perChat)
              .toArray(),
          ),
      );
      const messages = pages.flat();
      const receipts = await db.receipts
        .where('messageId')
        .anyOf(messages.map((row) => row.id))
        .toArray();
      return { conversations, messages, receipts };
    });
  }

  async loadConversationRows(conversationIds: readonly string[]): Promise<ConversationRows> {
    const db = this.db;
    return db.transaction('r', [db.messages, db.receipts], async () => {
      const messages = await db.messages
        .where('conversationId')
        .anyOf([...conversationIds])
        .toArray();
      const receipts = await db.receipts
        .where('messageId')
        .anyOf(messages.map((row) => row.id))
        .toArray();
      return { messages, receipts };
    });
  }

  async loadMessages(messageIds: readonly string[]): Promise<MessageRow[]> {
    const rows = await this.db.messages.bulkGet([...messageIds]);
    return rows.filter((row) => row !== undefined);
  }

  messagesAfter(afterId: string | undefined, limit: number): Promise<MessageRow[]> {
    const table = this.db.messages;
    const from = afterId === undefined ? table.orderBy(':id') : table.where(':id').above(afterId);
    return from.limit(limit).toArray();
  }

  async loadDocuments(
    conversationIds: readonly string[],
  ): Promise<(conversationId: string) => StoredDocument> {
    const db = this.db;
    const ids = [...conversationIds];
    const [snapshots, updates] = await db.transaction('r', [db.docSnapshots, db.docUpdates], () =>
      Promise.all([
        db.docSnapshots.bulkGet(ids),
        // Ordered by conversationId, then seq (the primary key): each log in seq order.
        db.docUpdates.where('conversationId').anyOf(ids).toArray(),
      ]),
    );
    return documentsFrom(
      snapshots.filter((row) => row !== undefined),
      updates,
    );
  }

  async listSegments(conversationId: string): Promise<SegmentRange[]> {
    // Keys of the covering index: [conversationId, seq, fromKey, toKey], no bytes read.
    const keys = await this.db.docSegments
      .where('[conversationId+seq+fromKey+toKey]')
      .between(
        [conversationId, -Infinity, -Infinity, -Infinity],
        [conversationId, Infinity, Infinity, Infinity],
        true,
        true,
      )
      .keys();
    return keys.map((key) => {
      const [, seq, fromKey, toKey] = key as unknown as [string, number, number, number];
      return { seq, fromKey, toKey };
    });
  }

  readSegment(conversationId: string, seq: number): Promise<DocSegmentRow | undefined> {
    return this.db.docSegments.get([conversationId, seq]);
  }

  async deleteConversation(conversationId: string): Promise<void> {
    const db = this.db;
    await db.transaction(
      'rw',
      [db.conversations, db.docSnapshots, db.docUpdates, db.docSegments, db.messages, db.receipts],
      async () => {
        const messageIds = await db.messages
          .where('conversationId')
          .equals(conversationId)
          .primaryKeys();
        await db.receipts.where('messageId').anyOf(messageIds).delete();
        await db.messages.bulkDelete(messageIds);
        await db.docUpdates.where('conversationId').equals(conversationId).delete();
        await db.docSnapshots.delete(conversationId);
        await db.docSegments
          .where('[conversationId+seq]')
          .between([conversationId, -Infinity], [conversationId, Infinity], true, true)
          .delete();
        await db.conversations.delete(conversationId);
      },
    );
  }

  loadOutbox() {
    return this.db.outbox.toArray();
  }
}
