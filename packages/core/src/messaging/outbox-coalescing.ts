import * as Y from 'yjs';
import type { OutboxRow, ParleyDatabase } from '../store/database.js';
import { crdtUpdateContent, decodeContent } from './contents.js';

/** Upper bound for one merged document update (the relay caps a ciphertext at 256 KiB). */
export const MAX_MERGED_UPDATE_BYTES = 128 * 1024;

/**
 * Merges consecutive outbox rows that carry document updates of the same conversation to the same
 * recipients into one row: one Yjs update (Y.mergeUpdates), one envelope per device instead of
 * dozens. Under load this turns a burst of messages into a few sends, and the receiver applies one
 * update in order instead of many that may arrive reordered.
 *
 * The merged row replaces its sources in one transaction and gets its own idempotency key. A
 * source row the relay had already stored (its answer lost) is then delivered twice; that is
 * harmless, because applying a Yjs update again changes nothing.
 */
export async function coalesceOutbox(db: ParleyDatabase, page: OutboxRow[]): Promise<OutboxRow[]> {
  const groups: Array<{
    rows: OutboxRow[];
    conversationId?: string;
    updates: Uint8Array[];
    bytes: number;
  }> = [];
  for (const row of page) {
    const update = documentUpdateOf(row);
    const last = groups.at(-1);
    if (
      update &&
      last?.conversationId === update.conversationId &&
      sameAudience(last.rows[0] as OutboxRow, row) &&
      last.bytes + update.update.length <= MAX_MERGED_UPDATE_BYTES
    ) {
      last.rows.push(row);
      last.updates.push(update.update);
      last.bytes += update.update.length;
      continue;
    }
    groups.push({
      rows: [row],
      ...(update ? { conversationId: update.conversationId } : {}),
      updates: update ? [update.update] : [],
      bytes: update?.update.length ?? 0,
    });
  }
  const result: OutboxRow[] = [];
  for (const group of groups) {
    const first = group.rows[0] as OutboxRow;
    if (group.rows.length === 1 || group.conversationId === undefined) {
      result.push(...group.rows);
      continue;
    }
    const merged: OutboxRow = {
      idempotencyKey: crypto.randomUUID(),
      content: crdtUpdateContent(group.conversationId, Y.mergeUpdates(group.updates)),
      recipientAccountIds: first.recipientAccountIds,
      ownDevices: first.ownDevices,
      messageIds: group.rows.flatMap((row) => row.messageIds),
      createdAt: first.createdAt,
    };
    await db.transaction('rw', db.outbox, async () => {
      await db.outbox.bulkDelete(group.rows.map((row) => row.seq as number));
      merged.seq = await db.outbox.add(merged);
    });
    result.push(merged);
  }
  return result;
}

function documentUpdateOf(
  row: OutboxRow,
): { conversationId: string; update: Uint8Array } | undefined {
  try {
    const body = decodeContent(row.content).body;
    return body.case === 'crdtUpdate' ? body.value : undefined;
  } catch {
    return undefined;
  }
}

function sameAudience(a: OutboxRow, b: OutboxRow): boolean {
  return (
    a.ownDevices === b.ownDevices &&
    a.recipientAccountIds.length === b.recipientAccountIds.length &&
    a.recipientAccountIds.every((id, i) => b.recipientAccountIds[i] === id)
  );
}
