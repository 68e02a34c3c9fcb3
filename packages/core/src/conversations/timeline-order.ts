import type { MessageEntry } from './conversation-doc.js';

/**
 * The order in which a conversation's messages are shown (docs/decisions/0306-timeline-order.md).
 *
 * Every entry carries `hlc`, a hybrid logical timestamp stamped once by its author:
 * `max(author's wall clock, 1 + the largest hlc in the author's document)`. The timeline is the
 * entries sorted by (hlc, id). Hence:
 * - every device holding the same entries shows the same order (the key is part of the
 *   immutable entry, the tie-break is the unique id): convergence is the document's;
 * - a message written after its author saw another sorts after it, even when the author's clock
 *   is behind (causality beats clocks);
 * - messages written concurrently (neither author had seen the other's) follow their authors'
 *   clocks: A sent at 10:00 and B at 10:01 while both were offline shows A then B everywhere,
 *   whatever order the Yjs array merged them in.
 * The chat list's "last message" is the last text entry of this same order.
 */

/** An entry's position key: its hlc, or its author's clock for entries stamped before hlc. */
export function orderKey(entry: MessageEntry): number {
  if (typeof entry.hlc === 'number' && Number.isFinite(entry.hlc)) return entry.hlc;
  return typeof entry.sentAt === 'number' && Number.isFinite(entry.sentAt) ? entry.sentAt : 0;
}

/** Timeline order: by hlc, then by id so that equal keys still sort alike on every device. */
export function compareTimeline(a: MessageEntry, b: MessageEntry): number {
  const byKey = orderKey(a) - orderKey(b);
  if (byKey !== 0) return byKey;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Stamps `entries` (written in this order by this device) after `latest`, the largest key in the
 * document: each gets `max(its sentAt, previous key + 1)`.
 */
export function stampOrder(entries: readonly MessageEntry[], latest: number): MessageEntry[] {
  let previous = latest;
  return entries.map((entry) => {
    const hlc = Math.max(entry.sentAt, previous + 1);
    previous = hlc;
    return { ...entry, hlc };
  });
}

/**
 * A document's entries kept in timeline order as they are added. Entries mostly arrive in order
 * (appended at the end); a batch that does not is merged by one sort, which is linear on the
 * nearly sorted array (V8's TimSort finds the runs).
 */
export class TimelineIndex {
  private readonly ordered: MessageEntry[] = [];

  add(entries: readonly MessageEntry[]): void {
    let sorted = true;
    for (const entry of entries) {
      const last = this.ordered[this.ordered.length - 1];
      if (last && compareTimeline(last, entry) > 0) sorted = false;
      this.ordered.push(entry);
    }
    if (!sorted) this.ordered.sort(compareTimeline);
  }

  /** Drops entries deleted from the document (linear, and only when something was deleted). */
  remove(ids: ReadonlySet<string>): void {
    if (ids.size === 0) return;
    let kept = 0;
    for (const entry of this.ordered) if (!ids.has(entry.id)) this.ordered[kept++] = entry;
    this.ordered.length = kept;
  }

  /** Replaces the entries of `ids` by stubs without content, in place (rich/ deletes). */
  redact(ids: ReadonlySet<string>): void {
    for (const [index, entry] of this.ordered.entries()) {
      if (!ids.has(entry.id)) continue;
      const { attachments: _attachments, replyTo: _replyTo, ...kept } = entry;
      this.ordered[index] = { ...kept, body: '' };
    }
  }

  /** The entries in timeline order; read-only (the index keeps extending it). */
  get entries(): readonly MessageEntry[] {
    return this.ordered;
  }

  /** The largest key in the document (0 when empty). */
  get latestKey(): number {
    const last = this.ordered[this.ordered.length - 1];
    return last ? orderKey(last) : 0;
  }
}
