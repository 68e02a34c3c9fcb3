import type { ConversationDoc, MessageEntry } from '../conversations/conversation-doc.js';
import type { ConversationModel } from '../conversations/conversations.js';
import type { DocSegmentRow } from '../store/database.js';
import type { SegmentRepository } from '../store/repositories.js';
import { MAX_SEGMENTS_PER_COMPACTION, type SealingLimits } from './limits.js';
import { decodeSegment, encodeSegment } from './segment-codec.js';
import { rangeOf } from './sealed-history.js';

/**
 * The history work of a compaction (docs/decisions/0820, "Sealed segments"), loaded only when
 * there is some (the codec stays out of the first paint). Afterwards `model.history.uncommitted`
 * holds every segment to write with the snapshot, in the same unit of work: a crash leaves either
 * the entries live and no segment, or the segment and a snapshot without them.
 *
 * 1. Purges: sealed messages deleted for everyone or expired are taken out of their segments,
 *    which are rewritten whole.
 * 2. Seal: while the live document holds a segment more than its window, its oldest entries (in
 *    timeline order) become segments and leave the document through SEALED_ORIGIN.
 */
export async function sealAndPurge(
  store: SegmentRepository,
  model: ConversationModel,
  limits: SealingLimits,
): Promise<void> {
  const history = model.history;
  if (!history.listed) history.list(await store.listSegments(model.row.id));
  await purgeSegments(store, model);
  sealOverflow(model, limits);
}

async function purgeSegments(store: SegmentRepository, model: ConversationModel): Promise<void> {
  const history = model.history;
  if (history.purges.size === 0) return;
  const purged = new Set(history.purges.keys());
  for (const range of history.rangesHolding(history.purges.values())) {
    const row =
      history.uncommitted.get(range.seq) ?? (await store.readSegment(model.row.id, range.seq));
    if (!row) continue;
    const entries = decodeSegment(row.bytes);
    const kept = entries.filter((entry) => !purged.has(entry.id));
    if (kept.length === entries.length) continue;
    // An emptied segment stays, with its range, so seqs never move.
    history.rewritten({
      ...row,
      ...(kept.length > 0 ? rangeOf(kept) : {}),
      bytes: encodeSegment(kept),
    });
  }
  history.purges.clear();
}

function sealOverflow(model: ConversationModel, limits: SealingLimits): void {
  const sealed = sealDocument(
    model.doc,
    model.row.id,
    model.history.nextSeq,
    limits,
    MAX_SEGMENTS_PER_COMPACTION,
  );
  for (const { row, entries } of sealed) model.history.sealed(row, entries);
}

/**
 * Seals what overflows `doc`'s window: removes those entries from it (SEALED_ORIGIN) and returns
 * their segments, numbered from `firstSeq`. Also seeds benchmark devices (test-support/seed.ts).
 */
export function sealDocument(
  doc: ConversationDoc,
  conversationId: string,
  firstSeq: number,
  limits: SealingLimits,
  most = Infinity,
): Array<{ row: DocSegmentRow; entries: MessageEntry[] }> {
  const live = doc.timeline();
  const size = limits.segmentEntries;
  const count = Math.min(most, Math.floor((live.length - limits.liveEntries) / size));
  if (count <= 0) return [];
  const sealed = live.slice(0, count * size);
  doc.removeSealed(new Set(sealed.map((entry) => entry.id)));
  const segments: Array<{ row: DocSegmentRow; entries: MessageEntry[] }> = [];
  for (let start = 0; start < sealed.length; start += size) {
    const entries = sealed.slice(start, start + size);
    const row = {
      conversationId,
      seq: firstSeq + segments.length,
      ...rangeOf(entries),
      bytes: encodeSegment(entries),
    };
    segments.push({ row, entries });
  }
  return segments;
}
