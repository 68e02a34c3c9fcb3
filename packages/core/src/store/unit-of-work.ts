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

  /** Appends another unit's changes after this one's (later writes of the same key win). */
  absorb(other: UnitOfWork): void {
    this.docUpdates.push(...other.docUpdates);
    for (const [id, row] of other.messages) this.messages.set(id, row);
    for (const [id, row] of other.conversations) this.conversations.set(id, row);
    this.receipts.push(...other.receipts);
    this.outbox.push(...other.outbox);
    this.processed.push(...other.processed);
    this.sessions.push(...other.sessions);
    this.received.push(...other.received);
    this.sentOutbox.push(...other.sentOutbox);
  }

  async commit(db: ParleyDatabase): Promise<void> {
    if (this.isEmpty) return;
    // Lock only the tables this unit writes, so unrelated commits can run concurrently.
    const writes: Array<[boolean, () => Promise<unknown>, { name: string }]> = [
      [this.docUpdates.length > 0, () => db.docUpdates.bulkAdd(this.docUpdates), db.docUpdates],
      [this.messages.size > 0, () => db.messages.bulkPut([...this.messages.values()]), db.messages],
      [
        this.conversations.size > 0,
        () => db.conversations.bulkPut([...this.conversations.values()]),
        db.conversations,
      ],
      [this.receipts.length > 0, () => db.receipts.bulkPut(this.receipts), db.receipts],
      [this.outbox.length > 0, () => db.outbox.bulkAdd(this.outbox), db.outbox],
      [this.sentOutbox.length > 0, () => db.outbox.bulkDelete(this.sentOutbox), db.outbox],
      [
        this.processed.length > 0,
        () => db.processedEnvelopes.bulkPut(this.processed),
        db.processedEnvelopes,
      ],
      [this.sessions.length > 0, () => db.sessions.bulkPut(this.sessions), db.sessions],
    ];
    const active = writes.filter(([needed]) => needed);
    const tables = [...new Set(active.map(([, , table]) => table.name))];
    await db.transaction('rw', tables, async () => {
      for (const [, write] of active) await write();
    });
  }
}
