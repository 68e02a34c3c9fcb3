/**
 * Delivered and read receipts per member of a group (docs/decisions/0610-group-messaging.md).
 * An outgoing group message is 'delivered' once any member device has it and 'read' only once
 * every current member (other than this account) has read it; the message-info view lists who
 * has it and when.
 */
import type { ReceiptRow } from '../store/database.js';

export interface MemberReceipt {
  accountId: string;
  /** The first device of the member that reported it. */
  deviceId: number;
  at: number;
}

export interface MessageReceipts {
  delivered: MemberReceipt[];
  read: MemberReceipt[];
}

export class MemberReceipts {
  /** message id -> kind -> account id -> receipt. */
  private readonly byMessage = new Map<
    string,
    Map<'delivered' | 'read', Map<string, MemberReceipt>>
  >();

  /** Records a receipt; returns false when that member had already reported that kind. */
  note(row: ReceiptRow): boolean {
    let kinds = this.byMessage.get(row.messageId);
    if (!kinds) this.byMessage.set(row.messageId, (kinds = new Map()));
    let members = kinds.get(row.kind);
    if (!members) kinds.set(row.kind, (members = new Map()));
    if (members.has(row.accountId)) return false;
    members.set(row.accountId, {
      accountId: row.accountId,
      deviceId: row.deviceId ?? 0,
      at: row.at ?? 0,
    });
    // Read implies delivered: a member who read it has it.
    if (row.kind === 'read') this.note({ ...row, kind: 'delivered' });
    return true;
  }

  of(messageId: string): MessageReceipts {
    const kinds = this.byMessage.get(messageId);
    const list = (kind: 'delivered' | 'read') =>
      [...(kinds?.get(kind)?.values() ?? [])].sort((a, b) => a.at - b.at);
    return { delivered: list('delivered'), read: list('read') };
  }

  /** Whether every account of `members` has reported `kind` for the message. */
  allReported(messageId: string, kind: 'delivered' | 'read', members: readonly string[]): boolean {
    const reported = this.byMessage.get(messageId)?.get(kind);
    return members.every((id) => reported?.has(id) ?? false);
  }
}
