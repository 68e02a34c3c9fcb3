import type {
  ConversationRow,
  DocSnapshotRow,
  DocUpdateRow,
  MessageRow,
  OutboxRow,
  ReceiptRow,
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

/** Every table a conversation's document and projection are rebuilt from. */
export interface StoredConversations {
  conversations: ConversationRow[];
  snapshots: DocSnapshotRow[];
  /** In seq order. */
  updates: DocUpdateRow[];
  messages: MessageRow[];
  receipts: ReceiptRow[];
}

/** Conversation documents (snapshot + update log) and the message projection. */
export interface ConversationRepository {
  loadConversations(): Promise<StoredConversations>;
  /** Deletes the conversation with its document, messages and their receipts, in one transaction. */
  deleteConversation(conversationId: string): Promise<void>;
}

/** The durable outbox (written through UnitOfWork.outbox and deletedOutbox). */
export interface OutboxRepository {
  /** In seq order. */
  loadOutbox(): Promise<OutboxRow[]>;
}

/** Everything above, as one device's store. */
export interface CoreStore
  extends UnitOfWorkStore, ProcessedEnvelopeRepository, ConversationRepository, OutboxRepository {}
