import type { MessageEntry } from '../conversations/conversation-doc.js';
import type { ConversationModel } from '../conversations/conversations.js';
import type { SegmentRepository } from '../store/repositories.js';
import { decodeSegment } from './segment-codec.js';

/**
 * Reads the newest segment of the conversation not read yet into its timeline (a scroll past
 * the oldest entry shown, a search hit further back); false when every segment is read.
 * Conversations.readOlder shares one read among concurrent callers.
 */
export async function readNextSegment(
  store: SegmentRepository,
  model: ConversationModel,
): Promise<boolean> {
  const history = model.history;
  if (!history.listed) history.list(await store.listSegments(model.row.id));
  const seq = history.nextToRead;
  if (seq === undefined) return false;
  const row = history.uncommitted.get(seq) ?? (await store.readSegment(model.row.id, seq));
  const entries = row ? decodeSegment(row.bytes).filter((entry) => stillShown(model, entry)) : [];
  history.prepend(seq, entries);
  return true;
}

/**
 * A sealed message whose projection row is gone (expired) or a tombstone (deleted for everyone)
 * is not shown from its segment, even before a compaction purged it from there.
 */
function stillShown(model: ConversationModel, entry: MessageEntry): boolean {
  if (model.history.purges.has(entry.id)) return false;
  if (entry.kind !== 'text') return true;
  const row = model.rows.get(entry.id);
  return row !== undefined && !row.deleted;
}
