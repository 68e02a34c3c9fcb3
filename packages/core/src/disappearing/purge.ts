import type { ConversationModel, Conversations } from '../conversations/conversations.js';
import type { Media } from '../media/media.js';
import type { MessageSearch } from '../search/message-search.js';
import type { MessageRow, ParleyDatabase } from '../store/database.js';
import { UnitOfWork } from '../store/unit-of-work.js';

export interface PurgeDeps {
  conversations: Pick<
    Conversations,
    'stage' | 'dropRows' | 'compactIfNeeded' | 'touchView' | 'purgeSealed'
  >;
  commit(work: UnitOfWork): Promise<void>;
  db: Pick<ParleyDatabase, 'messages'>;
  search: Pick<MessageSearch, 'apply'>;
  media: Pick<Media, 'forget'>;
}

/**
 * Removes messages from this device, leaving nothing to read back: their document entries (a
 * local Yjs delete, stored but never sent: every device runs its own timers), their projection
 * rows, their search index entries and their cached files; then compacts the document so the
 * stored snapshot and update log no longer hold their text or keys. `keep` rows replace the
 * purged ones (an opened view-once message stays as an "Opened" line). Returns the purged rows.
 */
export async function purgeMessages(
  deps: PurgeDeps,
  model: ConversationModel,
  ids: ReadonlySet<string>,
  keep: readonly MessageRow[] = [],
): Promise<MessageRow[]> {
  const purged = [...ids].flatMap((id) => {
    const row = model.rows.get(id);
    return row ? [row] : [];
  });
  const work = new UnitOfWork();
  // Sealed ones leave their segments at the compaction below (history/).
  deps.conversations.purgeSealed(model, ids);
  deps.conversations.stage(work, model, (doc) => doc.purgeMessages(ids));
  // The summary (unread count, preview) changes in the same unit of work.
  deps.conversations.dropRows(work, model, ids, keep);
  await deps.commit(work);
  const kept = new Set(keep.map((row) => row.id));
  const gone = [...ids].filter((id) => !kept.has(id));
  // A crash here leaves rows the schedule deletes again at the next start.
  await deps.db.messages.bulkDelete(gone);
  await deps.search.apply({ remove: [...ids] });
  for (const row of purged)
    for (const pointer of row.attachments ?? []) await deps.media.forget(pointer);
  await deps.conversations.compactIfNeeded(model, true);
  deps.conversations.touchView(model.row.id);
  return purged;
}
