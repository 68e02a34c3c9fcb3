import type {
  ConversationRow,
  DocSegmentRow,
  DocSnapshotRow,
  DocUpdateRow,
  MessageRow,
  OutboxRow,
  ProcessedEnvelopeRow,
  ReceiptRow,
  SegmentRange,
  SessionRow,
} from './database.js';
import type { ConversationRows, CoreStore, FirstScreen, StoredDocument } from './repositories.js';
import { documentsFrom } from './stored-documents.js';
import type { Durability, UnitOfWork } from './unit-of-work.js';

/**
 * CoreStore in memory, for unit tests: the same tables and the same all-or-nothing commit as the
 * IndexedDB store (dexie-store.ts), with seqs assigned as IndexedDB's auto-increment does. Tables
 * are public so tests can read what was committed; `failNextCommit` makes one commit throw
 * before anything is written (a lost transaction).
 */
export class MemoryStore implements CoreStore {
  readonly conversations = new Map<string, ConversationRow>();
  readonly snapshots = new Map<string, DocSnapshotRow>();
  readonly docUpdates = new Map<number, DocUpdateRow>();
  /** Sealed segments by `${conversationId} ${seq}`. */
  readonly segments = new Map<string, DocSegmentRow>();
  readonly messages = new Map<string, MessageRow>();
  readonly receipts = new Map<string, ReceiptRow>();
  readonly outbox = new Map<number, OutboxRow>();
  readonly processedEnvelopes = new Map<string, ProcessedEnvelopeRow>();
  readonly sessions = new Map<string, SessionRow>();
  /** Units of work committed, in order. */
  readonly commits: UnitOfWork[] = [];
  failNextCommit: Error | undefined;
  private nextSeq = 1;
  private readonly listeners = new Set<(work: UnitOfWork) => void>();

  async commit(work: UnitOfWork, _durability: Durability = 'strict'): Promise<void> {
    if (work.isEmpty) return;
    const failure = this.failNextCommit;
    if (failure) {
      this.failNextCommit = undefined;
      throw failure;
    }
    // IndexedDB clones values on write: so does this store, so later mutations do not leak in.
    for (const row of work.docUpdates) {
      row.seq = this.nextSeq++;
      this.docUpdates.set(row.seq, structuredClone(row));
    }
    for (const seq of work.deletedDocUpdates) this.docUpdates.delete(seq);
    for (const row of work.snapshots) this.snapshots.set(row.conversationId, structuredClone(row));
    for (const row of work.segments)
      this.segments.set(segmentKey(row.conversationId, row.seq), structuredClone(row));
    for (const [id, row] of work.messages) this.messages.set(id, structuredClone(row));
    for (const [id, row] of work.conversations) this.conversations.set(id, structuredClone(row));
    for (const row of work.receipts) this.receipts.set(row.key, structuredClone(row));
    for (const row of work.outbox) {
      row.seq = this.nextSeq++;
      this.outbox.set(row.seq, structuredClone(row));
    }
    for (const seq of work.deletedOutbox) this.outbox.delete(seq);
    for (const row of work.processed) this.processedEnvelopes.set(row.envelopeId, { ...row });
    for (const row of work.sessions) this.sessions.set(row.address, structuredClone(row));
    this.commits.push(work);
    for (const listener of this.listeners) listener(work);
  }

  onCommitted(listener: (work: UnitOfWork) => void): void {
    this.listeners.add(listener);
  }

  async processedAmong(envelopeIds: readonly string[]): Promise<Set<string>> {
    return new Set(envelopeIds.filter((id) => this.processedEnvelopes.has(id)));
  }

  async forgetProcessedBefore(at: number): Promise<void> {
    for (const [id, row] of this.processedEnvelopes)
      if (row.at < at) this.processedEnvelopes.delete(id);
  }

  async loadFirstScreen(chats: number, perChat: number): Promise<FirstScreen> {
    const conversations = [...this.conversations.values()].sort(
      (a, b) => b.updatedAt - a.updatedAt,
    );
    const messages = conversations.slice(0, chats).flatMap((conversation) =>
      [...this.messages.values()]
        .filter((row) => row.conversationId === conversation.id)
        .sort((a, b) => b.sentAt - a.sentAt)
        .slice(0, perChat),
    );
    const ids = new Set(messages.map((row) => row.id));
    const receipts = [...this.receipts.values()].filter((row) => ids.has(row.messageId));
    return structuredClone({ conversations, messages, receipts });
  }

  async loadConversationRows(conversationIds: readonly string[]): Promise<ConversationRows> {
    const ids = new Set(conversationIds);
    const messages = [...this.messages.values()].filter((row) => ids.has(row.conversationId));
    const held = new Set(messages.map((row) => row.id));
    const receipts = [...this.receipts.values()].filter((row) => held.has(row.messageId));
    return structuredClone({ messages, receipts });
  }

  async loadMessages(messageIds: readonly string[]): Promise<MessageRow[]> {
    return structuredClone(messageIds.flatMap((id) => this.messages.get(id) ?? []));
  }

  async messagesAfter(afterId: string | undefined, limit: number): Promise<MessageRow[]> {
    const ids = [...this.messages.keys()]
      .filter((id) => afterId === undefined || id > afterId)
      .sort()
      .slice(0, limit);
    return structuredClone(ids.map((id) => this.messages.get(id) as MessageRow));
  }

  async loadDocuments(
    conversationIds: readonly string[],
  ): Promise<(conversationId: string) => StoredDocument> {
    const ids = new Set(conversationIds);
    const { snapshots, updates } = structuredClone({
      snapshots: [...this.snapshots.values()].filter((row) => ids.has(row.conversationId)),
      updates: [...this.docUpdates.values()]
        .filter((row) => ids.has(row.conversationId))
        .sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0)),
    });
    return documentsFrom(snapshots, updates);
  }

  async listSegments(conversationId: string): Promise<SegmentRange[]> {
    return [...this.segments.values()]
      .filter((row) => row.conversationId === conversationId)
      .sort((a, b) => a.seq - b.seq)
      .map(({ seq, fromKey, toKey }) => ({ seq, fromKey, toKey }));
  }

  async readSegment(conversationId: string, seq: number): Promise<DocSegmentRow | undefined> {
    const row = this.segments.get(segmentKey(conversationId, seq));
    return row && structuredClone(row);
  }

  async deleteConversation(conversationId: string): Promise<void> {
    for (const [id, row] of this.messages) {
      if (row.conversationId !== conversationId) continue;
      this.messages.delete(id);
      for (const [key, receipt] of this.receipts)
        if (receipt.messageId === id) this.receipts.delete(key);
    }
    for (const [seq, row] of this.docUpdates)
      if (row.conversationId === conversationId) this.docUpdates.delete(seq);
    this.snapshots.delete(conversationId);
    for (const [key, row] of this.segments)
      if (row.conversationId === conversationId) this.segments.delete(key);
    this.conversations.delete(conversationId);
  }

  async loadOutbox(): Promise<OutboxRow[]> {
    return structuredClone([...this.outbox.values()].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0)));
  }
}

function segmentKey(conversationId: string, seq: number): string {
  return `${conversationId} ${seq}`;
}
