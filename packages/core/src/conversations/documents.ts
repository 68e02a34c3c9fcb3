import { ConversationDoc } from './conversation-doc.js';
import type { ConversationModel } from './conversation-model.js';
import type { ConversationRepository, StoredDocument } from '../store/repositories.js';

/** Applies a stored document to `doc`: its snapshot, then its update log in seq order. */
export function applyStored(doc: ConversationDoc, stored: StoredDocument): void {
  if (stored.snapshot) doc.applyRemoteUpdate(stored.snapshot);
  for (const update of stored.updates) doc.applyRemoteUpdate(update.update);
}

/**
 * Each of `models`' document as one Yjs update (a history archive's `state`): a decoded one's
 * from memory, the others' decoded from storage into a document that is let go, so the models
 * stay as they were (packing every chat for a new device reads none into memory for good, 0821).
 */
export async function documentStates(
  store: Pick<ConversationRepository, 'loadDocuments'>,
  models: readonly ConversationModel[],
): Promise<Uint8Array[]> {
  const stored = models.filter((model) => !model.docLoaded).map((model) => model.row.id);
  const document = stored.length > 0 ? await store.loadDocuments(stored) : undefined;
  return models.map((model) => {
    if (model.docLoaded) return model.doc.snapshot();
    const doc = new ConversationDoc(model.row.id);
    try {
      applyStored(doc, document!(model.row.id));
      return doc.snapshot();
    } finally {
      doc.doc.destroy();
    }
  });
}
