import type {
  ConversationRow,
  DocSegmentRow,
  DocSnapshotRow,
  DocUpdateRow,
  MessageRow,
  OutboxRow,
  ReceiptRow,
  SegmentRange,
} from './database.js';
import type { Durability, UnitOfWork } from './unit-of-work.js';

/**
 * The storage core's messaging code sees (docs/decisions/0310): interfaces here, the IndexedDB
 * implementation in dexie-store.ts and an in-memory one in memory-store.ts (tests), as libsignal
 * keeps storage/traits.rs beside storage/inmem.rs. Inbox, content handling and conversations
 * never know where bytes live. libsignal's own store interfaces (sessions, identities, prekeys)
 * are implemented by SignalStores.
 */

/** Where units of work become durable: all of one or nothing of it. */
export interface UnitOfWorkStore {
  /** Resolves once `work` is durable; `relaxed` only for writes whose loss is harmless. */
  commit(work: UnitOfWork, durability?: Durability): Promise<void>;
  /** Calls `listener` after every unit of work committed here (in-memory mirrors). */
  onCommitted(listener: (work: UnitOfWork) => void): void;
}

/** Relay envelopes already applied (written through UnitOfWork.processed). */
export interface ProcessedEnvelopeRepository {
  /** Which of `envelopeIds` were applied before. */
  processedAmong(envelopeIds: readonly string[]): Promise<Set<string>>;
  /** Forgets envelopes applied before `at` (ms), past the relay's retention. */
  forgetProcessedBefore(at: number): Promise<void>;
}

/** A conversation's stored Yjs document: its snapshot and the update log since. */
export interface StoredDocument {
  snapshot: DocSnapshotRow['snapshot'] | undefined;
  /** In seq order. */
  updates: DocUpdateRow[];
}

/**
 * What the chat list's first screen needs (docs/decisions/0820): every conversation row (one per
 * chat: small), most recently active first (by `updatedAt`), and for the first `chats` of them
 * their newest `perChat` projection rows (by `sentAt`) with the receipts of those rows. Read
 * before everything else at start, without reading the projection or the documents whole.
 */
export interface FirstScreen {
  conversations: ConversationRow[];
  messages: MessageRow[];
  receipts: ReceiptRow[];
}

/** Some conversations' projection rows with their receipts, read when those chats are first used. */
export interface ConversationRows {
  messages: MessageRow[];
  receipts: ReceiptRow[];
}

/** Conversation documents (snapshot + update log) and the message projection. */
export interface ConversationRepository {
  loadFirstScreen(chats: number, perChat: number): Promise<FirstScreen>;
  /**
   * Every projection row of `conversationIds` and those rows' receipts (docs/decisions/0821): a
   * chat's rows are read when it is first used, never all at start.
   */
  loadConversationRows(conversationIds: readonly string[]): Promise<ConversationRows>;
  /**
   * The projection rows of those of `messageIds` this device holds, as stored (statuses not
   * derived): a receipt's chat, a search hit in a chat not read yet.
   */
  loadMessages(messageIds: readonly string[]): Promise<MessageRow[]>;
  /**
   * Up to `limit` projection rows after message id `afterId` (from the first without it), in id
   * order: a reader of every row (the search catch-up) pages through them by primary key.
   */
  messagesAfter(afterId: string | undefined, limit: number): Promise<MessageRow[]>;
  /**
   * The documents of `conversationIds` (the first screen's groups, whose titles live in them):
   * read once per conversation, when it is first used (synchronously: an implementation either
   * read them here or reads on demand from a synchronous database).
   */
  loadDocuments(
    conversationIds: readonly string[],
  ): Promise<(conversationId: string) => StoredDocument>;
  /** Deletes the conversation with its document (segments too), messages and their receipts, in one transaction. */
  deleteConversation(conversationId: string): Promise<void>;
}

/** Sealed history segments (history/; written through UnitOfWork.segments). */
export interface SegmentRepository {
  /** The ranges of a conversation's segments, by seq, without reading their bytes. */
  listSegments(conversationId: string): Promise<SegmentRange[]>;
  readSegment(conversationId: string, seq: number): Promise<DocSegmentRow | undefined>;
}

/** The durable outbox (written through UnitOfWork.outbox and deletedOutbox). */
export interface OutboxRepository {
  /** In seq order. */
  loadOutbox(): Promise<OutboxRow[]>;
}

/** Everything above, as one device's store. */
export interface CoreStore
  extends
    UnitOfWorkStore,
    ProcessedEnvelopeRepository,
    ConversationRepository,
    SegmentRepository,
    OutboxRepository {}
