import {
  messageRow,
  type Conversations,
  type ConversationModel,
} from '../conversations/conversations.js';
import type { UnitOfWork } from '../store/unit-of-work.js';
import { decodeSegment } from './segment-codec.js';
import { rangeOf } from './sealed-history.js';

/**
 * Sealed segments in the history archive of a newly linked device (decision 0350; 0820, "Sealed
 * segments"). The archive carries each conversation's document (its sealed entries deleted) and
 * its segments' bytes as they are stored, so the new device holds the same history in the same
 * shape. Loaded only while linking.
 */

/** The bytes of the conversation's sealed segments, oldest first. */
export async function sealedSegments(
  conversations: Conversations,
  model: ConversationModel,
): Promise<Uint8Array[]> {
  const { history } = model;
  const { store } = conversations;
  if (!history.listed) history.list(await store.listSegments(model.row.id));
  const rows = await Promise.all(
    history
      .rangesHolding(undefined)
      .map(
        async ({ seq }) =>
          history.uncommitted.get(seq) ?? (await store.readSegment(model.row.id, seq)),
      ),
  );
  return rows.flatMap((row) => (row ? [row.bytes] : []));
}

/**
 * Stores an imported conversation's segments after any this device holds, and projects their
 * messages (lists and search read the projection), staged on `work`. Imported history is not
 * announced: no notification, no receipt.
 */
export function importSealed(
  conversations: Conversations,
  work: UnitOfWork,
  model: ConversationModel,
  segments: readonly Uint8Array[],
  selfAccountId: string,
): void {
  // A new device (the only one importing) has sealed nothing of its own yet.
  let seq = model.history.listed ? model.history.nextSeq : 0;
  for (const bytes of segments) {
    const entries = decodeSegment(bytes);
    if (entries.length === 0) continue;
    const range = { seq: seq++, ...rangeOf(entries) };
    work.segments.push({
      conversationId: model.row.id,
      ...range,
      bytes: bytes as Uint8Array<ArrayBuffer>,
    });
    model.history.imported(range);
    const rows = entries
      .filter((entry) => entry.kind === 'text')
      .map((entry) => {
        const outgoing = entry.senderId === selfAccountId;
        return messageRow(entry, model.row.id, outgoing, outgoing ? 'sent' : 'delivered');
      });
    conversations.adoptRows(work, model, rows);
  }
}
