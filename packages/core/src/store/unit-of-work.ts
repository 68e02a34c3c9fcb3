import type {
  ConversationRow,
  DocUpdateRow,
  MessageRow,
  OutboxRow,
  ParleyDatabase,
  ProcessedEnvelopeRow,
  ReceiptRow,
  SessionRow,
} from './database.js';

/**
 * Changes collected in memory while handling one local action or one batch of envelopes, then
 * committed in ONE IndexedDB transaction: a document update, its projection rows, the outbox rows
 * announcing it and the envelope ids it consumed become durable together or not at all.
 */
export class UnitOfWork {
  readonly docUpdates: DocUpdateRow[] = [];
  readonly messages = new Map<string, MessageRow>();
  readonly conversations = new Map<string, ConversationRow>();
  readonly receipts: ReceiptRow[] = [];
  readonly outbox: OutboxRow[] = [];
  readonly processed: ProcessedEnvelopeRow[] = [];
  /** Session state advanced by the decryptions whose effects this unit of work holds. */
  readonly sessions: SessionRow[] = [];
  /** Messages from other accounts this unit of work adds (for notifications); not a table. */
  readonly received: MessageRow[] = [];
  /** Outbox rows the relay acknowledged. */
  readonly sentOutbox: number[] = [];

  get isEmpty(): boolean {
    return (
      this.docUpdates.length === 0 &&
      this.messages.size === 0 &&
      this.conversations.size === 0 &&
      this.receipts.length === 0 &&
      this.outbox.length === 0 &&
      this.processed.length === 0 &&
      this.sessions.length === 0 &&
      this.sentOutbox.length === 0
    );
  }

  async commit(db: ParleyDatabase): Promise<void> {
    if (this.isEmpty) return;
    await db.transaction(
      'rw',
      [
        db.docUpdates,
        db.messages,
        db.conversations,
        db.receipts,
        db.outbox,
        db.processedEnvelopes,
        db.sessions,
      ],
      async () => {
        if (this.docUpdates.length) await db.docUpdates.bulkAdd(this.docUpdates);
        if (this.messages.size) await db.messages.bulkPut([...this.messages.values()]);
        if (this.conversations.size)
          await db.conversations.bulkPut([...this.conversations.values()]);
        if (this.receipts.length) await db.receipts.bulkPut(this.receipts);
        if (this.outbox.length) await db.outbox.bulkAdd(this.outbox);
        if (this.processed.length) await db.processedEnvelopes.bulkPut(this.processed);
        if (this.sessions.length) await db.sessions.bulkPut(this.sessions);
        if (this.sentOutbox.length) await db.outbox.bulkDelete(this.sentOutbox);
      },
    );
  }
}
