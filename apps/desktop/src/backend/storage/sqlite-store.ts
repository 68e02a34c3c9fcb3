import { deserialize, serialize } from 'node:v8';
import type {
  ConversationRow,
  ConversationRows,
  CoreStore,
  DocSegmentRow,
  DocUpdateRow,
  Durability,
  FirstScreen,
  MessageRow,
  OutboxRow,
  ParleyDatabase,
  ReceiptRow,
  SegmentRange,
  StoredDocument,
  UnitOfWork,
} from '@parley/core/store';
import type { SqliteDatabase } from './encrypted-database.js';
import { writeWithTransaction } from './persistent-indexeddb.js';

/**
 * Core's CoreStore on the SQLCipher file itself (docs/decisions/0810): conversations, their
 * documents (snapshot + update log, sealed segments), the message projection, receipts, the outbox and applied
 * envelope ids live in tables of their own and are read on demand: a document only when its
 * conversation is first used. Nothing of them is replayed into memory at start-up.
 *
 * Sessions and group messages waiting for a sender key stay in core's Dexie database (persisted
 * by persistent-indexeddb.ts in the same file): a unit of work that carries them writes its rows
 * here inside that IndexedDB transaction's SQLite transaction, so a ratchet step and the messages
 * it produced are durable together or not at all (docs/decisions/0302).
 *
 * Rows are stored as v8-serialized values beside the columns queries need.
 */
export class SqliteStore implements CoreStore {
  private readonly listeners = new Set<(work: UnitOfWork) => void>();
  private readonly sql: Statements;

  constructor(
    private readonly sqlite: SqliteDatabase,
    private readonly db: ParleyDatabase,
  ) {
    sqlite.exec(SCHEMA);
    this.sql = prepare(sqlite);
  }

  async commit(work: UnitOfWork, _durability: Durability = 'strict'): Promise<void> {
    if (work.isEmpty) return;
    const assignSeqs: Array<() => void> = [];
    const write = () => {
      assignSeqs.length = 0;
      this.write(work, assignSeqs);
    };
    if (holdsIndexedDbRows(work)) await this.commitWithIndexedDb(work, write);
    else this.sqlite.transaction(write)();
    for (const assign of assignSeqs) assign();
    for (const listener of this.listeners) listener(work);
  }

  onCommitted(listener: (work: UnitOfWork) => void): void {
    this.listeners.add(listener);
  }

  async processedAmong(envelopeIds: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const id of envelopeIds) if (this.sql.processedGet.get(id)) found.add(id);
    return found;
  }

  async forgetProcessedBefore(at: number): Promise<void> {
    this.sql.processedForget.run(at);
  }

  async loadFirstScreen(chats: number, perChat: number): Promise<FirstScreen> {
    const conversations = this.sql.conversationsRecent.all().map(rowOf<ConversationRow>);
    const messages = conversations
      .slice(0, chats)
      .flatMap((row) => this.sql.messagesNewest.all(row.id, perChat).map(rowOf<MessageRow>));
    const receipts = messages.flatMap((row) =>
      this.sql.receiptsOfMessage.all(row.id).map(rowOf<ReceiptRow>),
    );
    return { conversations, messages, receipts };
  }

  async loadConversationRows(conversationIds: readonly string[]): Promise<ConversationRows> {
    const messages = conversationIds.flatMap((id) =>
      this.sql.messagesOfConversation.all(id).map(rowOf<MessageRow>),
    );
    const receipts = conversationIds.flatMap((id) =>
      this.sql.receiptsOfConversation.all(id).map(rowOf<ReceiptRow>),
    );
    return { messages, receipts };
  }

  async loadMessages(messageIds: readonly string[]): Promise<MessageRow[]> {
    return messageIds.flatMap((id) => {
      const row = this.sql.messageGet.get(id);
      return row ? [rowOf<MessageRow>(row)] : [];
    });
  }

  async messagesAfter(afterId: string | undefined, limit: number): Promise<MessageRow[]> {
    // '' sorts before every id: the first page.
    return this.sql.messagesAfter.all(afterId ?? '', limit).map(rowOf<MessageRow>);
  }

  /** Documents are read from the file when asked, so there is nothing to read ahead. */
  async loadDocuments(
    _conversationIds: readonly string[],
  ): Promise<(conversationId: string) => StoredDocument> {
    return (conversationId) => this.document(conversationId);
  }

  async deleteConversation(conversationId: string): Promise<void> {
    this.sqlite.transaction(() => {
      this.sql.receiptsDeleteOfConversation.run(conversationId);
      this.sql.messagesDeleteOfConversation.run(conversationId);
      this.sql.updatesDeleteOfConversation.run(conversationId);
      this.sql.snapshotDelete.run(conversationId);
      this.sql.segmentsDeleteOfConversation.run(conversationId);
      this.sql.conversationDelete.run(conversationId);
    })();
  }

  async listSegments(conversationId: string): Promise<SegmentRange[]> {
    return this.sql.segmentRanges.all(conversationId);
  }

  async readSegment(conversationId: string, seq: number): Promise<DocSegmentRow | undefined> {
    const row = this.sql.segmentGet.get(conversationId, seq);
    return (
      row && {
        conversationId,
        seq,
        fromKey: row.fromKey,
        toKey: row.toKey,
        bytes: bytesOf(row.bytes),
      }
    );
  }

  async loadOutbox(): Promise<OutboxRow[]> {
    return this.sql.outboxAll.all().map((row) => {
      const { seq, value } = row as { seq: number; value: Buffer };
      return { ...(deserialize(value) as OutboxRow), seq };
    });
  }

  /** Forgets everything (the account was deleted along with core's IndexedDB database). */
  clear(): void {
    this.sqlite.exec(TABLES.map((table) => `DELETE FROM ${table};`).join('\n'));
  }

  /** A conversation's document, read when core first uses it. */
  private document(conversationId: string): StoredDocument {
    const snapshot = this.sql.snapshotGet.get(conversationId) as { snapshot: Buffer } | undefined;
    const updates = this.sql.updatesOfConversation
      .all(conversationId)
      .map(({ seq, bytes }) => ({ seq, conversationId, update: bytesOf(bytes) }) as DocUpdateRow);
    return { snapshot: snapshot ? bytesOf(snapshot.snapshot) : undefined, updates };
  }

  /** Writes the unit's rows that live here; `assignSeqs` gives added rows their keys afterwards. */
  private write(work: UnitOfWork, assignSeqs: Array<() => void>): void {
    const sql = this.sql;
    for (const row of work.docUpdates) {
      const { lastInsertRowid } = sql.updateAdd.run(row.conversationId, row.update);
      assignSeqs.push(() => (row.seq = Number(lastInsertRowid)));
    }
    for (const seq of work.deletedDocUpdates) sql.updateDelete.run(seq);
    for (const row of work.snapshots) sql.snapshotPut.run(row.conversationId, row.snapshot);
    for (const row of work.segments)
      sql.segmentPut.run(row.conversationId, row.seq, row.fromKey, row.toKey, row.bytes);
    for (const row of work.messages.values())
      sql.messagePut.run(row.id, row.conversationId, row.sentAt, serialize(row));
    for (const row of work.conversations.values())
      sql.conversationPut.run(row.id, row.updatedAt, serialize(row));
    for (const row of work.receipts) sql.receiptPut.run(row.key, row.messageId, serialize(row));
    for (const row of work.outbox) {
      const { seq: _unassigned, ...value } = row;
      const { lastInsertRowid } = sql.outboxAdd.run(serialize(value));
      assignSeqs.push(() => (row.seq = Number(lastInsertRowid)));
    }
    for (const seq of work.deletedOutbox) sql.outboxDelete.run(seq);
    for (const row of work.processed) sql.processedPut.run(row.envelopeId, row.at);
  }

  /**
   * Writes the unit's session and pending-group-message rows through IndexedDB, and the rest in
   * the SQLite transaction that persists that IndexedDB transaction.
   */
  private commitWithIndexedDb(work: UnitOfWork, write: () => void): Promise<void> {
    const names = [
      ...(work.sessions.length > 0 ? ['sessions'] : []),
      ...(work.pendingGroupMessages.length + work.deletedPendingGroupMessages.length > 0
        ? ['pendingGroupMessages']
        : []),
    ];
    const transaction = this.db.backendDB().transaction(names, 'readwrite');
    const done = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onabort = () => reject(transaction.error ?? new Error('transaction aborted'));
    });
    writeWithTransaction(transaction, write);
    try {
      if (work.sessions.length > 0) {
        const sessions = transaction.objectStore('sessions');
        for (const row of work.sessions) sessions.put(row);
      }
      if (names.includes('pendingGroupMessages')) {
        const pending = transaction.objectStore('pendingGroupMessages');
        for (const row of work.pendingGroupMessages) pending.put(row);
        for (const key of work.deletedPendingGroupMessages) pending.delete(key);
      }
    } catch (error) {
      transaction.abort();
      return done.catch(() => undefined).then(() => Promise.reject(error as Error));
    }
    return done;
  }
}

function holdsIndexedDbRows(work: UnitOfWork): boolean {
  return (
    work.sessions.length > 0 ||
    work.pendingGroupMessages.length > 0 ||
    work.deletedPendingGroupMessages.length > 0
  );
}

function rowOf<T>(row: unknown): T {
  return deserialize((row as { value: Buffer }).value) as T;
}

/** A copy in a plain Uint8Array over its own ArrayBuffer, as IndexedDB hands out bytes. */
function bytesOf(buffer: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(buffer);
}

const TABLES = [
  'core_conversations',
  'core_doc_snapshots',
  'core_doc_updates',
  'core_doc_segments',
  'core_messages',
  'core_receipts',
  'core_outbox',
  'core_processed_envelopes',
];

const SCHEMA = `
CREATE TABLE IF NOT EXISTS core_conversations (
  id TEXT PRIMARY KEY,
  updated_at INTEGER NOT NULL,
  value BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS core_doc_snapshots (
  conversation_id TEXT PRIMARY KEY,
  snapshot BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS core_doc_updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id TEXT NOT NULL,
  bytes BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS core_doc_updates_by_conversation
  ON core_doc_updates (conversation_id, seq);
CREATE TABLE IF NOT EXISTS core_doc_segments (
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  from_key REAL NOT NULL,
  to_key REAL NOT NULL,
  bytes BLOB NOT NULL,
  PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS core_messages (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  value BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS core_messages_by_conversation
  ON core_messages (conversation_id, sent_at);
CREATE TABLE IF NOT EXISTS core_receipts (
  key TEXT PRIMARY KEY,
  message_id TEXT NOT NULL,
  value BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS core_receipts_by_message ON core_receipts (message_id);
CREATE TABLE IF NOT EXISTS core_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  value BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS core_processed_envelopes (
  envelope_id TEXT PRIMARY KEY,
  at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS core_processed_envelopes_by_time ON core_processed_envelopes (at);
`;

type Statements = ReturnType<typeof prepare>;

function prepare(db: SqliteDatabase) {
  return {
    conversationsRecent: db.prepare(
      'SELECT value FROM core_conversations ORDER BY updated_at DESC',
    ),
    conversationPut: db.prepare(
      'INSERT OR REPLACE INTO core_conversations (id, updated_at, value) VALUES (?, ?, ?)',
    ),
    conversationDelete: db.prepare('DELETE FROM core_conversations WHERE id = ?'),
    snapshotGet: db.prepare('SELECT snapshot FROM core_doc_snapshots WHERE conversation_id = ?'),
    snapshotPut: db.prepare(
      'INSERT OR REPLACE INTO core_doc_snapshots (conversation_id, snapshot) VALUES (?, ?)',
    ),
    snapshotDelete: db.prepare('DELETE FROM core_doc_snapshots WHERE conversation_id = ?'),
    updatesOfConversation: db.prepare<[string], { seq: number; bytes: Buffer }>(
      'SELECT seq, bytes FROM core_doc_updates WHERE conversation_id = ? ORDER BY seq',
    ),
    updateAdd: db.prepare('INSERT INTO core_doc_updates (conversation_id, bytes) VALUES (?, ?)'),
    updateDelete: db.prepare('DELETE FROM core_doc_updates WHERE seq = ?'),
    updatesDeleteOfConversation: db.prepare(
      'DELETE FROM core_doc_updates WHERE conversation_id = ?',
    ),
    segmentRanges: db.prepare<[string], SegmentRange>(
      'SELECT seq, from_key AS fromKey, to_key AS toKey FROM core_doc_segments WHERE conversation_id = ? ORDER BY seq',
    ),
    segmentGet: db.prepare<[string, number], { fromKey: number; toKey: number; bytes: Buffer }>(
      'SELECT from_key AS fromKey, to_key AS toKey, bytes FROM core_doc_segments WHERE conversation_id = ? AND seq = ?',
    ),
    segmentPut: db.prepare(
      'INSERT OR REPLACE INTO core_doc_segments (conversation_id, seq, from_key, to_key, bytes) VALUES (?, ?, ?, ?, ?)',
    ),
    segmentsDeleteOfConversation: db.prepare(
      'DELETE FROM core_doc_segments WHERE conversation_id = ?',
    ),
    messagesNewest: db.prepare<[string, number]>(
      'SELECT value FROM core_messages WHERE conversation_id = ? ORDER BY sent_at DESC LIMIT ?',
    ),
    messagesOfConversation: db.prepare<[string]>(
      'SELECT value FROM core_messages WHERE conversation_id = ?',
    ),
    messageGet: db.prepare<[string]>('SELECT value FROM core_messages WHERE id = ?'),
    messagesAfter: db.prepare<[string, number]>(
      'SELECT value FROM core_messages WHERE id > ? ORDER BY id LIMIT ?',
    ),
    messagePut: db.prepare(
      'INSERT OR REPLACE INTO core_messages (id, conversation_id, sent_at, value) VALUES (?, ?, ?, ?)',
    ),
    messagesDeleteOfConversation: db.prepare('DELETE FROM core_messages WHERE conversation_id = ?'),
    receiptsOfMessage: db.prepare<[string]>('SELECT value FROM core_receipts WHERE message_id = ?'),
    receiptsOfConversation: db.prepare<[string]>(
      'SELECT r.value FROM core_receipts r JOIN core_messages m ON m.id = r.message_id WHERE m.conversation_id = ?',
    ),
    receiptPut: db.prepare(
      'INSERT OR REPLACE INTO core_receipts (key, message_id, value) VALUES (?, ?, ?)',
    ),
    receiptsDeleteOfConversation: db.prepare(
      'DELETE FROM core_receipts WHERE message_id IN (SELECT id FROM core_messages WHERE conversation_id = ?)',
    ),
    outboxAll: db.prepare('SELECT seq, value FROM core_outbox ORDER BY seq'),
    outboxAdd: db.prepare('INSERT INTO core_outbox (value) VALUES (?)'),
    outboxDelete: db.prepare('DELETE FROM core_outbox WHERE seq = ?'),
    processedGet: db.prepare('SELECT 1 FROM core_processed_envelopes WHERE envelope_id = ?'),
    processedPut: db.prepare(
      'INSERT OR REPLACE INTO core_processed_envelopes (envelope_id, at) VALUES (?, ?)',
    ),
    processedForget: db.prepare('DELETE FROM core_processed_envelopes WHERE at < ?'),
  };
}
