import type { MessageEntry } from '../conversations/conversation-doc.js';
import type { ConversationModel } from '../conversations/conversations.js';
import type { SegmentRepository } from '../store/repositories.js';

/**
 * Reads the newest segment of the conversation not read yet into its timeline (a scroll past
 * the oldest entry shown, a search hit further back). Resolves false when every segment is read.
 * Concurrent calls share one read.
 */
export function readOlderSegment(
  store: SegmentRepository,
  model: ConversationModel,
): Promise<boolean> {
  const history = model.history;
  history.reading ??= readNext(store, model).finally(() => {
    history.reading = undefined;
  });
  return history.reading;
}

async function readNext(store: SegmentRepository, model: ConversationModel): Promise<boolean> {
  const history = model.history;
  if (!history.listed) history.list(await store.listSegments(model.row.id));
  const seq = history.nextToRead;
  if (seq === undefined) return false;
  const row = history.uncommitted.get(seq) ?? (await store.readSegment(model.row.id, seq));
  const { decodeSegment } = await import('./segment-codec.js');
  const entries = row ? decodeSegment(row.bytes).filter((entry) => stillShown(model, entry)) : [];
  history.prepend(seq, entries);
  return true;
}

/** Segments' bytes decoded (an imported history archive's), with the codec loaded on demand. */
export async function decodeSegments(segments: readonly Uint8Array[]): Promise<MessageEntry[][]> {
  if (segments.length === 0) return [];
  const { decodeSegment } = await import('./segment-codec.js');
  return segments.map((bytes) => decodeSegment(bytes));
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
