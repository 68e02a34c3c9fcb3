import type {
  AccountDocumentRow,
  ConversationRow,
  DocSegmentRow,
  DocSnapshotRow,
  DocUpdateRow,
  MessageRow,
  OutboxRow,
  ParleyDatabase,
  PendingGroupMessageRow,
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
  /** Conversation snapshots that replace the logged updates listed in `deletedDocUpdates`. */
  readonly snapshots: DocSnapshotRow[] = [];
  /** Sealed segments, new or rewritten (history/): with the snapshot that no longer holds them. */
  readonly segments: DocSegmentRow[] = [];
  /** Logged document updates (by seq) that a snapshot in this unit of work covers. */
  readonly deletedDocUpdates: number[] = [];
  /** Outbox rows (by seq) to delete: acknowledged by the relay, or replaced by a merged row. */
  readonly deletedOutbox: number[] = [];
  /** Group messages kept until their sender key arrives, and those (by key) now decrypted. */
  readonly pendingGroupMessages: PendingGroupMessageRow[] = [];
  readonly deletedPendingGroupMessages: string[] = [];
  /** Incremental saves of the account document (account-settings/). */
  readonly accountDocument: AccountDocumentRow[] = [];

  get isEmpty(): boolean {
    return (
      this.docUpdates.length === 0 &&
      this.snapshots.length === 0 &&
      this.segments.length === 0 &&
      this.deletedDocUpdates.length === 0 &&
      this.messages.size === 0 &&
      this.conversations.size === 0 &&
      this.receipts.length === 0 &&
      this.outbox.length === 0 &&
      this.processed.length === 0 &&
      this.sessions.length === 0 &&
      this.deletedOutbox.length === 0 &&
      this.pendingGroupMessages.length === 0 &&
      this.deletedPendingGroupMessages.length === 0 &&
      this.accountDocument.length === 0
    );
  }

  /** Appends another unit's changes after this one's (later writes of the same key win). */
  absorb(other: UnitOfWork): void {
    appendAll(this.docUpdates, other.docUpdates);
    appendAll(this.snapshots, other.snapshots);
    appendAll(this.segments, other.segments);
    appendAll(this.deletedDocUpdates, other.deletedDocUpdates);
    for (const [id, row] of other.messages) this.messages.set(id, row);
    for (const [id, row] of other.conversations) this.conversations.set(id, row);
    appendAll(this.receipts, other.receipts);
    appendAll(this.outbox, other.outbox);
    appendAll(this.processed, other.processed);
    appendAll(this.sessions, other.sessions);
    appendAll(this.received, other.received);
    appendAll(this.deletedOutbox, other.deletedOutbox);
    appendAll(this.pendingGroupMessages, other.pendingGroupMessages);
    appendAll(this.deletedPendingGroupMessages, other.deletedPendingGroupMessages);
    appendAll(this.accountDocument, other.accountDocument);
  }

  /**
   * Writes everything in one IndexedDB transaction on the database's own connection, without
   * Dexie's per-request promise and zone machinery: this runs once per local action batch,
   * acknowledgement and received batch, and Dexie's wrapping cost more than the writes
   * themselves (docs/decisions/0370). Resolves on the transaction's `complete` event (durable),
   * rejects if any write fails (the transaction is then aborted as a whole). Added outbox and
   * document update rows carry their `seq` afterwards.
   *
   * `strict` (the default) asks the browser to flush to disk before `complete`: what a commit
   * precedes (an ack that lets the relay delete envelopes, a ciphertext made with the advanced
   * ratchet) must survive an OS crash or power loss, and browsers default to 'relaxed'. Only
   * writes whose loss is harmless (a deletion that would be repeated, a compaction) pass
   * 'relaxed'.
   */
  async commit(db: ParleyDatabase, durability: Durability = 'strict'): Promise<void> {
    if (this.isEmpty) return;
    // Set once the transaction is complete: an aborted one's keys may be handed out again.
    const assignSeqs: Array<() => void> = [];
    // Lock only the stores this unit writes, so unrelated commits can run concurrently.
    const writes: Array<[boolean, keyof ParleyDatabase & string, (store: ObjectStore) => void]> = [
      [this.docUpdates.length > 0, 'docUpdates', (s) => addWithSeq(s, this.docUpdates, assignSeqs)],
      [
        this.deletedDocUpdates.length > 0,
        'docUpdates',
        (s) => deleteSeqs(s, db.keyRange, this.deletedDocUpdates),
      ],
      [this.snapshots.length > 0, 'docSnapshots', (s) => putAll(s, this.snapshots)],
      [this.segments.length > 0, 'docSegments', (s) => putAll(s, this.segments)],
      [this.messages.size > 0, 'messages', (s) => putAll(s, this.messages.values())],
      [this.conversations.size > 0, 'conversations', (s) => putAll(s, this.conversations.values())],
      [this.receipts.length > 0, 'receipts', (s) => putAll(s, this.receipts)],
      [this.outbox.length > 0, 'outbox', (s) => addWithSeq(s, this.outbox, assignSeqs)],
      [
        this.deletedOutbox.length > 0,
        'outbox',
        (s) => this.deletedOutbox.forEach((k) => s.delete(k)),
      ],
      [this.processed.length > 0, 'processedEnvelopes', (s) => putAll(s, this.processed)],
      [this.sessions.length > 0, 'sessions', (s) => putAll(s, this.sessions)],
      [
        this.pendingGroupMessages.length > 0,
        'pendingGroupMessages',
        (s) => putAll(s, this.pendingGroupMessages),
      ],
      [
        this.deletedPendingGroupMessages.length > 0,
        'pendingGroupMessages',
        (s) => this.deletedPendingGroupMessages.forEach((k) => s.delete(k)),
      ],
      [
        this.accountDocument.length > 0,
        'accountDocument',
        (s) => addWithSeq(s, this.accountDocument, assignSeqs),
      ],
    ];
    const active = writes.filter(([needed]) => needed);
    const transaction = db
      .backendDB()
      .transaction([...new Set(active.map(([, name]) => name))], 'readwrite', { durability });
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
    for (const assign of assignSeqs) assign();
    for (const listener of commitListeners.get(db) ?? []) listener(this);
  }
}

export type Durability = 'strict' | 'relaxed';

/**
 * Listeners per database (see onCommitted). Kept here rather than on ParleyDatabase, so that the
 * schema module does not depend on the unit of work (no import cycle).
 */
const commitListeners = new WeakMap<ParleyDatabase, Set<(work: UnitOfWork) => void>>();

/**
 * Calls `listener` after every unit of work committed on `db`, for in-memory mirrors of tables
 * that only units of work write (the outbox).
 */
export function onCommitted(db: ParleyDatabase, listener: (work: UnitOfWork) => void): void {
  const listeners = commitListeners.get(db) ?? new Set();
  listeners.add(listener);
  commitListeners.set(db, listeners);
}

/** Adds rows keyed by an auto-incremented `seq`; each row object gets the `seq` assigned to it. */
function addWithSeq(
  store: ObjectStore,
  rows: Array<{ seq?: number }>,
  assignSeqs: Array<() => void>,
): void {
  for (const row of rows) {
    const request = store.add(row);
    assignSeqs.push(() => {
      row.seq = request.result as number;
    });
  }
}

/**
 * Deletes rows by seq, one range request per run of consecutive seqs (keys are integers, so no
 * other row lies inside a run): a compacted log of hundreds of rows is a request or a few.
 */
function deleteSeqs(
  store: ObjectStore,
  keyRange: ParleyDatabase['keyRange'],
  seqs: number[],
): void {
  const sorted = [...seqs].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
    store.delete(keyRange.bound(sorted[i], sorted[j]));
    i = j + 1;
  }
}

function putAll(store: ObjectStore, rows: Iterable<unknown>): void {
  for (const row of rows) store.put(row);
}

/**
 * Appends `items` to `target` one by one: `push(...items)` passes every item as an argument and
 * overflows the stack past about 125,000 (a long update log being compacted).
 */
export function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}
