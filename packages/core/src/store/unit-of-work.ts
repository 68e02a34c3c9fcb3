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

/** The IndexedDB object store type, as Dexie's backend connection declares it (no DOM lib here). */
type ObjectStore = ReturnType<
  ReturnType<ReturnType<ParleyDatabase['backendDB']>['transaction']>['objectStore']
>;

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
  /** Outbox rows (by seq) to delete: acknowledged by the relay, or replaced by a merged row. */
  readonly deletedOutbox: number[] = [];

  get isEmpty(): boolean {
    return (
      this.docUpdates.length === 0 &&
      this.messages.size === 0 &&
      this.conversations.size === 0 &&
      this.receipts.length === 0 &&
      this.outbox.length === 0 &&
      this.processed.length === 0 &&
      this.sessions.length === 0 &&
      this.deletedOutbox.length === 0
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
    this.deletedOutbox.push(...other.deletedOutbox);
  }

  /**
   * Writes everything in one IndexedDB transaction on the database's own connection, without
   * Dexie's per-request promise and zone machinery: this runs once per local action batch,
   * acknowledgement and received batch, and Dexie's wrapping cost more than the writes
   * themselves (docs/decisions/0370). Resolves on the transaction's `complete` event (durable),
   * rejects if any write fails (the transaction is then aborted as a whole). Added outbox rows
   * carry their `seq` afterwards.
   */
  async commit(db: ParleyDatabase): Promise<void> {
    if (this.isEmpty) return;
    // Lock only the stores this unit writes, so unrelated commits can run concurrently.
    const writes: Array<[boolean, keyof ParleyDatabase & string, (store: ObjectStore) => void]> = [
      [this.docUpdates.length > 0, 'docUpdates', (s) => addAll(s, this.docUpdates)],
      [this.messages.size > 0, 'messages', (s) => putAll(s, this.messages.values())],
      [this.conversations.size > 0, 'conversations', (s) => putAll(s, this.conversations.values())],
      [this.receipts.length > 0, 'receipts', (s) => putAll(s, this.receipts)],
      [this.outbox.length > 0, 'outbox', (s) => addOutbox(s, this.outbox)],
      [
        this.deletedOutbox.length > 0,
        'outbox',
        (s) => this.deletedOutbox.forEach((k) => s.delete(k)),
      ],
      [this.processed.length > 0, 'processedEnvelopes', (s) => putAll(s, this.processed)],
      [this.sessions.length > 0, 'sessions', (s) => putAll(s, this.sessions)],
    ];
    const active = writes.filter(([needed]) => needed);
    const transaction = db
      .backendDB()
      .transaction([...new Set(active.map(([, name]) => name))], 'readwrite');
    const done = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onabort = () =>
        reject(transaction.error ?? new DOMException('transaction aborted', 'AbortError'));
    });
    try {
      for (const [, name, write] of active) write(transaction.objectStore(name));
    } catch (error) {
      // A value that cannot be stored (e.g. not cloneable): nothing of the unit is written.
      transaction.abort();
      await done.catch(() => undefined);
      throw error;
    }
    await done;
  }
}

function addAll(store: ObjectStore, rows: Iterable<unknown>): void {
  for (const row of rows) store.add(row);
}

/** Adds outbox rows; each row object gets the `seq` the database assigned it. */
function addOutbox(store: ObjectStore, rows: OutboxRow[]): void {
  for (const row of rows) {
    const request = store.add(row);
    request.onsuccess = () => {
      row.seq = request.result as number;
    };
  }
}

function putAll(store: ObjectStore, rows: Iterable<unknown>): void {
  for (const row of rows) store.put(row);
}
