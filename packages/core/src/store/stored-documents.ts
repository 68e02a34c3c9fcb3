import type { DocSnapshotRow, DocUpdateRow } from './database.js';
import type { StoredDocument } from './repositories.js';

/**
 * The `document` reader of stores that read every snapshot and update at start (IndexedDB is
 * asynchronous, so it cannot be asked later from inside a synchronous read): the rows grouped by
 * conversation, each group handed out once and then forgotten.
 */
export function documentsFrom(
  snapshots: readonly DocSnapshotRow[],
  updates: readonly DocUpdateRow[],
): (conversationId: string) => StoredDocument {
  const documents = new Map<string, StoredDocument>();
  const of = (id: string): StoredDocument => {
    let document = documents.get(id);
    if (!document) documents.set(id, (document = { snapshot: undefined, updates: [] }));
    return document;
  };
  for (const row of snapshots) of(row.conversationId).snapshot = row.snapshot;
  for (const row of updates) of(row.conversationId).updates.push(row);
  return (conversationId) => {
    const document = documents.get(conversationId) ?? { snapshot: undefined, updates: [] };
    documents.delete(conversationId);
    return document;
  };
}
