import type { Doc } from '@automerge/automerge/slim';
import type { AccountDocumentRow, ParleyDatabase } from '../store/database.js';
import { applyChange } from './apply-change.js';
import type { AutomergeApi } from './automerge-loader.js';
import type { AccountDocument } from './document-shape.js';
import type { AccountSettingsChange } from './types.js';
import { validateChange } from './validate-change.js';

/** Past this many stored rows, loading rewrites them as one full save. */
const COMPACT_AFTER_ROWS = 64;
/** Rows of the local JSON log that came before the Automerge document start with '{'. */
const JSON_OPEN_BRACE = 0x7b;

/**
 * Reads the account document from the `accountDocument` table: Automerge saves and incremental
 * saves, concatenated (Automerge loads such a concatenation as one). Rows of the earlier local
 * JSON log are migrated: replayed as one change on top of what is there, then the table is
 * rewritten as one save. A long table is compacted the same way.
 */
export async function readStoredDocument(
  am: AutomergeApi,
  db: ParleyDatabase,
  base: Uint8Array,
): Promise<Doc<AccountDocument>> {
  const rows = await db.accountDocument.orderBy('seq').toArray();
  const legacy = rows.filter(isLegacyRow).flatMap(legacyChange);
  const saved = rows.filter((row) => !isLegacyRow(row)).map((row) => row.bytes);
  let doc = am.load<AccountDocument>(concat([base, ...saved]));
  if (legacy.length > 0)
    doc = am.change(doc, (draft) => legacy.forEach((change) => applyChange(draft, change)));
  if (rows.length === 0 || legacy.length > 0 || rows.length > COMPACT_AFTER_ROWS)
    await replaceRows(db, am.save(doc));
  return doc;
}

function isLegacyRow(row: AccountDocumentRow): boolean {
  return row.bytes[0] === JSON_OPEN_BRACE;
}

/** A change of the old log; one that no longer parses or validates is skipped, not fatal. */
function legacyChange(row: AccountDocumentRow): AccountSettingsChange[] {
  try {
    const change = JSON.parse(new TextDecoder().decode(row.bytes)) as AccountSettingsChange;
    validateChange(change);
    return [change];
  } catch {
    return [];
  }
}

async function replaceRows(db: ParleyDatabase, bytes: Uint8Array): Promise<void> {
  await db.transaction('rw', db.accountDocument, async () => {
    await db.accountDocument.clear();
    await db.accountDocument.add({ bytes: bytes as Uint8Array<ArrayBuffer> });
  });
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
