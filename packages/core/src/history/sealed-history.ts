import type { MessageEntry } from '../conversations/conversation-doc.js';
import { compareTimeline, orderKey } from '../conversations/timeline-order.js';
import type { DocSegmentRow, SegmentRange } from '../store/database.js';

/**
 * What one conversation's model knows of its sealed history (docs/decisions/0820): the entries
 * read back from segments (or sealed in this session), which segments are still unread, and the
 * work a compaction still owes (segments sealed but not yet committed, sealed messages to purge).
 * The live document holds the rest; `timeline` joins the two in timeline order.
 */
export class SealedHistory {
  /** Entries older than the live document's, in timeline order, as far back as read. */
  private older: MessageEntry[] = [];
  /** The conversation's stored segments, by seq (listed on first need). */
  private ranges: SegmentRange[] | undefined;
  /** Seqs below this one have not been read into `older` yet. */
  private readFrom = Infinity;
  /** A read in progress, shared by concurrent callers. */
  reading: Promise<boolean> | undefined;
  /** Segments sealed or rewritten in memory and not committed yet (a failed commit retries). */
  readonly uncommitted = new Map<number, DocSegmentRow>();
  /** Sealed messages to take out of their segments at the next compaction: id -> order key. */
  readonly purges = new Map<string, number>();

  /** `live` (the document's timeline) preceded by the sealed entries read so far. */
  timeline(live: readonly MessageEntry[]): readonly MessageEntry[] {
    if (this.older.length === 0) return live;
    const joined = this.older.concat(live);
    // A message that arrived late may sort before the sealed ones it is newer than in the array.
    const boundary = this.older.length;
    if (live.length > 0 && compareTimeline(joined[boundary - 1]!, joined[boundary]!) > 0)
      joined.sort(compareTimeline);
    return joined;
  }

  get listed(): boolean {
    return this.ranges !== undefined;
  }

  /** Called once with the stored segments' ranges (seq order); later seals add to them. */
  list(ranges: readonly SegmentRange[]): void {
    this.ranges ??= [...ranges];
    if (this.readFrom === Infinity) this.readFrom = (this.ranges.at(-1)?.seq ?? -1) + 1;
  }

  get nextSeq(): number {
    return (this.ranges?.at(-1)?.seq ?? -1) + 1;
  }

  /** The seq of the newest segment not read yet (undefined: all read). */
  get nextToRead(): number | undefined {
    const unread = this.ranges?.filter((range) => range.seq < this.readFrom) ?? [];
    return unread.at(-1)?.seq;
  }

  /** Entries of the segment `seq` were read: they precede everything read before. */
  prepend(seq: number, entries: readonly MessageEntry[]): void {
    this.readFrom = Math.min(this.readFrom, seq);
    const joined = entries.concat(this.older);
    // Segments are sealed oldest first, each in timeline order: sorting every entry read so far,
    // once per segment while scrolling up, is needed only when one is not (an imported one).
    if (!inOrder(joined, entries.length + 1)) joined.sort(compareTimeline);
    this.older = joined;
  }

  /** The live document sealed `row` with `entries`, which stay shown (they were in memory). */
  sealed(row: DocSegmentRow, entries: readonly MessageEntry[]): void {
    this.ranges?.push({ seq: row.seq, fromKey: row.fromKey, toKey: row.toKey });
    this.uncommitted.set(row.seq, row);
    this.older = this.older.concat(entries);
  }

  /** A segment was rewritten without purged entries. */
  rewritten(row: DocSegmentRow): void {
    const range = this.ranges?.find((candidate) => candidate.seq === row.seq);
    if (range) Object.assign(range, { fromKey: row.fromKey, toKey: row.toKey });
    this.uncommitted.set(row.seq, row);
  }

  /** Sealed entries that must disappear (a delete for everyone, an expiry); purged at compaction. */
  purge(entries: ReadonlyArray<{ id: string; key: number }>): void {
    for (const { id, key } of entries) this.purges.set(id, key);
    const ids = new Set(entries.map((entry) => entry.id));
    this.older = this.older.filter((entry) => !ids.has(entry.id));
  }

  /** A segment imported with a history archive (linking/) was stored. */
  imported(range: SegmentRange): void {
    this.ranges?.push({ ...range });
  }

  /** Segments whose key range holds any of `keys`; every segment when `keys` is undefined. */
  rangesHolding(keys: Iterable<number> | undefined): SegmentRange[] {
    if (keys === undefined) return [...(this.ranges ?? [])];
    const wanted = [...keys];
    return (this.ranges ?? []).filter((range) =>
      wanted.some((key) => key >= range.fromKey && key <= range.toKey),
    );
  }
}

/** Whether the first `count` entries (a segment read and the one after it) are in timeline order. */
function inOrder(entries: readonly MessageEntry[], count: number): boolean {
  const end = Math.min(count, entries.length);
  for (let index = 1; index < end; index++)
    if (compareTimeline(entries[index - 1]!, entries[index]!) > 0) return false;
  return true;
}

/** The key range of a segment's entries (they are in timeline order). */
export function rangeOf(entries: readonly MessageEntry[]): { fromKey: number; toKey: number } {
  return { fromKey: orderKey(entries[0]!), toKey: orderKey(entries.at(-1)!) };
}
