/**
 * Group messages this device could not decrypt yet, because it misses the sender's key
 * (docs/decisions/0610-group-messaging.md, "Placeholders"). Each is kept in IndexedDB with its
 * ciphertext, shown in its conversation as a placeholder from its sender at the time the relay
 * took it, and goes away when the message itself arrives: decrypted again once the sender's key
 * does, or brought by the sending device's answer to this device's state-repair request (which
 * holds everything that device sent before answering). A placeholder is no message: it has no
 * id in the document, so it counts for neither unread counts nor receipts.
 *
 * Held in memory per chat: a chat's kept messages are read with its rows (Conversations.ensure,
 * by the table's conversationId index), never all at start (docs/decisions/0821). Every use names
 * its chat, read first: a placeholder shown, a sender key or a state-repair answer for the group
 * (the content handler reads the chat a content names).
 */
import type { PendingGroupMessageRow } from '../store/database.js';
import type { UnitOfWork } from '../store/unit-of-work.js';

export class PendingGroupMessages {
  private readonly byKey = new Map<string, PendingGroupMessageRow>();
  /** Dropped this session: a read racing the drop's commit must not bring them back. */
  private readonly dropped = new Set<string>();

  constructor(
    private readonly changed: (conversationId: string) => void,
    private readonly stored: (
      conversationIds: readonly string[],
    ) => Promise<readonly PendingGroupMessageRow[]>,
  ) {}

  /** Reads the kept messages of chats whose rows are being read (Conversations' readAlong). */
  async read(conversationIds: readonly string[]): Promise<void> {
    for (const row of await this.stored(conversationIds))
      if (!this.dropped.has(row.key)) this.byKey.set(row.key, row);
  }

  keep(work: UnitOfWork, row: PendingGroupMessageRow): void {
    work.pendingGroupMessages.push(row);
    this.byKey.set(row.key, row);
    this.changed(row.conversationId);
  }

  drop(work: UnitOfWork, row: PendingGroupMessageRow): void {
    work.deletedPendingGroupMessages.push(row.key);
    this.byKey.delete(row.key);
    this.dropped.add(row.key);
    this.changed(row.conversationId);
  }

  /** The kept messages of one sending device in one conversation (read: ensure). */
  fromDevice(
    accountId: string,
    deviceId: number,
    conversationId: string,
  ): PendingGroupMessageRow[] {
    return [...this.byKey.values()].filter(
      (row) =>
        row.senderId === accountId &&
        row.senderDeviceId === deviceId &&
        row.conversationId === conversationId,
    );
  }

  /** A conversation's placeholders, oldest first. */
  of(conversationId: string): PendingGroupMessageRow[] {
    return [...this.byKey.values()]
      .filter((row) => row.conversationId === conversationId)
      .sort((a, b) => a.receivedAt - b.receivedAt);
  }
}
