import { newClientId, Receipt_Kind } from '@parley/protocol';
import * as Y from 'yjs';
import type { OutboxRow } from '../store/database.js';
import type { UnitOfWork } from '../store/unit-of-work.js';
import { crdtUpdateContent, decodeContent, receiptContent } from './contents.js';

/** Upper bound for one merged row's payload (the relay caps a ciphertext at 256 KiB). */
export const MAX_MERGED_UPDATE_BYTES = 128 * 1024;

/** What of a row can be merged with its neighbours: a document update or a receipt. */
type Part =
  | { kind: 'update'; conversationId: string; update: Uint8Array }
  | {
      kind: 'receipt';
      conversationId: string;
      status: 'delivered' | 'read';
      messageIds: string[];
    };

/** A merged row and the outbox rows (by seq) it replaces. */
export interface Merge {
  merged: OutboxRow;
  sources: number[];
}

/**
 * Merges consecutive outbox rows of one kind, one conversation and one audience into one row:
 * document updates into one Yjs update (Y.mergeUpdates), receipts of one status into one receipt
 * naming all their messages. One envelope per device instead of dozens: under load this turns a
 * burst of messages (or of the receipts a busy receiver owes) into a few sends, and the receiver
 * applies one update in order instead of many that may arrive reordered.
 *
 * Returns the rows to send (merged rows have no seq yet) and the merges; stageMerges() must
 * replace the sources in the outbox before anything made from a merged row is sent. A merged row
 * has its own idempotency key; a source row the relay had already stored (its answer lost) is
 * then delivered twice, which is harmless, because applying a Yjs update or a receipt again
 * changes nothing.
 */
export function coalesceOutbox(page: OutboxRow[]): { rows: OutboxRow[]; merges: Merge[] } {
  // Nothing to merge (the usual group commit: one row per conversation): skip decoding it.
  if (page.length < 2) return { rows: page, merges: [] };
  const groups: Array<{ rows: OutboxRow[]; parts: Part[]; key?: string; bytes: number }> = [];
  for (const row of page) {
    const part = partOf(row);
    const key = part && groupKey(part);
    const bytes = part ? sizeOf(part) : 0;
    const last = groups.at(-1);
    if (
      key !== undefined &&
      last?.key === key &&
      sameAudience(last.rows[0] as OutboxRow, row) &&
      last.bytes + bytes <= MAX_MERGED_UPDATE_BYTES
    ) {
      last.rows.push(row);
      last.parts.push(part as Part);
      last.bytes += bytes;
      continue;
    }
    groups.push({ rows: [row], parts: part ? [part] : [], ...(key ? { key } : {}), bytes });
  }
  const rows: OutboxRow[] = [];
  const merges: Merge[] = [];
  for (const group of groups) {
    const first = group.rows[0] as OutboxRow;
    if (group.rows.length === 1 || group.key === undefined) {
      rows.push(...group.rows);
      continue;
    }
    const merged: OutboxRow = {
      idempotencyKey: newClientId(), // time-ordered: the relay's index stays compact (0156)
      content: mergeParts(group.parts),
      recipientAccountIds: first.recipientAccountIds,
      ownDevices: first.ownDevices,
      messageIds: group.rows.flatMap((row) => row.messageIds),
      createdAt: first.createdAt,
      ...(first.groupId ? { groupId: first.groupId } : {}),
    };
    merges.push({ merged, sources: group.rows.map((row) => row.seq as number) });
    rows.push(merged);
  }
  return { rows, merges };
}

/** Stages the replacement of merged rows' sources in the outbox; the commit sets their seqs. */
export function stageMerges(work: UnitOfWork, merges: Merge[]): void {
  for (const { merged, sources } of merges) {
    work.outbox.push(merged);
    work.deletedOutbox.push(...sources);
  }
}

function partOf(row: OutboxRow): Part | undefined {
  // A row with a time to live keeps its own send: merged, its expiry would reach other content.
  if (row.ttlSeconds !== undefined) return undefined;
  let body;
  try {
    body = decodeContent(row.content).body;
  } catch {
    return undefined;
  }
  if (body.case === 'crdtUpdate') return { kind: 'update', ...body.value };
  if (body.case !== 'receipt') return undefined;
  const { kind, conversationId, messageIds } = body.value;
  if (kind === Receipt_Kind.DELIVERED)
    return { kind: 'receipt', conversationId, status: 'delivered', messageIds };
  if (kind === Receipt_Kind.READ)
    return { kind: 'receipt', conversationId, status: 'read', messageIds };
  return undefined;
}

function groupKey(part: Part): string {
  return part.kind === 'update'
    ? `update/${part.conversationId}`
    : `receipt/${part.status}/${part.conversationId}`;
}

function sizeOf(part: Part): number {
  return part.kind === 'update'
    ? part.update.length
    : part.messageIds.reduce((sum, id) => sum + id.length + 2, 0);
}

/** Parts of one group (same kind, conversation and receipt status) as one Content. */
function mergeParts(parts: Part[]): Uint8Array<ArrayBuffer> {
  const first = parts[0] as Part;
  if (first.kind === 'update') {
    const updates = parts.map((part) => (part.kind === 'update' ? part.update : new Uint8Array()));
    return crdtUpdateContent(first.conversationId, Y.mergeUpdates(updates));
  }
  const ids = new Set(parts.flatMap((part) => (part.kind === 'receipt' ? part.messageIds : [])));
  return receiptContent(first.status, first.conversationId, [...ids]);
}

function sameAudience(a: OutboxRow, b: OutboxRow): boolean {
  return (
    a.ownDevices === b.ownDevices &&
    a.groupId === b.groupId &&
    a.recipientAccountIds.length === b.recipientAccountIds.length &&
    a.recipientAccountIds.every((id, i) => b.recipientAccountIds[i] === id)
  );
}
