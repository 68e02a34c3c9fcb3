import type { MessageRow, ReceiptRow, StoredMessageStatus } from '../store/database.js';

export const STATUS_RANK: Record<StoredMessageStatus, number> = {
  pending: 0,
  sent: 1,
  delivered: 2,
  read: 3,
};

/**
 * The statuses receipts reported for messages, kept even before the message itself arrives (or
 * its chat's rows are read), so a projected or read row starts at the status it reached.
 */
export class ReceiptStatus {
  private readonly known = new Map<string, StoredMessageStatus>();

  /** `status`, or the higher one a receipt already reported for the message. */
  with(messageId: string, status: StoredMessageStatus): StoredMessageStatus {
    const known = this.known.get(messageId);
    return known && STATUS_RANK[known] > STATUS_RANK[status] ? known : status;
  }

  note(messageId: string, status: StoredMessageStatus): void {
    const known = this.known.get(messageId);
    if (!known || STATUS_RANK[status] > STATUS_RANK[known]) this.known.set(messageId, status);
  }

  /** Stored receipts, read with their messages. */
  noteStored(receipts: readonly ReceiptRow[]): void {
    // A group member's receipt is that member's only; the message's status row records the rest.
    for (const receipt of receipts) if (!receipt.group) this.note(receipt.messageId, receipt.kind);
  }

  /**
   * A stored row's status is where it started; later statuses are recorded by the writes that
   * cause them rather than by rewriting the (indexed) message row each time
   * (docs/decisions/0370): 'sent' by the deletion of the last outbox row naming the message (it
   * is deleted when the relay acknowledges it, in the same transaction as before), 'delivered'
   * and 'read' by the receipt rows.
   */
  derived(row: MessageRow, unsent: ReadonlySet<string>): MessageRow {
    const sent = row.status === 'pending' && !unsent.has(row.id);
    const status = this.with(row.id, sent ? 'sent' : row.status);
    return status === row.status ? row : { ...row, status };
  }
}
