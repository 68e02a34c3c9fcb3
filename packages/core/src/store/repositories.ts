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
 * What start-up reads: every conversation row, the message projection and the receipts. The
 * documents are read when a conversation is first used (docs/decisions/0810): `document` is
 * called then, once per conversation, synchronously (an implementation either read them along
 * with the rest or reads on demand from a synchronous database).
 */
export interface StoredConversations {
  conversations: ConversationRow[];
  messages: MessageRow[];
  receipts: ReceiptRow[];
  document(conversationId: string): StoredDocument;
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

/** Conversation documents (snapshot + update log) and the message projection. */
export interface ConversationRepository {
  loadFirstScreen(chats: number, perChat: number): Promise<FirstScreen>;
  /**
   * The documents of `conversationIds` (the first screen's groups, whose titles live in them):
   * a reader as StoredConversations.document, for those ids.
   */
  loadDocuments(
    conversationIds: readonly string[],
  ): Promise<(conversationId: string) => StoredDocument>;
  loadConversations(): Promise<StoredConversations>;
  /** Every receipt row (group member receipts are folded by groups/ at start). */
  loadReceipts(): Promise<ReceiptRow[]>;
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
